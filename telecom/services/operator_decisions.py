"""An operator's decisions on outbox rows, whatever their kind: send failed
ones again, and settle an outcome that stayed unknown.

The console's retry and settle actions (`telecom.admin.decisions`) call
these, never the rows directly. What each kind needs is declared on its
sender (`telecom.outbox_sender.OutboxSender`), found through the row's
outbound operation (`telecom.outbound`): the status "it went through" sets
(`settled_status`), the fields settling also clears (`settled_fields`),
what else an unsent outcome sets off (`on_settled_failed`), and the states
"send again" takes rows from (`retry_statuses`).
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from telecom import outbox
from telecom.outbound import operation_for
from telecom.send_once import UNKNOWN


@transaction.atomic
def send_again(model: type[outbox.OutboxRow], ids: Iterable[int]) -> int:
    """Queue failed rows again with their own idempotency keys. For a row sent
    once, this is the operator's decision to send it again: the mark of an
    earlier submission is cleared first. How many were queued."""
    ids = list(ids)
    statuses = list(operation_for(model).sender.retry_statuses)
    # A sent-once row (`SentOnceRow`, or a message through a channel without a key).
    if any(field.name == "submitted_at" for field in model._meta.fields):
        model.objects.filter(pk__in=ids, status__in=statuses).update(submitted_at=None)
    return outbox.requeue(model, ids, statuses)


@transaction.atomic
def settle_unknown(
    model: type[outbox.OutboxRow], ids: Iterable[int], *, went_through: bool, by: str
) -> int:
    """Settle rows whose outcome stayed unknown with what the operator knows:
    it went through, or it did not (the row fails, and may be sent again).
    Rows whose outcome is no longer unknown are left as they are. How many
    were settled."""
    sender = operation_for(model).sender()
    status = (sender.settled_status or sender.done_status) if went_through else sender.failed_status
    pks = list(
        model.objects.select_for_update()
        .filter(pk__in=list(ids), status=UNKNOWN)
        .values_list("pk", flat=True)
    )
    count = model.objects.filter(pk__in=pks, status=UNKNOWN).update(
        status=status,
        last_error=f"resolved by {by}",
        finished_at=timezone.now(),
        **sender.settled_fields,
    )
    if not went_through:
        for row in model.objects.filter(pk__in=pks):
            sender.on_settled_failed(row)
    return count
