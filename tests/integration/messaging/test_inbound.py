"""Inbound SMS at the Notify URI: stored once, multipart reassembled once,
keywords and partner webhooks applied once, bad payloads refused and kept."""

import copy
import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subscribers.models import Subscriber, Tag
from telecom.models import (
    CallbackEvent,
    InboundMultipart,
    KeywordRule,
    Message,
    WebhookDelivery,
)
from telecom.msisdn import normalize_msisdn
from telecom.services.inbound import assemble_stale_multiparts
from tests.support.factories import PartnerFactory
from tests.support.lanes import process_callbacks

pytestmark = pytest.mark.django_db

DOCUMENTED = {
    "inboundSMSMessageList": {
        "inboundSMSMessage": [
            {
                "dateTime": "Fri Nov 22 2013 12:12:13 GMT+0000 (UTC)",
                "destinationAddress": "tel:21581234",
                "messageId": None,
                "message": "Hello",
                "resourceURL": None,
                "senderAddress": "tel:+639171234567",
            }
        ],
        "numberOfMessagesInThisBatch": 1,
        "resourceURL": None,
        "totalNumberOfPendingMessages": None,
    }
}

PART_1 = "Alright" * 21 + "Alrigh"
PART_2 = "t" + "Alright" * 14 + "u"


def multipart(seq: int, text: str, ref="5476ddbba4e7d20c527c0f83422bf938"):
    return {
        "inboundSMSMessageList": {
            "inboundSMSMessage": [
                {
                    "dateTime": "Fri Nov 22 2013 12:12:13 GMT+0000 (UTC)",
                    "destinationAddress": "tel:21581234",
                    "messageId": f"57cd07d61a28d80100a26bc{seq}",
                    "message": text,
                    "resourceURL": None,
                    "senderAddress": "tel:+639171234567",
                    "multipartRefId": ref,
                    "multipartSeqNum": str(seq),
                }
            ],
            "numberOfMessagesInThisBatch": "2",
            "resourceURL": None,
            "totalNumberOfPendingMessages": 0,
        }
    }


@pytest.fixture
def app(globe_app):
    globe_app.shortcode = "21581234"
    globe_app.save()
    return globe_app


def notify(client, app, body):
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post(app.callback_path("notify"), data, content_type="application/json")
    process_callbacks()
    return response


def test_documented_mo_is_stored_once_even_without_message_id(client, app):
    assert notify(client, app, DOCUMENTED).status_code == 200
    assert notify(client, app, DOCUMENTED).status_code == 200
    message = Message.objects.get()
    assert (message.direction, message.text, message.msisdn) == ("in", "Hello", "+639171234567")
    assert message.platform_sent_at.year == 2013
    assert message.subscriber.status == Subscriber.Status.PENDING
    assert "duplicate" in CallbackEvent.objects.order_by("pk").last().note


def test_sdk_style_sender_and_string_counts_are_accepted(client, app):
    body = copy.deepcopy(DOCUMENTED)
    body["inboundSMSMessageList"]["inboundSMSMessage"][0]["senderAddress"] = "9171234567"
    body["inboundSMSMessageList"]["numberOfMessagesInThisBatch"] = "1"
    assert notify(client, app, body).status_code == 200
    assert Message.objects.get().msisdn == "+639171234567"


def test_batch_of_messages_is_stored_per_message(client, app):
    body = copy.deepcopy(DOCUMENTED)
    second = dict(
        body["inboundSMSMessageList"]["inboundSMSMessage"][0], message="Again", messageId="abc"
    )
    body["inboundSMSMessageList"]["inboundSMSMessage"].append(second)
    body["inboundSMSMessageList"]["numberOfMessagesInThisBatch"] = 2
    notify(client, app, body)
    assert sorted(Message.objects.values_list("text", flat=True)) == ["Again", "Hello"]


@pytest.mark.parametrize("order", [(1, 2), (2, 1), (2, 2, 1, 1), (1, 1, 2)])
def test_multipart_parts_in_any_order_and_repeated_yield_one_message(client, app, order):
    texts = {1: PART_1, 2: PART_2}
    for seq in order:
        assert notify(client, app, multipart(seq, texts[seq])).status_code == 200
    message = Message.objects.get()
    assert message.text == PART_1 + PART_2
    assert not message.incomplete
    assert InboundMultipart.objects.get().message == message


def test_incomplete_multipart_is_handled_as_is_after_the_timeout(client, app, settings):
    notify(client, app, multipart(2, PART_2))
    assert not Message.objects.exists()
    settings.MULTIPART_TIMEOUT_SECONDS = 0
    InboundMultipart.objects.update(
        first_seen_at=InboundMultipart.objects.get().first_seen_at - timedelta(seconds=1)
    )
    assert assemble_stale_multiparts() == 1
    message = Message.objects.get()
    assert message.incomplete and message.text == "…" + PART_2
    notify(client, app, multipart(1, PART_1))  # the late part changes nothing
    assert Message.objects.count() == 1


def test_keyword_rule_replies_tags_and_calls_the_webhook_once(client, app, subscribe):
    subscribe("+639171234567")
    partner = PartnerFactory(webhook_url="https://partner.example/hook")
    KeywordRule.objects.create(
        app=app,
        keyword="promo",
        reply_text="You said: {text}",
        tag=Tag.objects.create(name="promo-fans"),
        webhook_partner=partner,
    )
    body = copy.deepcopy(DOCUMENTED)
    body["inboundSMSMessageList"]["inboundSMSMessage"][0]["message"] = "PROMO now please"
    notify(client, app, body)
    notify(client, app, body)
    inbound = Message.objects.get(direction="in")
    reply = Message.objects.get(direction="out")
    assert inbound.keyword_rule.keyword == "promo"
    assert reply.text == "You said: PROMO now please" and reply.status == "queued"
    assert reply.source == Message.Source.KEYWORD
    assert inbound.subscriber.tags.filter(name="promo-fans").exists()
    assert WebhookDelivery.objects.get().partner == partner


