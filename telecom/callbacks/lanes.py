"""Lanes: callbacks answered once stored, processed later, in order, in batches.

A callback whose handler gives a `lane_key` (the subscriber's number) is
stored `received` with `lane = hash(key) mod CALLBACK_LANES` and answered at
once (`telecom.callbacks.service`). A worker (`process_callbacks(lane)`,
published by the dispatcher, `telecom.callbacks.dispatch`) then processes
that lane's received events in id order, a batch per transaction:

- one worker per lane at a time: the transaction takes a PostgreSQL advisory
  lock on the lane (`pg_try_advisory_xact_lock`); a worker that does not get
  it publishes itself again shortly, so the events of a subscriber (the parts
  of a multipart SMS, an opt-in and its STOP) are applied in the order they
  were stored;
- exactly once: each event's effects and its `processed` (or `rejected`,
  `failed`) mark commit in the same transaction; a worker killed mid-batch
  leaves the whole batch `received` for the next one;
- few publishes: a busy lane is one task taking batches, not a task per
  callback; the task clears the lane's flag (set by the dispatcher) once the
  lane looks empty, and what came after is the dispatcher's next tick's.

Each event is handled in a savepoint: a handler's bug marks that event
`failed` (with the traceback, for an operator to re-run) and the batch goes
on; a lost database connection ends the batch, unmarked. A handler that can
apply many events at once (`handle_batch`, the plain MO SMS) gets them in
one savepoint, each subscriber's events still in order (`process_batch`); if
that savepoint fails, its events are handled again one by one, so a poison
event still fails alone. The marks are one `UPDATE ... FROM (VALUES ...)`.
"""

import logging
import traceback
import zlib

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from telecom.bulk_sql import update_each
from telecom.callbacks import dispatch
from telecom.callbacks.registry import handler_for
from telecom.errors import RejectedPayload
from telecom.models.callback_event import CallbackEvent

logger = logging.getLogger("telecom.callbacks")

# The advisory locks' first key: which of Hatid's locks this is ("HL").
_LOCK_CLASS = 0x484C
_FIELDS = ("status", "note", "error", "traceback", "attempts", "processed_at")


def lane_of(key: str) -> int:
    return zlib.crc32(key.encode()) % settings.CALLBACK_LANES


def waiting_before(app_id: int, key: str, event_id: int) -> bool:
    """Whether a callback of the app stored before `event_id` still waits in
    `key`'s lane: an opt-in or a STOP of that subscriber not yet applied (or
    another number's that shares the lane, which is applied as soon)."""
    return CallbackEvent.objects.filter(
        app_id=app_id,
        lane=lane_of(key),
        status=CallbackEvent.Status.RECEIVED,
        pk__lt=event_id,
    ).exists()


def _lock(lane: int) -> bool:
    if connection.vendor != "postgresql":
        # SQLite (development): the first write takes the database's write lock.
        CallbackEvent.objects.filter(pk=0).update(attempts=0)
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, lane])
        return cursor.fetchone()[0]


def process_lane(lane: int, *, batch_size: int | None = None, max_batches: int = 20) -> int:
    """Process the lane's received events in order, a batch per transaction.
    Returns how many were processed (0 when another worker holds the lane: it
    is published again to run after that one)."""
    batch_size = batch_size or settings.CALLBACK_BATCH_SIZE
    done = 0
    for _ in range(max_batches):
        with transaction.atomic():
            if not _lock(lane):
                dispatch.send(lane, countdown=settings.CALLBACK_LANE_RETRY_SECONDS)
                return done
            events = list(
                CallbackEvent.objects.filter(lane=lane, status=CallbackEvent.Status.RECEIVED)
                .select_related("app")
                .order_by("pk")[:batch_size]
            )
            if events:
                process_batch(events)
        done += len(events)
        if len(events) < batch_size:
            # The lane looks empty: what was stored after this look, the
            # dispatcher's next tick finds with the flag down.
            dispatch.clear_flag(lane)
            return done
        dispatch.keep_flag(lane)
    dispatch.send(lane)  # more than max_batches waiting: let other lanes have a turn
    return done


