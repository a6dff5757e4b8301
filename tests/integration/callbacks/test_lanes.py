"""Callbacks answered once stored, processed by lane workers
(`telecom.callbacks.lanes`): each subscriber's order kept, each event
processed exactly once, whatever the workers do."""

import threading
from urllib.parse import urlencode

import pytest
from django.db import connection

from sandbox.client import wait_for
from subscribers.models import ConsentEvent, Subscriber
from telecom import redis as hatid_redis
from telecom.callbacks import dispatch, lanes
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


def store_lost(app, people: list[str], lane=None) -> None:
    """Received events nobody published a task for, `lane` given or each sender's."""
    for n, number in enumerate(people):
        CallbackEvent.objects.create(
            app=app,
            kind="notify",
            method="POST",
            body=mo_body(number, f"lost {n}", message_id=f"lost{n}"),
            content_type="application/json",
            lane=lanes.lane_of(number) if lane is None else lane,
        )


def lower_every_flag() -> None:
    hatid_redis.client().delete(*(dispatch.flag(n) for n in range(64)))


@pytest.mark.django_db(transaction=True)
def test_a_lane_whose_task_was_lost_is_published_again_once_its_flag_expires(app, settings):
    """Stored, their lanes flagged by a task lost with its worker: the ticks
    leave them until the flags go (CALLBACK_LANE_FLAG_SECONDS), then publish
    them, and the workers process them."""
    _empty_default_queue()
    lower_every_flag()
    people = numbers(20)
    store_lost(app, people)
    waiting_lanes = sorted({lanes.lane_of(number) for number in people})
    hatid_redis.client().set(dispatch.flag(waiting_lanes[0]), b"1", ex=60)
    assert dispatch.tick() == waiting_lanes[1:]
    assert dispatch.tick() == []  # each published lane is flagged now
    hatid_redis.client().delete(dispatch.flag(waiting_lanes[0]))  # the lost task's flag expired
    assert dispatch.tick() == waiting_lanes[:1]
    assert sorted(task["ids"] for task in published()) == waiting_lanes
    with running_worker(concurrency=2):
        wait_for(lambda: waiting() == 0, timeout=60, what="the published lanes")
    assert Message.objects.count() == 20
    assert dispatch.lanes_waiting() == []


@pytest.mark.django_db(transaction=True)
def test_the_sweep_publishes_lanes_numbered_above_callback_lanes(app, settings):
    """Events stored while CALLBACK_LANES was higher keep their lane: the
    ticks look only below CALLBACK_LANES, beat's sweep at every waiting lane."""
    _empty_default_queue()
    lower_every_flag()
    store_lost(app, numbers(3), lane=settings.CALLBACK_LANES + 5)
    assert dispatch.tick() == []
    assert dispatch.sweep() == [settings.CALLBACK_LANES + 5]
    assert lanes.drain() == 3
    assert dispatch.sweep() == []


@pytest.mark.django_db
def test_a_task_working_through_a_backlog_keeps_its_lanes_flag_up(app, settings):
    """A lane's task renews the flag after each full batch, so that the flag
    does not expire under it and have a tick publish a second task; it
    lowers the flag once the lane looks empty."""
    _empty_default_queue()
    lower_every_flag()
    sender = "+639171234567"
    store_lost(app, [sender] * 3)
    lane = lanes.lane_of(sender)
    redis = hatid_redis.client()
    redis.set(dispatch.flag(lane), b"1", ex=1)  # about to expire
    assert lanes.process_lane(lane, batch_size=1, max_batches=2) == 2
    assert redis.ttl(dispatch.flag(lane)) > 1  # renewed: CALLBACK_LANE_FLAG_SECONDS again
    assert [task["ids"] for task in published()] == [lane]  # the rest: its next turn
    assert dispatch.tick() == []
    assert lanes.process_lane(lane, batch_size=1) == 1
    assert redis.get(dispatch.flag(lane)) is None


@pytest.mark.django_db
def test_invalid_payload_is_refused_by_the_same_insert(client, app):
    response = client.post(app.callback_path("notify"), "{}", content_type="application/json")
    assert response.status_code == 400
    event = CallbackEvent.objects.get()
    assert event.status == CallbackEvent.Status.REJECTED and event.lane is None


@pytest.mark.django_db
def test_the_web_publishes_nothing_and_one_tick_publishes_each_waiting_lane_once(
    client, app, django_capture_on_commit_callbacks
):
    """The callbacks are answered once stored, with no task published; the
    dispatcher's tick publishes one task for their lane (the callbacks stored
    between two ticks are one batch), and the next tick none while the
    lane's flag is up."""
    _empty_default_queue()
    lower_every_flag()
    sender = "+639171234567"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for text in ("one", "two", "three"):
            response = client.post(
                app.callback_path("notify"), mo_body(sender, text), content_type="application/json"
            )
            assert response.status_code == 200
    assert callbacks == [] and published() == []
    lane = lanes.lane_of(sender)
    assert dispatch.tick() == [lane]
    assert dispatch.tick() == []
    [task] = published()
    assert (task["task"], task["ids"], task["eta"]) == (dispatch.TASK, lane, None)
    assert lanes.process_lane(lane) == 3
    assert hatid_redis.client().get(dispatch.flag(lane)) is None  # the task lowered it
    assert dispatch.tick() == []  # nothing waits


@pytest.mark.django_db
def test_callbacks_are_answered_and_stored_while_redis_is_down(client, app, settings):
    """The request asks Redis nothing it cannot do without (the apps' cache
    version falls back to the database): a Redis outage loses no callback."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.post(
        app.callback_path("notify"),
        mo_body("+639171234567", "hello"),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert CallbackEvent.objects.get().status == CallbackEvent.Status.RECEIVED


@pytest.mark.django_db(transaction=True)
def test_only_a_worker_consuming_the_lanes_queue_runs_a_dispatcher(app):
    """A worker of the `default` queue (where the lanes' tasks go) runs the
    dispatcher and processes what the web stored with nobody else asking; a
    worker of the `ussd` queue alone runs none."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app as celery_app

    lower_every_flag()
    with start_worker(
        celery_app, pool="threads", concurrency=1, queues=["ussd"], perform_ping_check=False
    ) as worker:
        assert not any(isinstance(step, dispatch.LaneDispatcher) for step in worker.steps)
    store_lost(app, numbers(5))
    with running_worker(concurrency=2):
        wait_for(lambda: waiting() == 0, timeout=30, what="the dispatcher's tasks")
    assert Message.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_dispatcher_outlives_a_redis_outage_and_stops_with_its_worker(app, settings, caplog):
    """Ticks that fail (Redis away) are logged once and retried, less often;
    once Redis is back the waiting lane is published; stopping ends the thread."""
    settings.CALLBACK_DISPATCH_SECONDS = 0.01
    reachable, settings.REDIS_URL = settings.REDIS_URL, "redis://127.0.0.1:1/0"
    _empty_default_queue()
    store_lost(app, numbers(1))
    dispatcher = dispatch.LaneDispatcher(None)
    dispatcher.start(None)
    try:
        wait_for(lambda: "a tick failed" in caplog.text, timeout=10, what="a failing tick")
        settings.REDIS_URL = reachable
        lower_every_flag()
        wait_for(published, timeout=10, what="the lane published once Redis is back")
    finally:
        dispatcher.stop(None)
    assert not dispatcher.thread.is_alive()
    assert caplog.text.count("a tick failed") == 1
    assert [task["ids"] for task in published()] == [lanes.lane_of(numbers(1)[0])]