def test_pattern_rule_and_default_rule(client, app, subscribe):
    subscribe("+639171234567")
    KeywordRule.objects.create(app=app, match="pattern", keyword=r"vote\d", reply_text="Counted")
    KeywordRule.objects.create(app=app, match="default", reply_text="Text VOTE1 or VOTE2")
    for text in ("Vote2 yes", "hello"):
        body = copy.deepcopy(DOCUMENTED)
        body["inboundSMSMessageList"]["inboundSMSMessage"][0]["message"] = text
        notify(client, app, body)
    replies = list(
        Message.objects.filter(direction="out").order_by("pk").values_list("text", flat=True)
    )
    assert replies == ["Counted", "Text VOTE1 or VOTE2"]


def test_platform_keywords_never_reach_the_rules(client, app, subscribe):
    subscribe("+639171234567")
    KeywordRule.objects.create(app=app, match="default", reply_text="Default")
    body = copy.deepcopy(DOCUMENTED)
    body["inboundSMSMessageList"]["inboundSMSMessage"][0]["message"] = "stop"
    notify(client, app, body)
    assert not Message.objects.filter(direction="out").exists()


def test_partners_of_the_app_get_every_inbound_message(client, app):
    partner = PartnerFactory(webhook_url="https://partner.example/hook")
    partner.apps.add(app)
    PartnerFactory(webhook_url="https://other.example/hook")  # not a partner of this app
    notify(client, app, DOCUMENTED)
    assert list(WebhookDelivery.objects.values_list("partner", flat=True)) == [partner.pk]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("nope", "body"),
        ({}, "inboundSMSMessageList"),
        (
            {"inboundSMSMessageList": {"inboundSMSMessage": "nope"}},
            "inboundSMSMessageList.inboundSMSMessage",
        ),
        (
            {"inboundSMSMessageList": {"inboundSMSMessage": [{"senderAddress": "9171234567"}]}},
            "inboundSMSMessage[0].message",
        ),
        (
            {
                "inboundSMSMessageList": {
                    "inboundSMSMessage": [{"message": "x", "senderAddress": "12"}]
                }
            },
            "inboundSMSMessage[0].senderAddress",
        ),
        (
            {
                "inboundSMSMessageList": {
                    "inboundSMSMessage": [
                        {
                            "message": "x",
                            "senderAddress": "9171234567",
                            "destinationAddress": "tel:29999999",
                        }
                    ]
                }
            },
            "inboundSMSMessage[0].destinationAddress",
        ),
        (
            {
                "inboundSMSMessageList": {
                    "numberOfMessagesInThisBatch": "two",
                    "inboundSMSMessage": [{"message": "x", "senderAddress": "9171234567"}],
                }
            },
            "inboundSMSMessageList.numberOfMessagesInThisBatch",
        ),
        (
            {
                "inboundSMSMessageList": {
                    "inboundSMSMessage": [
                        {"message": "x", "senderAddress": "9171234567", "multipartRefId": "r"}
                    ]
                }
            },
            "inboundSMSMessage[0].multipartSeqNum",
        ),
    ],
)
def test_malformed_mo_gets_a_400_naming_the_field_and_stays_stored(client, app, body, field):
    response = notify(client, app, body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert CallbackEvent.objects.get().status == CallbackEvent.Status.REJECTED
    assert not Message.objects.exists()


def test_empty_mo_batch_is_answered_200_and_stored_processed_with_a_note(client, app):
    body = copy.deepcopy(DOCUMENTED)
    body["inboundSMSMessageList"].update(inboundSMSMessage=[], numberOfMessagesInThisBatch=0)
    response = notify(client, app, body)
    assert response.status_code == 200
    event = CallbackEvent.objects.get()
    assert event.status == CallbackEvent.Status.PROCESSED
    assert "empty batch" in event.note
    assert not Message.objects.exists()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "inboundSMSMessageList",
                    "inboundSMSMessage",
                    "message",
                    "senderAddress",
                    "destinationAddress",
                    "messageId",
                    "multipartRefId",
                    "multipartSeqNum",
                    "numberOfMessagesInThisBatch",
                    "dateTime",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=json_values)
def test_notify_never_answers_500_to_arbitrary_json(client, app, body):
    response = notify(client, app, body)
    assert response.status_code in (200, 400)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(min_size=1, max_size=300),
    sender=st.sampled_from(["tel:+639171234567", "9171234567", "09181234567"]),
)
def test_any_well_formed_mo_is_stored_exactly_once(client, app, text, sender):
    body = copy.deepcopy(DOCUMENTED)
    body["inboundSMSMessageList"]["inboundSMSMessage"][0].update(message=text, senderAddress=sender)
    before = Message.objects.count()
    assert notify(client, app, body).status_code == 200
    assert notify(client, app, body).status_code == 200
    assert Message.objects.count() - before in (0, 1)  # 0: drawn before with this sender
    stored = text.replace("\x00", "\ufffd")  # PostgreSQL text cannot hold NUL
    assert Message.objects.filter(text=stored, msisdn=normalize_msisdn(sender)).count() == 1
