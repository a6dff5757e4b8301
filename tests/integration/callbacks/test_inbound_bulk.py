"""A lane's plain MO SMS stored together (`NotifyHandler.handle_batch`,
`services.inbound_batch.receive_plain`): each message once, each
subscriber's events in order, the same outcome as handling the events one by
one, and a poison event failing alone."""

import json
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subscribers.models import Subscriber
from telecom import redis as hatid_redis
from telecom.callbacks import app_cache, lanes, registry
from telecom.callbacks.registry import CallbackHandler, HandlerResult
from telecom.callbacks.service import process_callback
from telecom.models import CallbackEvent, KeywordRule, Message, WebhookDelivery
from tests.support.factories import PartnerFactory, ProviderAppFactory
from tests.support.lanes import mo_body, stop_body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def token(app, number: str) -> str:
    return f"tok{app.pk}x{number[-7:]}abcdefgh"


def numbers(count: int) -> list[str]:
    return [f"+63917{n:07d}" for n in range(count)]


def post_mo(client, app, sender, text, **fields) -> None:
    body = mo_body(sender, text, shortcode=app.shortcode, **fields)
    response = client.post(app.callback_path("notify"), body, content_type="application/json")
    assert response.status_code == 200, response.content


def opt_in(client, app, number) -> None:
    query = urlencode({"access_token": token(app, number), "subscriber_number": number})
    assert client.get(f"{app.callback_path('redirect')}?{query}").status_code == 200


def stop(client, app, number) -> None:
    body = stop_body(number, token(app, number))
    response = client.post(app.callback_path("redirect"), body, content_type="application/json")
    assert response.status_code == 200


def inserts_into(queries, table: str) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"'))


def texts_of(number: str, app) -> list[str]:
    return list(
        Message.objects.filter(app=app, msisdn=number, direction="in")
        .order_by("pk")
        .values_list("text", flat=True)
    )


@pytest.fixture
def one_lane(settings):
    """Every subscriber in one lane, so one batch holds them all."""
    settings.CALLBACK_LANES = 1


@pytest.fixture
def app(db):
    return ProviderAppFactory(shortcode="21581234")


def test_a_batch_of_plain_messages_is_stored_in_one_insert(client, app, one_lane):
    people = numbers(20)
    Subscriber.objects.create(app=app, msisdn=people[0])  # one texted before
    for n in range(3):
        for number in people:
            post_mo(client, app, number, f"hello {n}")
    with CaptureQueriesContext(connection) as queries:
        assert lanes.drain() == 60
    assert inserts_into(queries, "telecom_message") == 1
    assert inserts_into(queries, "subscribers_subscriber") == 1
    assert Subscriber.objects.filter(app=app).count() == 20
    for number in people:
        assert texts_of(number, app) == ["hello 0", "hello 1", "hello 2"]
    assert set(CallbackEvent.objects.values_list("status", "attempts")) == {("processed", 1)}
    # Each message points at the callback it came in.
    assert all(
        m.callback_event.json()["inboundSMSMessageList"]["inboundSMSMessage"][0]["message"]
        == m.text
        for m in Message.objects.select_related("callback_event")
    )


def test_a_message_sent_twice_is_stored_once(client, app, one_lane):
    sender = "+639171234567"
    post_mo(client, app, sender, "first", message_id="m-1")
    lanes.drain()
    # Again in a later batch, and twice within one batch.
    post_mo(client, app, sender, "first", message_id="m-1")
    post_mo(client, app, sender, "second", message_id="m-2")
    post_mo(client, app, sender, "second", message_id="m-2")
    assert lanes.drain() == 3
    assert texts_of(sender, app) == ["first", "second"]
    notes = list(CallbackEvent.objects.order_by("pk").values_list("note", flat=True))
    assert notes[1] == "duplicate of id:m-1" and notes[3] == "duplicate of id:m-2"
    assert set(CallbackEvent.objects.values_list("status", flat=True)) == {"processed"}