def process_batch(events: list[CallbackEvent]) -> None:
    """Handle the events and mark them all in one UPDATE, inside the caller's
    transaction.

    Each subscriber's events are applied in the order they were stored. An
    event its handler can apply in bulk (`batch_key`) waits with the others
    of its handler until the batch ends, or until an event of the same
    subscriber that must be handled alone comes: then that group goes first
    (`_handle_group`: one savepoint for the group). Any other event is handled
    at once, in its own savepoint (`_handle`)."""
    handlers = [handler_for(event.kind, event.app.provider) for event in events]
    by_handler: dict = {}
    for handler, event in zip(handlers, events, strict=True):
        if handler is not None:
            by_handler.setdefault(handler, []).append(event)
    for handler, its_events in by_handler.items():
        handler.prepare_batch(its_events)
    now = timezone.now()
    waiting: dict = {}  # handler -> its events waiting to be applied in bulk
    waiting_keys: dict[str, object] = {}  # subscriber -> the handler its events wait for
    for handler, event in zip(handlers, events, strict=True):
        event.attempts += 1
        event.processed_at = now
        key = _batch_key(handler, event)
        if key is not None:
            if waiting_keys.get(key, handler) is not handler:
                _handle_waiting(waiting, waiting_keys)  # groups go one handler after another
            waiting.setdefault(handler, []).append(event)
            waiting_keys[key] = handler
            continue
        if waiting:
            lone = _key(handler, event)
            if lone is None or lone in waiting_keys:
                _handle_waiting(waiting, waiting_keys)  # this subscriber's waiting events first
        _handle(handler, event)
    _handle_waiting(waiting, waiting_keys)
    update_each(events, _FIELDS)


def _batch_key(handler, event: CallbackEvent) -> str | None:
    if handler is None:
        return None
    try:
        return handler.batch_key(event)
    except Exception:
        return None  # its own savepoint will say what is wrong with it


def _key(handler, event: CallbackEvent) -> str | None:
    """The event's subscriber ("" when it has no effects to order), or None
    when it cannot be told: then whatever waits goes first."""
    if handler is None:
        return ""  # rejected: no effects to order
    try:
        return handler.lane_key(event)
    except RejectedPayload:
        return ""  # rejected when handled: no effects to order
    except Exception:
        return None


def _handle_waiting(waiting: dict, waiting_keys: dict) -> None:
    for handler, its_events in waiting.items():
        _handle_group(handler, its_events)
    waiting.clear()
    waiting_keys.clear()


def _handle_group(handler, events: list[CallbackEvent]) -> None:
    """The events in one savepoint (`handler.handle_batch`); if that raises,
    each again in its own (`_handle`), so a poison event fails alone."""
    try:
        with transaction.atomic():
            results = handler.handle_batch(events)
            if len(results) != len(events):
                raise ValueError(f"{len(results)} results for {len(events)} events")
    except (OperationalError, InterfaceError):
        raise  # the connection: the whole batch is tried again
    except Exception:
        logger.warning(
            "%s callbacks %s-%s failed together; handling each alone",
            events[0].kind,
            events[0].pk,
            events[-1].pk,
            exc_info=True,
        )
        for event in events:
            _handle(handler, event)
        return
    for event, result in zip(events, results, strict=True):
        _processed(event, result)


def _handle(handler, event: CallbackEvent) -> None:
    if handler is None:
        event.status = CallbackEvent.Status.REJECTED
        event.error = f"no handler for {event.kind!r} callbacks"
        return
    try:
        with transaction.atomic():
            result = handler.handle(event)
    except RejectedPayload as exc:
        event.status = CallbackEvent.Status.REJECTED
        event.error = exc.message if not exc.fields else f"{exc.message}: {exc.fields}"
    except (OperationalError, InterfaceError):
        raise  # the connection: the whole batch is tried again
    except Exception as exc:
        logger.exception("%s callback %s failed", event.kind, event.pk)
        event.status = CallbackEvent.Status.FAILED
        event.error = f"{type(exc).__name__}: {exc}"[:2000]
        event.traceback = traceback.format_exc()[-8000:]
    else:
        _processed(event, result)


def _processed(event: CallbackEvent, result) -> None:
    event.status = CallbackEvent.Status.PROCESSED
    event.note = result.note[:200]
    event.error = event.traceback = ""


def drain() -> int:
    """Process every lane now, in this process (tests, `manage.py` use)."""
    done = 0
    for lane in dispatch.lanes_waiting():
        done += process_lane(lane, max_batches=10**6)
    return done
