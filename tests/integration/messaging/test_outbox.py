"""The outbox's guarantees on real rows: one claimant, fenced outcomes,
backoff, and a sweeper that re-publishes only what was lost."""

import logging
import threading
import time
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from telecom import outbox
from telecom.models import Campaign, Message
from telecom.outbox_sender import OutboxSender
from telecom.ratelimit import acquire_many
from telecom.services.messaging import send_sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(globe_app, subscribe):
    subscribe("+639171234567")
    return send_sms(app=globe_app, to="09171234567", text="Hello")


def test_claim_takes_a_queued_row_once(message):
    row = outbox.claim(Message, message.pk)
    assert row.status == "sending" and row.attempts == 1
    assert row.lease_until > timezone.now()
    assert outbox.claim(Message, message.pk) is None


def test_claim_waits_for_the_backoff(message):
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() + timedelta(1))
    assert outbox.claim(Message, message.pk) is None


def test_expired_lease_can_be_reclaimed_and_fences_the_old_worker(message):
    first = outbox.claim(Message, message.pk)
    Message.objects.filter(pk=message.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    second = outbox.claim(Message, message.pk)
    assert second.attempts == 2
    assert outbox.finish(first, "sent") is False  # the old worker's outcome is refused
    assert outbox.finish(second, "sent") is True
    assert Message.objects.get(pk=message.pk).status == "sent"


def test_retry_later_requeues_with_backoff_and_same_key(message, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 10
    row = outbox.claim(Message, message.pk)
    assert outbox.retry_later(row, "busy")
    row.refresh_from_db()
    assert row.status == "queued" and row.last_error == "busy"
    assert row.client_correlator == message.client_correlator
    assert timedelta(seconds=4) < row.next_attempt_at - timezone.now() <= timedelta(seconds=16)


def test_backoff_grows_and_is_capped(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 1, 30
    assert outbox.retry_delay(1) <= 1.5
    assert 4 <= outbox.retry_delay(4) <= 12
    assert outbox.retry_delay(30) <= 45


def _empty_default_queue() -> None:
    """Drop the tasks earlier tests left in the broker's default queue."""
    from config.celery import app as celery_app

    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge("default")


def test_sweeper_republishes_lost_and_abandoned_rows_only(globe_app, subscribe, settings):
    subscribe("+639171234567")
    fresh = send_sms(app=globe_app, to="09171234567", text="fresh")
    lost = send_sms(app=globe_app, to="09171234567", text="publish lost")
    abandoned = send_sms(app=globe_app, to="09171234567", text="worker died")
    long_ago = timezone.now() - timedelta(minutes=5)
    Message.objects.filter(pk=lost.pk).update(enqueued_at=long_ago)
    outbox.claim(Message, abandoned.pk)
    Message.objects.filter(pk=abandoned.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    _empty_default_queue()  # no backlog in the broker
    swept = outbox.sweep()
    assert swept == {"telecom.Message": 2}
    assert Message.objects.get(pk=lost.pk).enqueued_at > long_ago
    assert Message.objects.get(pk=fresh.pk).status == "queued"


def test_sweeper_waits_longer_for_queued_rows_while_tasks_wait_in_the_broker(
    globe_app, subscribe, settings
):
    settings.OUTBOX_STALE_SECONDS = 30
    subscribe("+639171234567")
    queued = send_sms(app=globe_app, to="09171234567", text="behind a backlog")
    Message.objects.filter(pk=queued.pk).update(enqueued_at=timezone.now() - timedelta(minutes=2))
    _empty_default_queue()
    outbox.publish(Message, [queued.pk])  # its task, still waiting

    assert outbox.waiting_tasks("default") == 1
    assert outbox.sweep() == {}

    Message.objects.filter(pk=queued.pk).update(enqueued_at=timezone.now() - timedelta(minutes=6))
    assert outbox.sweep() == {"telecom.Message": 1}


def test_paused_campaigns_messages_are_held_from_sweeper_and_workers(globe_app, subscribe):
    from telecom.services.campaigns import pause_campaign, resume_campaign

    subscribe("+639171234567")
    message = send_sms(app=globe_app, to="09171234567", text="x")
    campaign = Campaign.objects.create(app=globe_app, name="c", text="x", status="running")
    Message.objects.filter(pk=message.pk).update(
        campaign=campaign, enqueued_at=timezone.now() - timedelta(minutes=5)
    )
    assert pause_campaign(campaign)
    assert Message.objects.get(pk=message.pk).status == "held"
    assert outbox.sweep() == {}
    assert outbox.claim(Message, message.pk) is None
    assert resume_campaign(campaign)
    assert outbox.claim(Message, message.pk) is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_let_exactly_one_worker_through(globe_app, subscribe):
    subscribe("+639171234567")
    message = send_sms(app=globe_app, to="09171234567", text="race")
    winners, barrier = [], threading.Barrier(8)

    def contend():
        barrier.wait()
        try:
            if outbox.claim(Message, message.pk) is not None:
                winners.append(1)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=contend) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert winners == [1]


def test_rate_limiter_spaces_tokens_at_the_rate(settings):
    key = f"test-{time.time_ns()}"
    # A slow rate, so the milliseconds between the calls (seconds on a loaded
    # machine) barely move the waits.
    waits = [acquire_many(key, rate=1, count=1, burst=1)[0] for _ in range(5)]
    assert waits[0] == 0
    assert waits[1:] == sorted(waits[1:])
    assert 3.5 <= waits[-1] <= 4.0  # the 5th token comes 4 s after the first


def test_rate_limiter_burst_is_free_then_paced():
    key = f"test-{time.time_ns()}"
    waits = [acquire_many(key, rate=1, count=1, burst=5)[0] for _ in range(7)]
    assert waits[:5] == [0, 0, 0, 0, 0]
    assert 0.5 < waits[5] < waits[6] <= 2.0  # one and two seconds, less the calls' time


def test_rate_limiter_reserves_many_tokens_at_one_instant():
    waits = acquire_many(f"test-{time.time_ns()}", rate=100, count=7, burst=5)
    assert waits[:5] == [0, 0, 0, 0, 0]
    assert waits[5:] == pytest.approx([0.01, 0.02], abs=1e-4)


def test_claim_many_takes_only_due_free_rows_and_marks_lease_recoveries(globe_app, subscribe):
    subscribe("+639171234567")
    rows = [send_sms(app=globe_app, to="09171234567", text=f"m{n}") for n in range(4)]
    held = outbox.claim(Message, rows[1].pk)  # another worker holds this one
    outbox.claim(Message, rows[2].pk)
    Message.objects.filter(pk=rows[2].pk).update(lease_until=timezone.now() - timedelta(1))
    Message.objects.filter(pk=rows[3].pk).update(next_attempt_at=timezone.now() + timedelta(1))
    taken = outbox.claim_many(Message, [r.pk for r in rows])
    assert [(row.pk, row.in_doubt) for row in taken] == [(rows[0].pk, False), (rows[2].pk, True)]
    assert held.status == "sending"


class RecordingDelivery(OutboxSender):
    """A delivery whose provider is a list: what was sent, in order."""

    model = Message
    done_status = "sent"

    def __init__(self):
        self.sent = []

    def send(self, row):
        self.sent.append(row.pk)


def test_a_chunk_past_its_lease_budget_gives_its_unattempted_rows_back(
    globe_app, subscribe, settings
):
    subscribe("+639171234567")
    rows = [send_sms(app=globe_app, to="09171234567", text=f"m{n}") for n in range(3)]
    # No attempt could end inside this lease: only the first row is attempted.
    settings.OUTBOX_LEASE_SECONDS = 1
    settings.PROVIDER_CONNECT_TIMEOUT = settings.PROVIDER_READ_TIMEOUT = 1
    delivery = RecordingDelivery()

    done = delivery.run_many([r.pk for r in rows])

    assert delivery.sent == [rows[0].pk] and [r.pk for r in done] == [rows[0].pk]
    states = dict(Message.objects.values_list("pk", "status"))
    assert [states[r.pk] for r in rows] == ["sent", "queued", "queued"]
    given_back = Message.objects.filter(pk__in=[rows[1].pk, rows[2].pk])
    assert {(m.attempts, m.lease_until) for m in given_back} == {(0, None)}
    assert all(m.next_attempt_at <= timezone.now() for m in given_back)

    settings.OUTBOX_LEASE_SECONDS = 30
    delivery.run_many([r.pk for r in rows])

    assert delivery.sent == [r.pk for r in rows]
    assert set(Message.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_a_one_row_task_fills_its_chunk_with_the_other_due_free_rows(globe_app, subscribe):
    subscribe("+639171234567")
    rows = [send_sms(app=globe_app, to="09171234567", text=f"m{n}") for n in range(5)]
    held = outbox.claim(Message, rows[1].pk)  # another worker's
    Message.objects.filter(pk=rows[2].pk).update(next_attempt_at=timezone.now() + timedelta(1))
    delivery = RecordingDelivery()

    delivery.run_many([rows[3].pk])  # without fill: that row only
    delivery.run_many([rows[4].pk], fill=True)

    assert delivery.sent == [rows[3].pk, rows[4].pk, rows[0].pk]
    states = dict(Message.objects.values_list("pk", "status"))
    assert [states[r.pk] for r in rows] == ["sent", "sending", "queued", "sent", "sent"]
    assert held.status == "sending"


def test_a_chunks_successes_are_saved_together_each_with_its_own_fields(globe_app, subscribe):
    class ResourceDelivery(RecordingDelivery):
        def record(self, row, result):
            return {"resource_url": f"https://platform.example/requests/{row.pk}"}

    subscribe("+639171234567")
    rows = [send_sms(app=globe_app, to="09171234567", text=f"m{n}") for n in range(3)]

    ResourceDelivery().run_many([r.pk for r in rows])

    for saved in Message.objects.filter(pk__in=[r.pk for r in rows]):
        assert saved.resource_url == f"https://platform.example/requests/{saved.pk}"
        assert (saved.status, saved.lease_until, saved.last_error) == ("sent", None, "")
        assert saved.finished_at is not None


def test_an_attempt_whose_row_was_taken_back_records_nothing(globe_app, subscribe):
    class OvertakenDelivery(RecordingDelivery):
        """Its lease expires mid-send and another worker takes the row over."""

        def send(self, row):
            super().send(row)
            Message.objects.filter(pk=row.pk).update(lease_until=timezone.now() - timedelta(1))
            self.successor = outbox.claim(Message, row.pk)

    subscribe("+639171234567")
    message = send_sms(app=globe_app, to="09171234567", text="slow")
    delivery = OvertakenDelivery()

    delivery.run_many([message.pk])

    saved = Message.objects.get(pk=message.pk)
    assert (saved.status, saved.attempts, saved.in_doubt) == ("sending", 2, True)
    assert outbox.finish(delivery.successor, "sent")


def test_rate_limiter_reserves_a_chunk_of_tokens_in_order():
    key = f"test-{time.time_ns()}"
    waits = acquire_many(key, rate=10, count=5, burst=1)
    assert waits[0] == 0
    assert [round(wait, 2) for wait in waits[1:]] == [0.1, 0.2, 0.3, 0.4]
    assert 0.45 <= acquire_many(key, rate=10, count=1, burst=1)[0] <= 0.5


def _run_as_the_worker_does(task_name="telecom.tasks.sweep_outbox"):
    """A task through Celery's own tracer, which logs its "succeeded" line."""
    from celery.app.trace import build_tracer

    import telecom.tasks  # noqa: F401  (registers the tasks)
    from config.celery import app as celery_app

    task = celery_app.tasks[task_name]
    trace = build_tracer(task.name, task, app=celery_app, eager=False)
    # is_eager: the worker's after-task hook leaves the test's transaction open.
    return trace("task-id", (), {}, {"is_eager": True})


def _beat_sends(entry_name="outbox-sweep", task_name="telecom.tasks.sweep_outbox"):
    from celery.beat import ScheduleEntry, Scheduler

    from config.celery import app as celery_app

    entry = ScheduleEntry(name=entry_name, task=task_name, app=celery_app)
    Scheduler(celery_app, lazy=True).apply_entry(entry)


@pytest.mark.parametrize(
    ("entry_name", "task_name"),
    [
        ("outbox-sweep", "telecom.tasks.sweep_outbox"),
        ("expire-ussd-sessions", "telecom.tasks.expire_ussd_sessions"),
    ],
)
def test_idle_periodic_run_logs_nothing_at_info(caplog, entry_name, task_name):
    short = task_name.rsplit(".", 1)[1]
    _empty_default_queue()
    caplog.set_level("DEBUG")
    _beat_sends(entry_name, task_name)
    _empty_default_queue()
    _run_as_the_worker_does(task_name)
    lines = [r for r in caplog.records if short in r.getMessage()]
    assert len(lines) >= 2, "Celery said nothing about the run, even at DEBUG"
    assert [r.getMessage() for r in lines if r.levelno >= logging.INFO] == []

    caplog.clear()
    caplog.set_level("INFO")
    _run_as_the_worker_does(task_name)
    assert [r for r in caplog.records if short in r.getMessage()] == []


def test_sweep_that_republished_logs_at_info(globe_app, subscribe, caplog):
    subscribe("+639171234567")
    lost = send_sms(app=globe_app, to="09171234567", text="publish lost")
    Message.objects.filter(pk=lost.pk).update(enqueued_at=timezone.now() - timedelta(minutes=5))
    _empty_default_queue()
    caplog.set_level("INFO")
    _run_as_the_worker_does()
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert any("sweeper re-published 1 telecom.Message" in line for line in said), said
    assert any("succeeded" in line and "telecom.Message" in line for line in said), said
