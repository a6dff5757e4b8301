"""What the outbox puts on the broker (read back from Redis, as a worker
would find it) and what it writes on the rows: publish after commit, a
retry's countdown, the retry deadline, an operator's requeue, the sweep cap."""

import ast
import json
import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from config.celery import app as celery_app
from telecom import outbox
from telecom.models import Message
from telecom.services.messaging import send_sms
from tests.integration.messaging.test_outbox import _empty_default_queue

pytestmark = pytest.mark.django_db


def published() -> list[dict]:
    """The delivery tasks waiting in the default queue, oldest first: their
    task name, ids and ETA (Celery's message headers)."""
    with celery_app.connection_for_read() as connection:
        raw = connection.default_channel.client.lrange("default", 0, -1)
    headers = [json.loads(message)["headers"] for message in reversed(raw)]
    return [
        {"task": h["task"], "ids": ast.literal_eval(h["argsrepr"])[0], "eta": h["eta"]}
        for h in headers
    ]


@pytest.fixture
def messages(globe_app, subscribe):
    subscribe("+639171234567")
    _empty_default_queue()

    def make(count: int) -> list[Message]:
        return [send_sms(app=globe_app, to="09171234567", text=f"m{n}") for n in range(count)]

    return make


def test_enqueue_on_commit_publishes_the_rows_task_after_the_commit(
    messages, django_capture_on_commit_callbacks
):
    [message] = messages(1)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_on_commit(Message, [message.pk])
        assert published() == []  # not before the commit
    assert published() == [
        {"task": "telecom.tasks.deliver_messages", "ids": [message.pk], "eta": None}
    ]


