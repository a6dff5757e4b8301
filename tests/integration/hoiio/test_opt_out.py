"""Opting out of a Hoiio app: STOP texted to its number, the one confirmation,
operators and partners unsubscribing and resubscribing, and every send
skipping the opted-out number."""

import uuid
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subscribers.models import ConsentEvent, Subscriber
from subscribers.services.opt_out import hoiio_opt_in_again, hoiio_opt_out
from telecom.errors import ServiceError
from telecom.models import AuditEvent, Campaign, Message, SmsBulk
from telecom.roles import OPERATORS, VIEWERS
from telecom.services import campaigns
from telecom.services.hoiio.opt_out import keyword
from telecom.services.hoiio.sms import SmsBulkDelivery
from telecom.services.messaging import send_sms
from tests.integration.console.test_admin_and_roles import staff
from tests.support.api import api_client_for
from tests.support.factories import HoiioAppFactory, PartnerFactory

pytestmark = pytest.mark.django_db
A = "+639171234567"
SUBSCRIBERS = reverse("admin:subscribers_subscriber_changelist")


@pytest.fixture
def app():
    return HoiioAppFactory()


def text_in(client, app, msg, txn_ref="AA-S-1", sender=A):
    fields = {"txn_ref": txn_ref, "from": sender, "to": "+6531591000", "msg": msg}
    return client.post(
        app.callback_path("sms-in"),
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )


def new_key() -> str:
    return uuid.uuid4().hex


def confirmations(app):
    return Message.objects.filter(app=app, direction="out", source=Message.Source.KEYWORD)


def status(app, number=A):
    return Subscriber.objects.get(app=app, msisdn=number).status


# --- the keywords ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        " Stop! ",
        "STOPSVC",
        "unsubscribe.",
        "\tUnSubscribe?!\n",
        "«stop»",
        "STOP 🙏",
    ],
)
def test_opt_out_words_in_any_case_and_punctuation(text):
    assert keyword(text) in {"STOP", "STOPSVC", "UNSUBSCRIBE"}


@pytest.mark.parametrize(
    "text", ["stop by at 5", "STOPPED", "unstop", "", "   ", "S T O P", "HELP"]
)
def test_other_texts_are_not_keywords(text):
    assert keyword(text) == ""


@given(
    word=st.sampled_from(["stop", "stopsvc", "unsubscribe", "start", "subscribe"]),
    case=st.lists(st.booleans(), min_size=11, max_size=11),
    before=st.text(alphabet=" \t\n.!?,;:-*\"'()", max_size=5),
    after=st.text(alphabet=" \t\n.!?,;:-*\"'()", max_size=5),
)
def test_any_casing_and_surrounding_punctuation_is_the_keyword(word, case, before, after):
    cased = "".join(c.upper() if up else c for c, up in zip(word, case, strict=False))
    assert keyword(before + cased + after) == word.upper()


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40))
def test_any_text_is_answered_and_stored(client, app, text):
    response = text_in(client, app, text, txn_ref=f"AA-H-{abs(hash(text))}")
    assert response.status_code in (200, 400)


