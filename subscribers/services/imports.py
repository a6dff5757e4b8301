"""Importing a CSV of numbers into an app: upload, check (the preview), apply.

- `start_import` keeps the uploaded file in a `SubscriberImport` and has a
  worker check it: every row read, counted by what applying it would do, with
  the first rows of each kind as samples. Nothing is written but the import.
- `apply_import` (an operator, after the preview) has a worker apply it, in
  batches of `BATCH_ROWS`: each batch's subscribers, tags and attributes and
  the import's `position` are committed together, so a worker killed midway
  leaves a consistent import that carries on from there when its task is
  delivered again (acks late) or the operator resumes it; a batch is never
  applied twice, and applying a row twice would change nothing anyway.
- `run_import` is what the worker runs (`subscribers.tasks.run_subscriber_import`).

The file is read from the database a window at a time (`StoredFile`) and its
rows streamed, so a worker's memory does not grow with the file.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from itertools import islice

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import BinaryField
from django.db.models.functions import Substr
from django.utils import timezone

from subscribers.models.imports import SubscriberImport
from subscribers.services.import_batches import Tally, apply_batch, classify
from subscribers.services.import_csv import read_layout, read_rows
from telecom.audit.record import record
from telecom.errors import ServiceError
from telecom.models.audit import AuditEvent
from telecom.models.provider_app import ProviderApp

logger = logging.getLogger("subscribers.imports")
TASK = "subscribers.tasks.run_subscriber_import"
WINDOW_BYTES = 256 * 1024
STALLED_AFTER = timedelta(minutes=2)
Status = SubscriberImport.Status


class StoredFile(io.RawIOBase):
    """An import's file, read from its row `WINDOW_BYTES` at a time."""

    def __init__(self, import_id: int, size: int):
        self.import_id, self.size, self.offset = import_id, size, 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.offset

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), WINDOW_BYTES, self.size - self.offset)
        if wanted <= 0:
            return 0
        part = (
            SubscriberImport.objects.filter(pk=self.import_id)
            .annotate(part=Substr("data", self.offset + 1, wanted, output_field=BinaryField()))
            .values_list("part", flat=True)
            .get()
        )
        part = bytes(part)
        buffer[: len(part)] = part
        self.offset += len(part)
        return len(part)


def batched(rows, size: int):
    """Lists of `size` rows (the last one shorter); itertools.batched is 3.12's."""
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


def _publish(import_id: int) -> None:
    transaction.on_commit(lambda: current_app.send_task(TASK, args=[import_id]))


@transaction.atomic
def start_import(*, app: ProviderApp, file_name: str, data: bytes, user=None) -> SubscriberImport:
    """Keep the file and have it checked; a ServiceError when it cannot be imported."""
    layout = read_layout(data)
    subscriber_import = SubscriberImport.objects.create(
        app=app,
        requested_by=user,
        file_name=file_name[:200],
        data=data,
        size=len(data),
        encoding=layout.encoding,
        delimiter=layout.delimiter,
    )
    _publish(subscriber_import.pk)
    return subscriber_import


@transaction.atomic
def apply_import(*, subscriber_import: SubscriberImport) -> None:
    """Apply a checked import (once: a second click finds it applying)."""
    moved = SubscriberImport.objects.filter(
        pk=subscriber_import.pk, status=Status.PREVIEWED
    ).update(status=Status.APPLYING, applied_at=timezone.now(), progressed_at=timezone.now())
    if not moved:
        raise ServiceError("This import is not waiting to be applied.")
    _publish(subscriber_import.pk)


def can_resume(subscriber_import: SubscriberImport) -> bool:
    if subscriber_import.status == Status.FAILED:
        return True
    if subscriber_import.status not in (Status.CHECKING, Status.APPLYING):
        return False
    last = subscriber_import.progressed_at or subscriber_import.created_at
    return timezone.now() - last > STALLED_AFTER


@transaction.atomic
def resume_import(*, subscriber_import: SubscriberImport) -> None:
    """Carry on a failed or stalled import where it stopped (a failed check
    starts the check again)."""
    row = SubscriberImport.objects.select_for_update().get(pk=subscriber_import.pk)
    if not can_resume(row):
        raise ServiceError("This import is running or finished; there is nothing to resume.")
    row.status = Status.APPLYING if row.applied_at else Status.CHECKING
    row.error, row.progressed_at = "", timezone.now()
    row.save(update_fields=["status", "error", "progressed_at"])
    _publish(row.pk)