def test_a_retry_is_published_after_commit_with_its_countdown(
    messages, django_capture_on_commit_callbacks
):
    [message] = messages(1)
    row = outbox.claim(Message, message.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry_later(row, "busy", delay=30)
    [task] = published()
    assert task["ids"] == [message.pk]
    eta = datetime.fromisoformat(task["eta"])
    assert timedelta(seconds=25) < eta - timezone.now() <= timedelta(seconds=30)


def test_a_fenced_retry_publishes_nothing(messages, django_capture_on_commit_callbacks):
    [message] = messages(1)
    row = outbox.claim(Message, message.pk)
    Message.objects.filter(pk=message.pk).update(attempts=5)  # another worker's attempt now
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry_later(row, "busy", delay=30) is False
    assert published() == []


def test_publish_nothing_sends_nothing(messages):
    outbox.publish(Message, [])
    assert published() == []


def test_finish_records_the_outcome_on_the_row_too(messages):
    [message] = messages(1)
    row = outbox.claim(Message, message.pk)
    assert outbox.finish(row, "sent", last_error="") is True
    assert (row.status, row.last_error) == ("sent", "")
    assert row.finished_at is not None
    stored = Message.objects.get(pk=message.pk)
    assert (stored.status, stored.lease_until, stored.finished_at) == (
        "sent",
        None,
        row.finished_at,
    )


def test_a_fenced_finish_leaves_the_row_as_it_was(messages):
    [message] = messages(1)
    row = outbox.claim(Message, message.pk)
    Message.objects.filter(pk=message.pk).update(attempts=5)
    assert outbox.finish(row, "failed", last_error="late") is False
    assert (row.status, row.last_error, row.finished_at) == ("sending", "", None)
    assert Message.objects.get(pk=message.pk).status == "sending"


def test_past_deadline_counts_from_creation_or_from_an_operators_retry(messages):
    [message] = messages(1)
    message.created_at = timezone.now() - timedelta(minutes=10)
    assert outbox.past_deadline(message, 60) is True
    assert outbox.past_deadline(message, 1200) is False
    message.retry_from = timezone.now() - timedelta(seconds=5)
    assert outbox.past_deadline(message, 60) is False
    assert outbox.past_deadline(message, 1) is True


def test_requeue_puts_finished_rows_back_and_counts_only_those(
    messages, django_capture_on_commit_callbacks
):
    failed, sent, queued = messages(3)
    Message.objects.filter(pk=failed.pk).update(status="failed", finished_at=timezone.now())
    Message.objects.filter(pk=sent.pk).update(status="sent", finished_at=timezone.now())
    _empty_default_queue()
    with django_capture_on_commit_callbacks(execute=True):
        count = outbox.requeue(Message, [failed.pk, sent.pk, queued.pk], ["failed"])
    assert count == 1
    failed.refresh_from_db()
    assert (failed.status, failed.finished_at) == ("queued", None)
    assert failed.retry_from is not None
    assert Message.objects.get(pk=sent.pk).status == "sent"
    assert [task["ids"] for task in published()] == [[failed.pk]]


def test_sweep_takes_at_most_twenty_batches_and_publishes_them_in_batches(messages, settings):
    rows = messages(41)
    Message.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
    _empty_default_queue()
    assert outbox.sweep(batch_size=2) == {"telecom.Message": 40}
    tasks = published()
    assert len(tasks) == 20
    assert tasks[0]["ids"] == [rows[0].pk, rows[1].pk]
    assert tasks[-1]["ids"] == [rows[38].pk, rows[39].pk]
    left = Message.objects.get(pk=rows[40].pk)
    assert left.enqueued_at < timezone.now() - timedelta(minutes=4)  # next sweep's


def test_give_back_requeues_a_claims_unattempted_rows_and_publishes_them(
    messages, django_capture_on_commit_callbacks
):
    rows = outbox.claim_many(Message, [m.pk for m in messages(3)])
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.give_back(rows[:2]) == 2
        assert outbox.give_back(rows[2:]) == 1
    assert set(Message.objects.values_list("status", "attempts")) == {("queued", 0)}
    assert [task["ids"] for task in published()] == [[rows[0].pk, rows[1].pk], [rows[2].pk]]


def test_claim_many_with_nothing_to_take_takes_an_empty_list(messages):
    [message] = messages(1)
    assert outbox.claim(Message, message.pk) is not None
    assert outbox.claim_many(Message, [message.pk]) == []
    assert outbox.claim_many(Message, [message.pk], fill=5) == []


def test_an_empty_queue_has_no_waiting_tasks(messages):
    assert outbox.waiting_tasks("default") == 0
    outbox.publish(Message, [m.pk for m in messages(1)])
    assert outbox.waiting_tasks("default") == 1


def test_backoff_is_jittered_both_ways_around_its_base(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 10, 1000
    delays = [outbox.retry_delay(1) for _ in range(200)]
    assert all(5 <= delay <= 15 for delay in delays)
    assert min(delays) < 9 and max(delays) > 11  # 0.5x to 1.5x, not one fixed factor


@pytest.mark.parametrize(
    ("backlog", "ages", "swept"),
    [(False, (15, 45), 1), (True, (45, 290), 0), (True, (290, 310), 1)],
)
def test_sweep_presumes_a_queued_row_lost_after_its_stale_time(
    messages, settings, backlog, ages, swept
):
    """OUTBOX_STALE_SECONDS, ten times as long while tasks wait in the broker."""
    settings.OUTBOX_STALE_SECONDS = 30
    rows = messages(len(ages))
    for row, age in zip(rows, ages, strict=True):
        enqueued = timezone.now() - timedelta(seconds=age)
        Message.objects.filter(pk=row.pk).update(enqueued_at=enqueued)
    if backlog:
        outbox.publish(Message, [0])  # someone's task, still waiting
    expected = {"telecom.Message": swept} if swept else {}
    assert outbox.sweep() == expected


def test_retry_later_keeps_the_first_2000_characters_of_the_error(messages):
    [message] = messages(1)
    row = outbox.claim(Message, message.pk)
    assert outbox.retry_later(row, "e" * 1999 + "xy", delay=1)
    assert Message.objects.get(pk=message.pk).last_error == "e" * 1999 + "x"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_a_row_another_claim_is_locking_rather_than_waiting(globe_app, subscribe):
    subscribe("+639171234567")
    message = send_sms(app=globe_app, to="09171234567", text="locked")
    locked, release = threading.Event(), threading.Event()

    def other_claim_in_flight():
        try:
            with transaction.atomic():
                Message.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=other_claim_in_flight)
    holder.start()
    try:
        assert locked.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # waiting would end in an error
        assert outbox.claim(Message, message.pk) is None
        assert outbox.claim_many(Message, [], fill=5) == []
    finally:
        release.set()
        holder.join(30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert outbox.claim(Message, message.pk) is not None