def test_stop_unsubscribes_with_history_and_one_confirmation(
    client, app, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(app=app, msisdn=A, status=Subscriber.Status.ACTIVE)
    with django_capture_on_commit_callbacks(execute=False) as published:
        assert text_in(client, app, " Stop! ").status_code == 200
    assert status(app) == Subscriber.Status.UNSUBSCRIBED
    [event] = ConsentEvent.objects.filter(subscriber__app=app)
    assert (event.kind, event.detail) == (ConsentEvent.Kind.UNSUBSCRIBED, "texted STOP")
    assert event.callback_event is not None
    [confirmation] = confirmations(app)
    assert confirmation.status == Message.Status.QUEUED and confirmation.msisdn == A
    assert "unsubscribed" in confirmation.text and "START" in confirmation.text
    assert published  # its delivery is published on commit


def test_a_replayed_or_repeated_stop_sends_no_second_confirmation(client, app):
    text_in(client, app, "STOP", txn_ref="AA-S-1")
    text_in(client, app, "STOP", txn_ref="AA-S-1")  # the same notification again
    text_in(client, app, "unsubscribe", txn_ref="AA-S-2")  # texted again
    assert confirmations(app).count() == 1
    assert ConsentEvent.objects.filter(kind="unsubscribed").count() == 1
    assert Message.objects.filter(direction="in").count() == 2


def test_start_subscribes_again_with_its_confirmation(client, app):
    text_in(client, app, "STOP", txn_ref="AA-S-1")
    text_in(client, app, "start", txn_ref="AA-S-2")
    text_in(client, app, "SUBSCRIBE", txn_ref="AA-S-3")  # already: nothing more
    assert status(app) == Subscriber.Status.ACTIVE
    kinds = list(ConsentEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["unsubscribed", "resubscribed"]
    texts = list(confirmations(app).order_by("pk").values_list("text", flat=True))
    assert len(texts) == 2 and "subscribed to" in texts[1]


def test_start_from_a_number_that_never_left_changes_nothing(client, app):
    text_in(client, app, "START")
    assert status(app) == Subscriber.Status.PENDING
    assert not confirmations(app).exists() and not ConsentEvent.objects.exists()


def test_a_keyword_rule_never_sees_the_opt_out_words(client, app):
    from telecom.models import KeywordRule

    KeywordRule.objects.create(app=app, match=KeywordRule.Match.DEFAULT, reply_text="Hello!")
    text_in(client, app, "UNSUBSCRIBE", txn_ref="AA-S-1")
    text_in(client, app, "what?", txn_ref="AA-S-2")
    replies = list(confirmations(app).order_by("pk").values_list("text", flat=True))
    assert len(replies) == 2 and "unsubscribed" in replies[0]
    # The rule's reply to the opted-out number is recorded failed, as on Globe.
    assert confirmations(app).get(text="Hello!").status == Message.Status.FAILED


def test_stop_on_a_globe_app_is_left_to_the_platform(globe_app):
    with pytest.raises(ServiceError) as refused:
        hoiio_opt_out(app=globe_app, number=A, detail="x")
    assert refused.value.field == "app"


# --- sends and campaigns skip the opted-out -------------------------------------


def test_a_send_to_an_opted_out_number_is_refused_naming_to(app):
    hoiio_opt_out(app=app, number="09171234567", detail="test")
    with pytest.raises(ServiceError) as refused:
        send_sms(app=app, to="09171234567", text="hi", source=Message.Source.ADMIN)
    assert (refused.value.field, refused.value.code) == ("to", "unsubscribed")
    assert not Message.objects.exists()


def test_the_api_answers_400_naming_to(app):
    partner = PartnerFactory()
    partner.apps.add(app)
    hoiio_opt_out(app=app, number=A, detail="test")
    response = api_client_for(partner, ["sms:send"]).post(
        "/api/v1/messages/",
        {"to": "09171234567", "text": "Hi"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=new_key(),
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unsubscribed"
    assert "to" in response.json()["error"]["fields"]


def test_a_campaign_skips_the_opted_out(app):
    for n in range(3):
        Subscriber.objects.create(app=app, msisdn=f"+63917000000{n}", status="active")
    hoiio_opt_out(app=app, number="+639170000001", detail="test")
    campaign = campaigns.create_campaign(app=app, name="C", text="Sale", segment={})
    campaigns.build_campaign(campaign.pk)
    campaign.refresh_from_db()
    assert (campaign.recipients, campaign.skipped) == (2, 1)
    assert set(Message.objects.filter(campaign=campaign).values_list("msisdn", flat=True)) == {
        "+639170000000",
        "+639170000002",
    }


def test_a_bulk_built_before_the_opt_out_leaves_the_number_out(app, sandbox):
    sandbox.hoiio_account(app.app_id, access_token=app.access_token.reveal())
    for n in range(2):
        Subscriber.objects.create(app=app, msisdn=f"+63917000000{n}", status="active")
    campaign = campaigns.create_campaign(app=app, name="C", text="Sale", segment={})
    campaigns.build_campaign(campaign.pk)
    hoiio_opt_out(app=app, number="+639170000001", detail="test")
    bulk = SmsBulk.objects.get(campaign=campaign)
    SmsBulkDelivery().submit(bulk)
    # What reached Hoiio's twin: the number still subscribed, and only it.
    assert [t["dest"] for t in sandbox.hoiio_transactions(kind="sms")] == ["+639170000000"]
    left = Message.objects.get(campaign=campaign, msisdn="+639170000001")
    assert left.status == Message.Status.CANCELLED
    assert Campaign.objects.get(pk=campaign.pk).status != Campaign.Status.CANCELLED


# --- operators --------------------------------------------------------------------


def test_an_operator_unsubscribes_and_resubscribes_audited(client, app):
    user = staff("olive", OPERATORS)
    client.force_login(user)
    subscriber = Subscriber.objects.create(app=app, msisdn=A, status="active")
    client.post(SUBSCRIBERS, {"action": "unsubscribe", "_selected_action": [subscriber.pk]})
    assert status(app) == Subscriber.Status.UNSUBSCRIBED
    client.post(SUBSCRIBERS, {"action": "resubscribe", "_selected_action": [subscriber.pk]})
    assert status(app) == Subscriber.Status.ACTIVE
    details = list(ConsentEvent.objects.order_by("pk").values_list("kind", "detail"))
    assert details == [
        ("unsubscribed", "by an operator (olive)"),
        ("resubscribed", "by an operator (olive)"),
    ]
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "outcome"))
    assert actions == [
        ("subscriber.unsubscribe", "succeeded"),
        ("subscriber.resubscribe", "succeeded"),
    ]
    page = client.get(reverse("admin:subscribers_subscriber_change", args=[subscriber.pk]))
    assert b"by an operator (olive)" in page.content
    assert not confirmations(app).exists()  # an operator's change texts nobody


def test_a_viewer_cannot(client, app):
    client.force_login(staff("victor", VIEWERS))
    subscriber = Subscriber.objects.create(app=app, msisdn=A, status="active")
    response = client.post(
        SUBSCRIBERS, {"action": "unsubscribe", "_selected_action": [subscriber.pk]}
    )
    assert response.status_code in (200, 302, 403)
    assert status(app) == Subscriber.Status.ACTIVE
    assert not ConsentEvent.objects.exists()


def test_a_globe_subscriber_is_left_with_a_warning(client, app, globe_app):
    client.force_login(staff("olive", OPERATORS))
    globe = Subscriber.objects.create(app=globe_app, msisdn=A, status="active")
    response = client.post(
        SUBSCRIBERS, {"action": "unsubscribe", "_selected_action": [globe.pk]}, follow=True
    )
    assert b"not a Hoiio app" in response.content
    assert status(globe_app) == Subscriber.Status.ACTIVE


# --- the partner API --------------------------------------------------------------


@pytest.fixture
def partner(app):
    partner = PartnerFactory(name="Acme")
    partner.apps.add(app)
    return partner


def test_a_partner_unsubscribes_and_resubscribes_audited(partner, app):
    api = api_client_for(partner, ["subscribers:write"])
    out = api.post(
        f"/api/v1/apps/{app.pk}/unsubscribe/",
        {"number": "0917 123 4567"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=new_key(),
    )
    assert out.status_code == 200, out.json()
    assert (out.json()["number"], out.json()["status"]) == (A, "unsubscribed")
    again = api.post(
        f"/api/v1/apps/{app.pk}/unsubscribe/",
        {"number": A},
        format="json",
        HTTP_IDEMPOTENCY_KEY=new_key(),
    )
    assert again.status_code == 200 and ConsentEvent.objects.count() == 1
    back = api.post(
        f"/api/v1/apps/{app.pk}/resubscribe/",
        {"number": A},
        format="json",
        HTTP_IDEMPOTENCY_KEY=new_key(),
    )
    assert back.json()["status"] == "active"
    assert ConsentEvent.objects.order_by("pk").last().detail == "by Acme through the API"
    actions = set(AuditEvent.objects.values_list("action", "outcome", "partner"))
    assert {a[1] for a in actions} == {"succeeded"} and {a[2] for a in actions} == {partner.pk}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"number": ""},
        {"number": "not a number"},
        {"number": "1" * 500},
        {"number": ["x"]},
        {"number": {"$ne": 1}},
        {"number": "0917'; DROP TABLE--"},
    ],
)
def test_hostile_input_is_a_400_that_changes_nothing(partner, app, body):
    api = api_client_for(partner, ["subscribers:write"])
    response = api.post(
        f"/api/v1/apps/{app.pk}/unsubscribe/", body, format="json", HTTP_IDEMPOTENCY_KEY=new_key()
    )
    assert response.status_code == 400
    assert "number" in response.json()["error"]["fields"]
    assert not ConsentEvent.objects.exists()


