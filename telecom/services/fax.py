"""Faxes through Hoiio: sending a PDF, its status, and faxes received on the
app's numbers, kept with their documents.

- `send_fax` checks the document (a PDF, at most 10 MB) and queues it;
  `FaxDelivery` sends it once (tagged); `FaxFetch` fetches a received fax's
  document (a GET: repeated until it works or the deadline passes). Both
  are rows of the one `Fax` outbox (`deliver_faxes` picks by direction).
- `apply_fax_report` records a sent fax's status; `receive_fax` stores a
  received one once per txn_ref and queues its document's fetch.
- `resolve_unknown_faxes` looks sent faxes whose outcome is unknown up in
  the fax history by their tag; `refresh_fax` asks `query_status`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.hoiio import HoiioClient
from telecom.hoiio.records import FaxRecord
from telecom.models import CallbackEvent, Fax, ProviderApp
from telecom.models.fax import MAX_DOCUMENT_BYTES
from telecom.outbox_sender import OutboxSender
from telecom.send_once import SendOnceSender, new_tag
from telecom.services import checks
from telecom.services.checks import require_app
from telecom.services.hoiio import history as hoiio_history
from telecom.services.queueing import queue, queue_once

_STATUSES = {
    "ongoing": Fax.Status.ONGOING,
    "answered": Fax.Status.ANSWERED,
    "unanswered": Fax.Status.UNANSWERED,
    "busy": Fax.Status.BUSY,
    "failed": Fax.Status.FAILED,
}
FINAL = (Fax.Status.ANSWERED, Fax.Status.UNANSWERED, Fax.Status.BUSY, Fax.Status.FAILED)


def check_document(document: bytes, filename: str) -> str:
    if not document:
        raise ServiceError("the document is empty", field="document")
    if len(document) > MAX_DOCUMENT_BYTES:
        raise ServiceError("the document is larger than 10 MB", field="document")
    if not document.startswith(b"%PDF"):
        raise ServiceError("the document must be a PDF", field="document")
    name = (filename or "fax.pdf").strip().replace("/", "_").replace("\\", "_")[:200]
    return name if name.lower().endswith(".pdf") else f"{name}.pdf"


@transaction.atomic
def send_fax(
    *,
    app: ProviderApp,
    dest: str,
    document: bytes,
    filename: str = "",
    caller_id: str = "",
    source: str = "api",
    partner=None,
) -> Fax:
    require_app(app, ProviderApp.Provider.HOIIO)
    return queue(
        Fax,
        app=app,
        direction=Fax.Direction.OUT,
        dest=checks.number(dest, "dest"),
        filename=check_document(document, filename),
        document=document,
        caller_id=caller_id or app.caller_id,
        tag=new_tag("f"),
        source=source,
        partner=partner,
    )


class FaxDelivery(SendOnceSender):
    model = Fax
    done_status = Fax.Status.SUBMITTED

    def submit(self, row: Fax):
        return HoiioClient(row.app).send_fax(
            dest=row.dest,
            document=bytes(row.document),
            filename=row.filename,
            caller_id=row.caller_id,
            tag=row.tag,
            notify_url=row.app.callback_uri("fax"),
            subject=row,
        )

    def record(self, row: Fax, txn_ref: str) -> dict:
        return {"txn_ref": txn_ref[:64]}


class FaxFetch(OutboxSender):
    """A received fax's document, fetched from its `fax_url`."""

    model = Fax
    done_status = Fax.Status.RECEIVED
    default_deadline_seconds = 3600

    def send(self, row: Fax) -> bytes:
        document = HoiioClient(row.app).download(row.fax_url, subject=row)
        if len(document) > MAX_DOCUMENT_BYTES:
            raise ServiceError("the received document is larger than 10 MB")
        return document

    def record(self, row: Fax, document: bytes) -> dict:
        return {"document": document}


def deliver_faxes(ids: list[int]) -> None:
    for pk, direction in Fax.objects.filter(pk__in=ids).values_list("pk", "direction"):
        (FaxFetch() if direction == Fax.Direction.IN else FaxDelivery()).run(pk)


def _apply_status(fax: Fax, record: FaxRecord) -> dict:
    """What a notification or a history record says of the fax, as its changes."""
    new = _STATUSES.get(record.fax_status)
    if new is None or (fax.status in FINAL and new == Fax.Status.ONGOING):
        fields = {}
    else:
        fields = {"status": new}
        if new in FINAL:
            fields["finished_at"] = timezone.now()
    if record.fax_pages is not None:
        fields["pages"] = record.fax_pages
    if record.fax_url:
        fields["fax_url"] = record.fax_url[:500]
    if record.charge.debit is not None:
        fields.update(debit=record.charge.debit, currency=record.charge.currency[:3])
    return fields


def apply_fax_report(app: ProviderApp, report: FaxRecord, event: CallbackEvent) -> str:
    faxes = Fax.objects.select_for_update().filter(app=app, direction=Fax.Direction.OUT)
    return hoiio_history.apply_report(faxes, report, _apply_status, "fax")


def receive_fax(app: ProviderApp, report: FaxRecord, event: CallbackEvent) -> str:
    """A fax arrived on one of the app's numbers: kept once per txn_ref, its
    document fetched by a worker."""
    fax = queue_once(
        Fax,
        app=app,
        direction=Fax.Direction.IN,
        src=report.src,
        dest=report.dest,
        pages=report.fax_pages,
        txn_ref=report.txn_ref[:64],
        fax_url=report.fax_url[:500],
        filename=f"fax-{report.txn_ref}.pdf"[:200],
        tag=new_tag("r"),
        source="hoiio",
        callback_event=event,
        debit=report.charge.debit,
        currency=report.charge.currency[:3],
    )
    if fax is None:
        return f"duplicate of fax {report.txn_ref}"
    return f"fax {fax.pk} received from {report.src or 'unknown'}"


def _apply_record(fax: Fax, record: FaxRecord) -> int:
    fields = _apply_status(fax, record)
    if fax.status == Fax.Status.UNKNOWN:
        fields.update(txn_ref=record.txn_ref[:64], last_error="found in Hoiio's history")
        fields.setdefault("status", Fax.Status.SUBMITTED)
    return Fax.objects.filter(pk=fax.pk).update(**fields) if fields else 0


def refresh_fax(fax: Fax) -> int:
    if not fax.txn_ref:
        return resolve_unknown_faxes(fax.app, HoiioClient(fax.app))
    return _apply_record(fax, HoiioClient(fax.app).fax_status(txn_ref=fax.txn_ref))


def resolve_unknown_faxes(app: ProviderApp, client: HoiioClient) -> int:
    unknown = list(
        Fax.objects.filter(app=app, status=Fax.Status.UNKNOWN, direction=Fax.Direction.OUT)[:100]
    )
    if not unknown:
        return 0

    def outgoing(**kwargs):
        return client.fax_history(type="outgoing", **kwargs)

    found = hoiio_history.find_by_tag(
        outgoing, {f.tag for f in unknown}, hoiio_history.earliest(unknown)
    )
    return hoiio_history.settle(unknown, found, lambda fax, entries: _apply_record(fax, entries[0]))