def test_keyword_rules_reply_tag_and_forward_from_a_batch(client, app, one_lane):
    people = numbers(4)
    for number in people:
        opt_in(client, app, number)
    lanes.drain()
    partner = PartnerFactory(webhook_url="https://partner.example/hook")
    partner.apps.add(app)
    # The same word twice: the lower position is tried first, whatever was made first.
    KeywordRule.objects.create(app=app, keyword="promo", reply_text="later", position=5)
    KeywordRule.objects.create(app=app, keyword="promo", reply_text="You said: {text}")
    KeywordRule.objects.create(app=app, keyword="promo", reply_text="tie, made after")
    for number in people:
        post_mo(client, app, number, f"PROMO {number[-2:]}")
        post_mo(client, app, number, "hello")
    assert lanes.drain() == 8
    replies = Message.objects.filter(direction="out").order_by("pk")
    assert [(r.msisdn, r.text, r.status, r.source) for r in replies] == [
        (number, f"You said: PROMO {number[-2:]}", "queued", "keyword") for number in people
    ]
    matched = Message.objects.filter(direction="in", keyword_rule__isnull=False)
    assert sorted(matched.values_list("text", flat=True)) == sorted(
        f"PROMO {n[-2:]}" for n in people
    )
    # Every inbound message reaches the partner once.
    assert WebhookDelivery.objects.filter(partner=partner).count() == 8


def outcome(app) -> dict:
    """What the callbacks did to each subscriber, without the rows' ids."""

    def blind(text: str) -> str:
        return re.sub(r"\d+", "#", text)

    return {
        "events": [
            (kind, status, blind(note))
            for kind, status, note in CallbackEvent.objects.filter(app=app)
            .order_by("pk")
            .values_list("kind", "status", "note")
        ],
        "subscribers": {
            s.msisdn: (
                s.status,
                [
                    (m.direction, m.source, m.text, m.status, m.keyword_rule_id is not None)
                    for m in Message.objects.filter(subscriber=s).order_by("pk")
                ],
            )
            for s in Subscriber.objects.filter(app=app)
        },
    }


def mixed_traffic(client, app) -> None:
    """Two subscribers: A opts in, texts a keyword, STOPs, texts it again,
    sends a multipart message (its parts in reverse) and a plain one; B's
    texts come before and after its opt-in, between A's."""
    a, b = "+639170000001", "+639170000002"
    KeywordRule.objects.create(app=app, keyword="promo", reply_text="You said: {text}")
    post_mo(client, app, b, "PROMO before opt-in")
    opt_in(client, app, a)
    post_mo(client, app, a, "PROMO one")
    opt_in(client, app, b)
    post_mo(client, app, b, "PROMO after opt-in")
    stop(client, app, a)
    post_mo(client, app, a, "PROMO after stop")
    post_mo(client, app, a, "t" * 150, message_id="p2", ref="ref-1", seq=2)
    post_mo(client, app, b, "hello")
    post_mo(client, app, a, "A" * 153, message_id="p1", ref="ref-1", seq=1)
    post_mo(client, app, a, "last")


def test_a_mixed_batch_keeps_each_subscribers_order_and_the_single_path_outcome(client, one_lane):
    one_by_one, batched = ProviderAppFactory(), ProviderAppFactory()
    mixed_traffic(client, one_by_one)
    for event in CallbackEvent.objects.filter(app=one_by_one).order_by("pk"):
        process_callback(event)  # the web's path: each event alone
    mixed_traffic(client, batched)
    assert lanes.drain() == 11  # one batch: the one lane's 11 waiting events

    expected = outcome(one_by_one)
    assert outcome(batched) == expected
    a, b = expected["subscribers"]["+639170000001"], expected["subscribers"]["+639170000002"]
    assert a[0] == Subscriber.Status.UNSUBSCRIBED and b[0] == Subscriber.Status.ACTIVE
    assert [(d, text, status) for d, _, text, status, _ in a[1]] == [
        ("in", "PROMO one", "received"),
        ("out", "You said: PROMO one", "cancelled"),  # queued, then the STOP came
        ("in", "PROMO after stop", "received"),
        ("out", "You said: PROMO after stop", "failed"),
        ("in", "A" * 153 + "t" * 150, "received"),
        ("in", "last", "received"),
    ]
    assert [(d, status) for d, _, _, status, _ in b[1]] == [
        ("in", "received"),
        ("out", "failed"),  # not subscribed yet
        ("in", "received"),
        ("out", "queued"),
        ("in", "received"),
    ]


def test_a_poison_event_fails_alone_and_the_batch_goes_on(client, app, one_lane, poison):
    people = numbers(5)
    for n in range(2):
        for number in people:
            post_mo(client, app, number, "boom" if (n, number) == (1, people[2]) else f"m{n}")
    assert lanes.drain() == 10
    events = list(CallbackEvent.objects.order_by("pk"))
    failed = [e for e in events if e.status == "failed"]
    assert len(failed) == 1 and "poison message" in failed[0].error
    assert failed[0].json()["inboundSMSMessageList"]["inboundSMSMessage"][0]["message"] == "boom"
    assert failed[0].traceback
    assert {e.status for e in events if e is not failed[0]} == {"processed"}
    assert Message.objects.count() == 9
    for number in people:
        assert texts_of(number, app) == (["m0"] if number == people[2] else ["m0", "m1"])