def test_another_partners_app_a_globe_app_and_a_read_only_key_are_refused(partner, app, globe_app):
    other = HoiioAppFactory()
    api = api_client_for(partner, ["subscribers:write"])
    assert (
        api.post(
            f"/api/v1/apps/{other.pk}/unsubscribe/",
            {"number": A},
            format="json",
            HTTP_IDEMPOTENCY_KEY=new_key(),
        ).status_code
        == 404
    )
    partner.apps.add(globe_app)
    globe = api.post(
        f"/api/v1/apps/{globe_app.pk}/unsubscribe/",
        {"number": A},
        format="json",
        HTTP_IDEMPOTENCY_KEY=new_key(),
    )
    assert globe.status_code == 400 and "app" in globe.json()["error"]["fields"]
    reader = api_client_for(partner, ["subscribers:read"])
    assert (
        reader.post(
            f"/api/v1/apps/{app.pk}/unsubscribe/",
            {"number": A},
            format="json",
            HTTP_IDEMPOTENCY_KEY=new_key(),
        ).status_code
        == 403
    )
    assert not ConsentEvent.objects.exists()


def test_services_are_idempotent(app):
    first = hoiio_opt_out(app=app, number=A, detail="x")
    second = hoiio_opt_out(app=app, number=A, detail="x")
    assert (first.changed, second.changed) == (True, False)
    assert hoiio_opt_in_again(app=app, number=A, detail="x").changed
    assert not hoiio_opt_in_again(app=app, number=A, detail="x").changed


@pytest.mark.parametrize("word", ["unsubscribe", "Start", "SUBSCRIBE"])
def test_a_hoiio_word_rule_cannot_take_an_opt_out_word(app, globe_app, word):
    from django.core.exceptions import ValidationError

    from telecom.models import KeywordRule

    with pytest.raises(ValidationError) as refused:
        KeywordRule(app=app, match="word", keyword=word, reply_text="x").full_clean()
    assert "keyword" in refused.value.message_dict
    KeywordRule(app=globe_app, match="word", keyword=word, reply_text="x").full_clean()


def test_the_console_compose_shows_the_refusal_on_to_and_audits_it_invalid(client, app):
    client.force_login(staff("olive", OPERATORS))
    hoiio_opt_out(app=app, number=A, detail="test")
    response = client.post(
        reverse("admin:telecom_message_compose"),
        {"app": app.pk, "to": "09171234567", "text": "Hi"},
    )
    assert response.status_code == 200
    assert b"has unsubscribed from" in response.content
    assert not Message.objects.exists()
    assert AuditEvent.objects.get().outcome == AuditEvent.Outcome.INVALID
