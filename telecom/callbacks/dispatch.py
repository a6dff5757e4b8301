"""Who asks a worker to process a lane: the dispatcher, a thread in every
Celery worker that consumes the lanes' queue.

The web answers a callback once its INSERT commits and asks nobody: no Redis
command, no broker publish in the request (they were a third of its CPU,
bench/README.md). Every CALLBACK_DISPATCH_SECONDS the dispatcher (`tick`)
reads the lanes' flags in one MGET and, for the lanes without one, asks
PostgreSQL which hold received callbacks (one EXISTS per lane on the partial
index of waiting events); for each it sets the flag (SET NX) and, when it set
it, publishes the lane's task. The callbacks stored between two ticks are
one batch.

A lane's flag says a task is queued or running on it: several workers'
dispatchers publish a lane once between them, and a busy lane is one task
taking batches. Its task clears the flag when the lane looks empty; what came
after the task's last look is seen by the next tick. The flag expires
(CALLBACK_LANE_FLAG_SECONDS; a task kept busy by a backlog renews it after
each full batch), so a task lost with its worker is published again by a
later tick. Beat sweeps every CALLBACK_SWEEP_INTERVAL_SECONDS
(`sweep_callbacks`): a tick over every lane that holds received callbacks,
whatever its number (the threads look only below CALLBACK_LANES, and a lane
stored before CALLBACK_LANES was lowered keeps its number).
"""

import logging
import os
import threading

from celery import bootsteps, current_app
from django.conf import settings
from django.db import connection

from telecom import redis as hatid_redis
from telecom.models.callback_event import CallbackEvent

logger = logging.getLogger("telecom.callbacks")

TASK = "telecom.tasks.process_callbacks"
# A failing tick (Redis or PostgreSQL away) waits longer each time, up to this.
_MAX_BACKOFF_SECONDS = 5.0

# A prefork worker forks its children (again whenever one dies) beside the
# dispatcher's thread: a fork in the middle of a tick would leave the child a
# lock held for good (SQLite's own, a client's), and its first task hanging.
# Forks wait for the tick to end.
_ticking = threading.Lock()
os.register_at_fork(
    before=_ticking.acquire, after_in_parent=_ticking.release, after_in_child=_ticking.release
)


def flag(lane: int) -> str:
    return f"hatid:callback-lane:{lane}:queued"


def send(lane: int, countdown: float | None = None) -> None:
    """Publish the lane's task (its flag left as it is)."""
    # The arguments' repr given: Celery's saferepr of them cost a fifth of a publish.
    current_app.send_task(
        TASK, args=[lane], countdown=countdown, argsrepr=f"[{lane}]", kwargsrepr="{}"
    )


def keep_flag(lane: int) -> None:
    """The lane's task is still at work: its flag lasts another
    CALLBACK_LANE_FLAG_SECONDS (an expired flag would have a tick publish a
    second task, to wait on the lane's lock). A flag already down stays down."""
    try:
        hatid_redis.client().expire(flag(lane), settings.CALLBACK_LANE_FLAG_SECONDS)
    except Exception:
        logger.warning("could not keep lane %s's flag", lane, exc_info=True)


def clear_flag(lane: int) -> None:
    try:
        hatid_redis.client().delete(flag(lane))
    except Exception:
        logger.warning("could not clear lane %s's flag", lane, exc_info=True)


def waiting_among(lanes: list[int]) -> list[int]:
    """Those of `lanes` that hold received callbacks, in one query."""
    if not lanes:
        return []
    table = connection.ops.quote_name(CallbackEvent._meta.db_table)
    waits = f"EXISTS (SELECT 1 FROM {table} WHERE lane = %s AND status = %s)"  # noqa: S608
    probe = f"SELECT CAST(%s AS integer) WHERE {waits}"
    received = CallbackEvent.Status.RECEIVED.value
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join([probe] * len(lanes)),
            [value for lane in lanes for value in (lane, lane, received)],
        )
        return [row[0] for row in cursor.fetchall()]


def lanes_waiting() -> list[int]:
    """Every lane that holds received callbacks, whatever its number (events
    stored before CALLBACK_LANES was lowered keep theirs)."""
    return list(
        CallbackEvent.objects.filter(status=CallbackEvent.Status.RECEIVED, lane__isnull=False)
        .order_by("lane")
        .values_list("lane", flat=True)
        .distinct()
    )


def tick(lanes: list[int] | None = None) -> list[int]:
    """Publish a task for each of `lanes` (by default every lane below
    CALLBACK_LANES) that holds received callbacks and has no task on it.
    Returns the lanes published."""
    every = list(range(settings.CALLBACK_LANES)) if lanes is None else lanes
    if not every:
        return []
    client = hatid_redis.client()
    flags = client.mget([flag(lane) for lane in every])
    idle = [lane for lane, raised in zip(every, flags, strict=True) if raised is None]
    published = []
    for lane in waiting_among(idle):
        if client.set(flag(lane), b"1", nx=True, ex=settings.CALLBACK_LANE_FLAG_SECONDS):
            send(lane)
            published.append(lane)
    return published


class LaneDispatcher(bootsteps.StartStopStep):
    """The dispatcher's thread, in a worker that consumes the lanes' queue
    (registered by name in config.celery, so that it loads after Django)."""

    label = "lane dispatcher"

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def include_if(self, worker) -> bool:
        # Celery's own router: the task's queue whatever the routes' form (glob, regex, router).
        queue = worker.app.amqp.router.route({}, TASK)["queue"].name
        return queue in worker.app.amqp.queues.consume_from

    def start(self, worker) -> None:
        self.stopping.clear()
        self.thread = threading.Thread(target=self.run, name="lane-dispatcher", daemon=True)
        self.thread.start()

    def stop(self, worker) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(10)

    terminate = stop  # a cold shutdown: StartStopStep's own would look for `self.obj`

    def run(self) -> None:
        failures = 0
        try:
            while not self.stopping.wait(_wait(failures)):
                try:
                    with _ticking:
                        tick()
                except Exception:
                    if not failures:
                        logger.warning("lane dispatcher: a tick failed", exc_info=True)
                    failures += 1
                    connection.close()  # a broken connection is opened anew next time
                else:
                    if failures:
                        logger.info("lane dispatcher: ticking again after %s failures", failures)
                    failures = 0
        finally:
            connection.close()


def sweep() -> list[int]:
    """Beat's tick (`sweep_callbacks`): every lane with received callbacks,
    those numbered above CALLBACK_LANES too, should no dispatcher run."""
    return tick(lanes_waiting())


def _wait(failures: int) -> float:
    interval = settings.CALLBACK_DISPATCH_SECONDS
    return min(interval * 2 ** min(failures, 10), max(interval, _MAX_BACKOFF_SECONDS))