def run_import(import_id: int) -> None:
    """Check or apply the import, as its status says; anything else is a no-op
    (a task delivered twice)."""
    subscriber_import = (
        SubscriberImport.objects.select_related("app", "requested_by")
        .defer("data")
        .filter(pk=import_id)
        .first()
    )
    if subscriber_import is None:
        return
    step = {Status.CHECKING: _check, Status.APPLYING: _apply}.get(subscriber_import.status)
    if step is None:
        return
    try:
        step(subscriber_import)
    except ServiceError as exc:
        _fail(subscriber_import, exc.message)
    except Exception:
        _fail(subscriber_import, "An unexpected error stopped it (see the worker's log).")
        raise


def _rows(subscriber_import: SubscriberImport):
    stored = StoredFile(subscriber_import.pk, subscriber_import.size)
    buffered = io.BufferedReader(stored, WINDOW_BYTES)
    return stored, read_rows(buffered, subscriber_import.encoding, subscriber_import.delimiter)


def _check(subscriber_import: SubscriberImport) -> None:
    stored, rows = _rows(subscriber_import)
    tally, total = Tally(), 0
    for batch in batched(rows, settings.SUBSCRIBER_IMPORT_BATCH_ROWS):
        classify(subscriber_import.app, list(batch), tally)
        total += len(batch)
        still = SubscriberImport.objects.filter(
            pk=subscriber_import.pk, status=Status.CHECKING
        ).update(checked_bytes=stored.tell(), progressed_at=timezone.now())
        if not still:
            return  # resumed elsewhere meanwhile
    if not total:
        raise ServiceError("The file has no rows under its header.")
    SubscriberImport.objects.filter(pk=subscriber_import.pk, status=Status.CHECKING).update(
        status=Status.PREVIEWED,
        total_rows=total,
        checked_bytes=subscriber_import.size,
        preview=tally.dump(),
        progressed_at=timezone.now(),
    )


def _apply(subscriber_import: SubscriberImport) -> None:
    _, rows = _rows(subscriber_import)
    position = subscriber_import.position
    for batch in batched(islice(rows, position, None), settings.SUBSCRIBER_IMPORT_BATCH_ROWS):
        with transaction.atomic():
            row = (
                SubscriberImport.objects.select_for_update()
                .defer("data")
                .get(pk=subscriber_import.pk)
            )
            if row.status != Status.APPLYING or row.position != position:
                return  # another delivery of the task got here first
            tally = Tally.load(row.result)
            apply_batch(subscriber_import.app, list(batch), tally)
            position += len(batch)
            row.result, row.position, row.progressed_at = tally.dump(), position, timezone.now()
            row.save(update_fields=["result", "position", "progressed_at"])
    with transaction.atomic():
        row = (
            SubscriberImport.objects.select_for_update().defer("data").get(pk=subscriber_import.pk)
        )
        if row.status != Status.APPLYING:
            return
        row.status, row.finished_at = Status.DONE, timezone.now()
        row.save(update_fields=["status", "finished_at"])
        _audit(row, AuditEvent.Outcome.SUCCEEDED)


def _fail(subscriber_import: SubscriberImport, message: str) -> None:
    with transaction.atomic():
        moved = SubscriberImport.objects.filter(
            pk=subscriber_import.pk, status__in=(Status.CHECKING, Status.APPLYING)
        ).update(status=Status.FAILED, error=message[:500], progressed_at=timezone.now())
        if moved:
            subscriber_import.refresh_from_db(fields=["status", "error", "position", "result"])
            _audit(subscriber_import, AuditEvent.Outcome.FAILED)
    logger.warning("subscriber import %s failed: %s", subscriber_import.pk, message)


def _audit(subscriber_import: SubscriberImport, outcome: str) -> None:
    counts = subscriber_import.result.get("counts", {})
    record(
        "subscriberimport.import",
        outcome=outcome,
        rows=[subscriber_import],
        user=subscriber_import.requested_by,
        detail={
            "app": subscriber_import.app_id,
            "rows": subscriber_import.total_rows,
            "applied_rows": subscriber_import.position,
            **{name: counts.get(name, 0) for name in counts},
            **({"error": subscriber_import.error} if subscriber_import.error else {}),
        },
    )
