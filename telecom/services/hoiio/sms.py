"""SMS through Hoiio, beyond the one-message path of `sms_channels`: bulk
sends, delivery reports, SMS received on the app's numbers, settling unknown
outcomes from the history, status sync, and the rate before sending.

- `SmsBulkDelivery` sends a campaign's bulk (up to 1,000 numbers) once; its
  messages become `sent`, `failed` or `unknown` with it. Each SMS's own
  txn_ref comes with its delivery report (matched by the bulk's tag and the
  number).
- `apply_sms_report` records a delivery report: found by txn_ref, or by tag
  (a message's clientCorrelator, a bulk's tag) and number; it never turns a
  final status back into `queued`, and it proves that a message whose
  outcome was unknown was sent.
- `resolve_unknown_sms` looks messages and bulks whose outcome is unknown up
  in Hoiio's SMS history by their tag (see `history`).
- `sync_sms_statuses` asks `query_status` for messages whose report never
  came.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from subscribers.models import Subscriber
from telecom.errors import OutcomeUnknown, ServiceError
from telecom.hoiio import HoiioClient
from telecom.hoiio.notifications import IncomingSms
from telecom.hoiio.records import Rate, SmsRecord
from telecom.inbound_events import InboundSms
from telecom.models import CallbackEvent, Message, ProviderApp, SmsBulk
from telecom.send_once import SendOnceSender
from telecom.services import checks
from telecom.services.campaign_schedule import CampaignHours
from telecom.services.hoiio import history
from telecom.services.inbound import receive_sms
from telecom.services.message_delivery import complete_campaigns_of

FINAL_REPORTS = ("delivered", "failed", "error")


class SmsBulkDelivery(CampaignHours, SendOnceSender):
    model = SmsBulk
    done_status = SmsBulk.Status.SENT

    def prepare(self, rows: list[SmsBulk]) -> None:
        self.note_waiting(rows)

    def send(self, row: SmsBulk):
        self.hold_back_if_waiting(row)  # before submitted_at: nothing has left
        return super().send(row)

    def submit(self, row: SmsBulk):
        # Who opted out since the bulk was built is not texted: their message ends here.
        Message.objects.filter(
            bulk=row,
            status=Message.Status.BATCHED,
            subscriber__status=Subscriber.Status.UNSUBSCRIBED,
        ).update(
            status=Message.Status.CANCELLED,
            last_error="the subscriber has unsubscribed",
            finished_at=timezone.now(),
        )
        numbers = list(
            Message.objects.filter(bulk=row, status=Message.Status.BATCHED)
            .order_by("pk")
            .values_list("msisdn", flat=True)
        )
        if not numbers:
            raise ServiceError("nothing left to send in this bulk")
        row.numbers = numbers
        return HoiioClient(row.app).bulk_send_sms(
            dests=numbers,
            msg=row.text,
            sender_name=row.app.sender_name,
            tag=row.tag,
            notify_url=row.app.callback_uri("sms"),
            subject=row,
        )

    def record(self, row: SmsBulk, accepted) -> dict:
        now = timezone.now()
        batched = Message.objects.filter(bulk=row, status=Message.Status.BATCHED)
        if len(accepted.txn_refs) == len(row.numbers):
            # Hoiio gave every SMS's txn_ref at once, in the order of the numbers.
            refs = dict(zip(row.numbers, accepted.txn_refs, strict=True))
            for message in batched.only("pk", "msisdn"):
                Message.objects.filter(pk=message.pk).update(txn_ref=refs[message.msisdn][:64])
        batched.update(status=Message.Status.SENT, finished_at=now, last_error="")
        return {"bulk_txn_ref": accepted.bulk_txn_ref[:64]}

    def on_failed(self, row: SmsBulk) -> None:
        Message.objects.filter(bulk=row, status=Message.Status.BATCHED).update(
            status=Message.Status.FAILED, last_error=row.last_error, finished_at=timezone.now()
        )

    def on_outcome_unknown(self, row: SmsBulk, exc: OutcomeUnknown) -> None:
        super().on_outcome_unknown(row, exc)
        Message.objects.filter(bulk=row, status=Message.Status.BATCHED).update(
            status=Message.Status.UNKNOWN, last_error=f"the bulk's outcome is unknown: {exc.reason}"
        )

    def run_many(self, pks: list[int], chunk: int = 10) -> list:
        return complete_campaigns_of(super().run_many(pks, chunk))


# --- delivery reports --------------------------------------------------------------


def _message_for(app: ProviderApp, txn_ref: str, tag: str, dest: str) -> Message | None:
    outbound = Message.objects.select_for_update().filter(app=app, direction=Message.Direction.OUT)
    if txn_ref:
        found = outbound.filter(txn_ref=txn_ref).first()
        if found is not None:
            return found
    if not tag:
        return None
    found = outbound.filter(client_correlator=tag).first()
    if found is None and dest:
        found = outbound.filter(bulk__tag=tag, bulk__app=app, msisdn=dest).first()
    return found


def apply_sms_report(app: ProviderApp, report: SmsRecord, event: CallbackEvent) -> str:
    """Record one delivery report; a note for the callback log."""
    message = _message_for(app, report.txn_ref, report.tag, report.dest)
    if message is None:
        return f"no message matches {report.txn_ref or report.tag}"
    changes: dict = {}
    if report.txn_ref and message.txn_ref != report.txn_ref:
        changes["txn_ref"] = report.txn_ref[:64]
    downgrade = message.delivery_status in FINAL_REPORTS and report.sms_status == "queued"
    if not downgrade and message.delivery_status != report.sms_status:
        changes["delivery_status"] = report.sms_status
        if report.sms_status == "delivered":
            changes["delivered_at"] = report.date or event.received_at
    if message.status in (Message.Status.UNKNOWN, Message.Status.FAILED, Message.Status.BATCHED):
        # Hoiio reports on it, so it was sent (a lookup that declared it
        # unsent was wrong, or the report outran the bulk's answer).
        changes.update(status=Message.Status.SENT, finished_at=timezone.now(), last_error="")
    if not changes:
        return f"message {message.pk}: nothing new"
    Message.objects.filter(pk=message.pk).update(**changes)
    return f"message {message.pk}: {changes.get('delivery_status', message.delivery_status)}"


def receive_hoiio_sms(app: ProviderApp, incoming: IncomingSms, event: CallbackEvent) -> str:
    """An SMS that arrived on one of the app's Hoiio numbers: handled like any
    inbound SMS (keyword rules, partner webhooks), once per txn_ref."""
    sms = InboundSms(
        message_id=f"hoiio:{incoming.txn_ref}",
        text=incoming.msg,
        sender=incoming.sender,
        destination=incoming.to,
        sent_at=incoming.date,
        multipart_ref=None,
        multipart_seq=None,
        multipart_total=None,
    )
    return receive_sms(app, sms, event)


# --- unknown outcomes and status sync ------------------------------------------------


def resolve_unknown_sms(app: ProviderApp, client: HoiioClient) -> int:
    """Settle this app's messages and bulks whose outcome is unknown."""
    messages = list(
        Message.objects.filter(
            app=app, status=Message.Status.UNKNOWN, direction=Message.Direction.OUT, bulk=None
        )[:500]
    )
    bulks = list(SmsBulk.objects.filter(app=app, status=SmsBulk.Status.UNKNOWN)[:50])
    if not messages and not bulks:
        return 0
    tags = {m.client_correlator for m in messages} | {b.tag for b in bulks}
    found = history.find_by_tag(client.sms_history, tags, history.earliest([*messages, *bulks]))
    for message in messages:
        message.tag = message.client_correlator  # what it was sent as
    settled = history.settle(messages, found, _message_sent)
    with transaction.atomic():
        settled += history.settle(bulks, found, _bulk_sent)
        # A bulk found not sent takes its messages with it.
        Message.objects.filter(
            bulk__in=bulks, status=Message.Status.UNKNOWN, bulk__status=SmsBulk.Status.FAILED
        ).update(
            status=Message.Status.FAILED,
            finished_at=timezone.now(),
            last_error=history.not_found_reason(),
        )
    return settled


