"""Queueing an outbox row: what every service that sends something does last.

A service validates, then creates its row and has the row's task published
once the transaction commits (`telecom.outbox.enqueue_on_commit`). Three ways:

- `queue(model, **fields)`: a new row.
- `queue_once(model, **fields)`: a new row unless a unique constraint says it
  exists already (the same event for a partner, the same consent code); then
  `None`, and nothing is published.
- `queue_again(model, lookup, **fields)`: the row `lookup` names, created or
  put back in the queue as a fresh first attempt (renting a number again).

Infrastructure: it knows outbox rows, never a feature's model.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from telecom import outbox
from telecom.bulk_sql import insert_one, saves_plainly

Row = TypeVar("Row", bound=outbox.OutboxRow)


def queue(model: type[Row], **fields) -> Row:
    """Create a row of `model` and publish its task once the transaction commits."""
    # One plain INSERT where that is what `save` would do: the ORM's compiling
    # of it was a fifth of a USSD step's CPU.
    row = insert_one(model(**fields)) if saves_plainly(model) else model.objects.create(**fields)
    outbox.enqueue_on_commit(model, [row.pk])
    return row


def queue_once(model: type[Row], **fields) -> Row | None:
    """`queue`, unless the row exists already (an `IntegrityError`): then `None`."""
    try:
        with transaction.atomic():
            row = model.objects.create(**fields)
    except IntegrityError:
        return None
    outbox.enqueue_on_commit(model, [row.pk])
    return row


def queue_again(model: type[Row], lookup: dict, **fields) -> Row:
    """The row `lookup` finds (or a new one) with `fields`, queued as a first attempt:
    no attempt made, no error, not submitted, due now."""
    fresh = {
        "status": outbox.QUEUED,
        "finished_at": None,
        "last_error": "",
        "attempts": 0,
        "next_attempt_at": timezone.now(),
    }
    if hasattr(model, "submitted_at"):
        fresh["submitted_at"] = None
    row, _ = model.objects.update_or_create(**lookup, defaults={**fresh, **fields})
    outbox.enqueue_on_commit(model, [row.pk])
    return row
