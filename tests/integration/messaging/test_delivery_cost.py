"""What delivering SMS costs the database: a campaign task's chunks claim and
record in a bounded number of statements, a task whose row another task
already took costs one; and a large chunk of a slow app reserves only the
rate limit's tokens it can use inside its lease, giving the rest back."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subscribers.services.consent import subscriber_opt_in
from telecom.models import Message, OutboundCall
from telecom.ratelimit import acquire_many
from telecom.services import campaigns
from telecom.services.message_delivery import MessageDelivery
from telecom.services.messaging import send_sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(sandbox, globe_app):
    """`audience(count)`: that many subscribers who consented, on both sides."""
    globe_app.quiet_hours = False
    globe_app.sms_per_second = 10_000
    globe_app.save()
    sandbox.register_app(
        app_id=globe_app.app_id,
        app_secret=globe_app.app_secret.reveal(),
        shortcode=globe_app.shortcode,
    )

    def make(count):
        for n in range(count):
            number = f"+63917{n:07d}"
            sandbox.add_subscriber(number)
            token = sandbox.grant(globe_app.app_id, number)["access_token"]
            subscriber_opt_in(app=globe_app, msisdn=number, token=token, channel="sms")

    return make


def campaign_ids(globe_app, count):
    campaign = campaigns.create_campaign(app=globe_app, name="c", text="hi", segment={})
    campaigns.build_campaign(campaign.pk)
    ids = Message.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)
    ids = list(ids)
    assert len(ids) == count
    return ids


def test_a_campaign_task_costs_a_few_statements_per_chunk(globe_app, audience, sandbox, settings):
    settings.MESSAGE_CHUNK_SIZE = 50
    audience(100)
    ids = campaign_ids(globe_app, 100)
    with CaptureQueriesContext(connection) as queries:
        MessageDelivery().run_many(ids, fill=True)
    assert Message.objects.filter(pk__in=ids, status="sent").count() == 100
    assert OutboundCall.objects.filter(operation="sms.send").count() == 100
    assert len({d["clientCorrelator"] for d in sandbox.deliveries("sms")}) == 100
    # Per chunk of 50: the claim (one UPDATE ... RETURNING), the rows and
    # their tokens, the campaigns waiting, the requests' log, the lock and
    # the outcomes; per task, whether the campaign is complete (and completing
    # it). The savepoints are the test's transaction's (a worker's commit).
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) <= 2 * 7 + 2, "\n".join(sql[:120] for sql in statements)


@pytest.mark.postgres  # the claim's one prepared statement is PostgreSQL's
def test_a_task_whose_rows_were_taken_costs_one_statement(globe_app, audience):
    audience(1)
    (message_id,) = campaign_ids(globe_app, 1)
    MessageDelivery().run_many([message_id], fill=True)
    assert Message.objects.get(pk=message_id).status == "sent"
    with CaptureQueriesContext(connection) as queries:
        assert MessageDelivery().run_many([message_id], fill=True) == []
    assert len(queries) == 1, queries.captured_queries


def test_a_chunk_fills_with_other_due_rows_in_their_order(globe_app, audience):
    audience(1)
    rows = [send_sms(app=globe_app, to="+639170000000", text=f"m{n}") for n in range(4)]
    MessageDelivery().run_many([rows[2].pk], fill=True)  # its own row first, then the others
    assert set(Message.objects.filter(status="sent").values_list("pk", flat=True)) == {
        row.pk for row in rows
    }


def test_the_rate_limiter_reserves_only_tokens_usable_within_the_time_given():
    key = f"test-{time.time_ns()}"
    waits = acquire_many(key, rate=10, count=50, burst=1, within=1.0)
    assert len(waits) == 11  # now, then every 0.1 s up to 1 s
    assert waits[-1] == pytest.approx(1.0, abs=0.05)
    # Far behind now: the first token is always reserved (the chunk moves on).
    behind = acquire_many(key, rate=10, count=5, burst=1, within=0.05)
    assert len(behind) == 1 and behind[0] > 1.0


def test_a_slow_apps_large_chunk_gives_back_what_its_lease_cannot_send(
    globe_app, audience, settings
):
    settings.MESSAGE_CHUNK_SIZE = 50
    settings.OUTBOX_LEASE_SECONDS = (
        settings.PROVIDER_CONNECT_TIMEOUT + settings.PROVIDER_READ_TIMEOUT + 1
    )
    globe_app.sms_per_second = 2
    globe_app.save()
    audience(20)
    ids = campaign_ids(globe_app, 20)
    sent = MessageDelivery().run_many(ids)
    # Within the 1 s left of the lease at 2 a second (a burst of 2): a few sent,
    # the others back in the queue, never attempted, due at once.
    assert 2 <= len(sent) <= 5
    left = Message.objects.filter(pk__in=ids).exclude(status="sent")
    assert left.count() == 20 - len(sent)
    assert set(left.values_list("status", "attempts", "in_doubt")) == {("queued", 0, False)}