def _message_sent(message: Message, entries) -> int:
    return Message.objects.filter(pk=message.pk, status=Message.Status.UNKNOWN).update(
        status=Message.Status.SENT,
        txn_ref=entries[0].txn_ref[:64],
        delivery_status=entries[0].sms_status[:16],
        finished_at=timezone.now(),
        last_error="found in Hoiio's history: it was sent",
    )


def _bulk_sent(bulk: SmsBulk, entries) -> int:
    """The history lists the bulk's SMS: each message takes its own txn_ref."""
    now = timezone.now()
    messages = Message.objects.filter(bulk=bulk, status=Message.Status.UNKNOWN)
    by_number = {entry.dest: entry for entry in entries}
    for message in messages.only("pk", "msisdn"):
        entry = by_number.get(message.msisdn)
        if entry is not None:
            Message.objects.filter(pk=message.pk).update(
                txn_ref=entry.txn_ref[:64], delivery_status=entry.sms_status[:16]
            )
    messages.update(status=Message.Status.SENT, finished_at=now, last_error="")
    return SmsBulk.objects.filter(pk=bulk.pk, status=SmsBulk.Status.UNKNOWN).update(
        status=SmsBulk.Status.SENT,
        bulk_txn_ref=(entries[0].bulk_txn_ref or bulk.bulk_txn_ref)[:64],
        finished_at=now,
        last_error="found in Hoiio's history: it was sent",
    )


def sync_sms_statuses(app: ProviderApp, client: HoiioClient, limit: int = 100) -> int:
    """Ask `query_status` about sent messages whose final report has not come."""
    stale = timezone.now() - timedelta(minutes=1)
    waiting = (
        Message.objects.filter(
            app=app,
            direction=Message.Direction.OUT,
            status=Message.Status.SENT,
            finished_at__lt=stale,
        )
        .exclude(txn_ref="")
        .filter(~Q(delivery_status__in=FINAL_REPORTS))
        .order_by("finished_at")[:limit]
    )
    updated = 0
    for message in waiting:
        record = client.sms_status(txn_ref=message.txn_ref)
        if record.sms_status and record.sms_status != message.delivery_status:
            fields = {"delivery_status": record.sms_status[:16]}
            if record.sms_status == "delivered":
                fields["delivered_at"] = record.date or timezone.now()
            updated += Message.objects.filter(pk=message.pk).update(**fields)
    return updated


def refresh_messages(messages) -> int:
    """An operator's "ask Hoiio now": status of the sent, history for the unknown."""
    done = 0
    for app in {m.app for m in messages if m.app.provider == ProviderApp.Provider.HOIIO}:
        client = HoiioClient(app)
        done += resolve_unknown_sms(app, client)
        for message in [m for m in messages if m.app_id == app.pk and m.txn_ref]:
            record = client.sms_status(txn_ref=message.txn_ref)
            done += Message.objects.filter(pk=message.pk).update(
                delivery_status=record.sms_status[:16]
            )
    return done


def sms_rate(app: ProviderApp, to: str, text: str) -> Rate:
    """What one SMS of `text` to `to` costs through the app's Hoiio account."""
    return HoiioClient(app).sms_rate(dest=checks.number(to, "to"), msg=text)