class Recorder(CallbackHandler):
    """Test handlers: `{"who": number, "n": k}` applied into `applied`."""

    methods = ("POST",)
    applied: list = []

    def __init__(self, kind: str, batches: bool):
        self.kind, self.batches = kind, batches

    def lane_key(self, event):
        return event.json()["who"]

    def batch_key(self, event):
        return event.json()["who"] if self.batches else None

    def handle(self, event):
        Recorder.applied.append((event.json()["who"], event.json()["n"]))
        return HandlerResult(note="alone")

    def handle_batch(self, events):
        return [self.handle(event) for event in events]


@pytest.fixture
def recorders():
    Recorder.applied = []
    kinds = {"bulk-a": True, "bulk-b": True, "lone": False}
    for kind, batches in kinds.items():
        registry.add_handler(Recorder(kind, batches))
    yield
    for kind in kinds:
        registry.unregister(kind)


def test_two_bulk_handlers_and_a_lone_one_keep_each_subscribers_order(app, recorders):
    a, b = "+639170000001", "+639170000002"
    for kind, who, n in [
        ("bulk-a", a, 1),
        ("bulk-b", b, 1),
        ("bulk-a", b, 2),  # b's first event waits for bulk-b: that group goes first
        ("bulk-b", a, 2),
        ("lone", a, 3),
        ("bulk-a", b, 3),
    ]:
        CallbackEvent.objects.create(
            app=app, kind=kind, method="POST", body=json.dumps({"who": who, "n": n}), lane=0
        )
    assert lanes.process_lane(0) == 6
    for who in (a, b):
        assert [n for w, n in Recorder.applied if w == who] == [1, 2, 3]
    assert set(CallbackEvent.objects.values_list("status", flat=True)) == {"processed"}


def queries_of(queries, table: str) -> int:
    return sum(1 for q in queries.captured_queries if f'FROM "{table}"' in q["sql"])


def test_an_apps_rules_and_partners_are_read_once_until_one_changes(client, app, one_lane):
    """The lane workers keep each app's keyword rules and partners across
    batches (`app_cache.app_config`); a change is seen by the next batch."""
    app_cache.clear_local()
    people = numbers(3)
    KeywordRule.objects.create(app=app, keyword="promo", reply_text="first reply")
    post_mo(client, app, people[0], "PROMO one")
    with CaptureQueriesContext(connection) as first:
        assert lanes.drain() == 1
    assert queries_of(first, "telecom_keywordrule") == 1
    assert queries_of(first, "telecom_partner") == 1

    post_mo(client, app, people[1], "PROMO two")
    with CaptureQueriesContext(connection) as second:
        assert lanes.drain() == 1
    assert queries_of(second, "telecom_keywordrule") == 0
    assert queries_of(second, "telecom_partner") == 0

    rule = KeywordRule.objects.get(app=app)
    rule.reply_text = "second reply"
    rule.save()
    partner = PartnerFactory(webhook_url="https://partner.example/hook")
    partner.apps.add(app)
    post_mo(client, app, people[2], "PROMO three")
    with CaptureQueriesContext(connection) as third:
        assert lanes.drain() == 1
    assert queries_of(third, "telecom_keywordrule") == 1
    replies = dict(Message.objects.filter(app=app, direction="out").values_list("msisdn", "text"))
    assert replies == {
        people[0]: "first reply",
        people[1]: "first reply",
        people[2]: "second reply",
    }
    assert WebhookDelivery.objects.filter(partner=partner).count() == 1


def test_a_rule_changed_by_another_process_is_seen_by_the_next_batch(client, app, one_lane):
    app_cache.clear_local()
    people = numbers(2)
    post_mo(client, app, people[0], "PROMO one")
    lanes.drain()  # no rules, cached
    # Another process's save: its row committed, then the version moved.
    KeywordRule.objects.bulk_create([KeywordRule(app=app, keyword="promo", reply_text="hi")])
    hatid_redis.client().incr(app_cache.VERSION_KEY)
    post_mo(client, app, people[1], "PROMO two")
    lanes.drain()
    assert list(
        Message.objects.filter(app=app, direction="out").values_list("msisdn", flat=True)
    ) == [people[1]]
