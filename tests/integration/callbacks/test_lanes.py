"""Callbacks answered once stored, processed by lane workers
(`telecom.callbacks.lanes`): each subscriber's order kept, each event
processed exactly once, whatever the workers do."""

import threading
from datetime import datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone

from sandbox.client import wait_for
from subscribers.models import ConsentEvent, Subscriber
from telecom import redis as hatid_redis
from telecom.callbacks import lanes
from telecom.models import CallbackEvent, Message
from tests.integration.messaging.test_outbox import _empty_default_queue
from tests.integration.messaging.test_outbox_publishing import published
from tests.support.factories import ProviderAppFactory
from tests.support.lanes import mo_body, stop_body
from tests.support.worker import running_worker

pytestmark = pytest.mark.postgres


def opt_in_path(app, number: str) -> str:
    query = urlencode({"access_token": f"tok{number[-7:]}abcdefgh", "subscriber_number": number})
    return f"{app.callback_path('redirect')}?{query}"


def numbers(count: int) -> list[str]:
    return [f"+63917{n:07d}" for n in range(count)]


@pytest.fixture
def app(db):
    return ProviderAppFactory(shortcode="21581234")


def waiting() -> int:
    return CallbackEvent.objects.filter(status=CallbackEvent.Status.RECEIVED).count()


@pytest.mark.django_db
def test_the_answer_comes_once_stored_and_a_batch_processes_in_order(client, app):
    sender = "+639171234567"
    notify = app.callback_path("notify")
    # Part 2 first, then part 1, then a plain message: one lane, in this order.
    for body in (
        mo_body(sender, "t" * 150, message_id="p2", ref="ref-1", seq=2),
        mo_body(sender, "A" * 153, message_id="p1", ref="ref-1", seq=1),
        mo_body(sender, "after", message_id="plain"),
    ):
        response = client.post(notify, body, content_type="application/json")
        assert response.status_code == 200
    events = list(CallbackEvent.objects.order_by("pk"))
    assert {e.status for e in events} == {"received"}
    assert len({e.lane for e in events}) == 1
    assert not Message.objects.exists()

    assert lanes.drain() == 3
    assert list(Message.objects.order_by("pk").values_list("text", flat=True)) == [
        "A" * 153 + "t" * 150,
        "after",
    ]
    assert set(CallbackEvent.objects.values_list("status", "attempts")) == {("processed", 1)}


@pytest.mark.django_db
def test_a_failing_event_fails_alone_and_the_batch_goes_on(client, app, poison):
    for text in ("one", "boom", "two"):
        client.post(
            app.callback_path("notify"),
            mo_body("+639171234567", text),
            content_type="application/json",
        )
    lanes.drain()
    statuses = list(CallbackEvent.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["processed", "failed", "processed"]
    assert sorted(Message.objects.values_list("text", flat=True)) == ["one", "two"]


@pytest.mark.django_db(transaction=True)
def test_opt_in_then_stop_are_applied_in_order_by_the_workers(client, app):
    """Each subscriber's opt-in and STOP, posted one after the other while the
    other subscribers' callbacks interleave, reach the workers in order."""
    people = numbers(30)
    with running_worker(concurrency=4):
        for number in people:
            assert client.get(opt_in_path(app, number)).status_code == 200
        for number in people:
            response = client.post(
                app.callback_path("redirect"),
                stop_body(number, f"tok{number[-7:]}abcdefgh"),
                content_type="application/json",
            )
            assert response.status_code == 200
        wait_for(lambda: waiting() == 0, timeout=60, what="the workers")
    assert Subscriber.objects.filter(status=Subscriber.Status.UNSUBSCRIBED).count() == 30
    for number in people:
        kinds = list(
            ConsentEvent.objects.filter(subscriber__msisdn=number)
            .order_by("pk")
            .values_list("kind", flat=True)
        )
        assert kinds[0] == ConsentEvent.Kind.OPT_IN_SMS and len(kinds) == 2, kinds
    assert set(CallbackEvent.objects.values_list("status", "attempts")) == {("processed", 1)}


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_every_lane_process_each_event_exactly_once(app, settings):
    """Events stored without a task; two threads, each its own connection,
    drain every lane at the same time: each event is processed once."""
    settings.CALLBACK_BATCH_SIZE = 7
    people = numbers(40)
    for n in range(400):
        number = people[n % 40]
        CallbackEvent.objects.create(
            app=app,
            kind="notify",
            method="POST",
            body=mo_body(number, f"hello {n}", message_id=f"m{n}"),
            content_type="application/json",
            lane=lanes.lane_of(number),
        )
    errors = []
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            for lane in range(settings.CALLBACK_LANES):
                lanes.process_lane(lane, max_batches=10**6)
        except Exception as exc:  # pragma: no cover - shown by the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    # A worker that found the lane held published itself again instead: drain what is left.
    lanes.drain()
    assert set(CallbackEvent.objects.values_list("status", "attempts")) == {("processed", 1)}
    assert Message.objects.count() == 400
    assert Subscriber.objects.count() == 40
    for number in people:
        texts = list(
            Message.objects.filter(msisdn=number).order_by("pk").values_list("text", flat=True)
        )
        assert texts == sorted(texts, key=lambda t: int(t.split()[1]))


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_recovers_events_whose_task_was_lost(app, settings):
    """Stored, their task lost with a worker (none published, the lane's flag
    expired): the sweep publishes their lanes and the workers process them."""
    long_ago = timezone.now() - timedelta(minutes=5)
    for n, number in enumerate(numbers(20)):
        CallbackEvent.objects.create(
            app=app,
            kind="notify",
            method="POST",
            body=mo_body(number, f"lost {n}", message_id=f"lost{n}"),
            content_type="application/json",
            lane=lanes.lane_of(number),
            received_at=long_ago,
        )
    assert lanes.sweep_lanes() == len({lanes.lane_of(number) for number in numbers(20)})
    with running_worker(concurrency=2):
        wait_for(lambda: waiting() == 0, timeout=60, what="the swept lanes")
    assert Message.objects.count() == 20
    assert lanes.sweep_lanes() == 0


@pytest.mark.django_db
def test_invalid_payload_is_refused_by_the_same_insert(client, app):
    response = client.post(app.callback_path("notify"), "{}", content_type="application/json")
    assert response.status_code == 400
    event = CallbackEvent.objects.get()
    assert event.status == CallbackEvent.Status.REJECTED and event.lane is None


@pytest.mark.django_db
def test_an_idle_lanes_task_runs_after_the_gather_delay_and_serves_what_came_meanwhile(
    client, app, settings, django_capture_on_commit_callbacks
):
    """The callback that finds its lane idle publishes the lane's task to run
    CALLBACK_GATHER_SECONDS later; the callbacks that come meanwhile find the
    lane's flag and publish nothing: one task, one batch."""
    settings.CALLBACK_GATHER_SECONDS = 30
    _empty_default_queue()
    hatid_redis.client().delete(*(f"hatid:callback-lane:{n}:queued" for n in range(64)))
    sender = "+639171234567"
    with django_capture_on_commit_callbacks(execute=True):
        for text in ("one", "two", "three"):
            response = client.post(
                app.callback_path("notify"), mo_body(sender, text), content_type="application/json"
            )
            assert response.status_code == 200
    [task] = published()
    assert task["task"] == lanes.TASK
    assert task["ids"] == CallbackEvent.objects.values_list("lane", flat=True).distinct().get()
    eta = datetime.fromisoformat(task["eta"])
    assert timedelta(seconds=25) < eta - timezone.now() <= timedelta(seconds=30)
