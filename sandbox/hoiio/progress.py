"""What the Hoiio twin does after answering: SMS delivered or not, calls
answered and ended, IVR blocks run, faxes transmitted, each followed by
Hoiio's notification to the `notify_url` (a form POST).

Every function here runs on the sandbox's background thread
(`sandbox.worker`), scheduled by a view after its request committed.
What a number does is its `Phone` behaviour.
"""

import math

from django.db import transaction
from django.utils import timezone

from sandbox import callbacks, conf, worker
from sandbox.hoiio.common import hoiio_date, money
from sandbox.hoiio.models import HoiioNumber, HoiioSession, HoiioTransaction
from sandbox.models import Callback
from sandbox.models.phones import Phone, phone
from sandbox.platform.common import one_writer
from sandbox.router import SANDBOX_DB

ANSWERED, ONGOING = "answered", "ongoing"


def _charge(txn: HoiioTransaction) -> dict:
    return {"currency": txn.account.currency, "rate": money(txn.rate), "debit": money(txn.debit)}


def sms_entry(txn: HoiioTransaction) -> dict:
    entry = {
        "txn_ref": txn.txn_ref,
        "tag": txn.tag,
        "dest": txn.dest,
        "date": hoiio_date(txn.created_at),
        "sms_status": txn.status,
        "split_count": txn.split_count,
        **_charge(txn),
    }
    if txn.bulk_txn_ref:
        entry["bulk_txn_ref"] = txn.bulk_txn_ref
    if txn.kind == HoiioTransaction.Kind.SMS_IN:
        entry.update({"src": txn.src, "msg": txn.msg})
    return entry


def call_entry(txn: HoiioTransaction) -> dict:
    entry = {
        "txn_ref": txn.txn_ref,
        "tag": txn.tag,
        "date": hoiio_date(txn.created_at),
        "dest1": txn.dest,
        "dest2": txn.dest2,
        "call_status_dest1": txn.status1,
        "call_status_dest2": txn.status2,
        "duration": txn.duration,
        **_charge(txn),
    }
    if txn.room_id:
        entry["room"] = txn.room.room
    return entry


def fax_entry(txn: HoiioTransaction, base_url: str = "") -> dict:
    return {
        "txn_ref": txn.txn_ref,
        "tag": txn.tag,
        "fax_status": txn.status,
        "src": txn.src,
        "dest": txn.dest,
        "date": hoiio_date(txn.created_at),
        "fax_pages": txn.pages,
        "fax_url": f"{base_url}/hoiio/files/{txn.file_token}.pdf" if txn.file_token else "",
        **_charge(txn),
    }


def notify(txn: HoiioTransaction, kind: str, url: str, body: dict) -> None:
    if not url:
        return
    fields = {k: str(v) for k, v in body.items() if v is not None}
    callbacks.send(txn.account, kind, url, body=fields)


def _locked(txn_id: int) -> HoiioTransaction | None:
    return (
        HoiioTransaction.objects.select_for_update()
        .select_related("account", "room")
        .filter(pk=txn_id)
        .first()
    )


# --- SMS ------------------------------------------------------------------


def deliver_sms(txn_ids: list[int]) -> None:
    """Each SMS is delivered or not (its number's `sms`), then notified; a bulk's
    notifications go out several at a time."""
    notifications = []
    for txn in HoiioTransaction.objects.select_related("account").filter(pk__in=txn_ids):
        txn.status = phone(txn.dest).sms
        HoiioTransaction.objects.filter(pk=txn.pk).update(status=txn.status)
        if txn.notify_url:
            notifications.append(
                {
                    "owner": txn.account,
                    "kind": Callback.Kind.HOIIO_SMS,
                    "url": txn.notify_url,
                    "body": {k: str(v) for k, v in sms_entry(txn).items()},
                }
            )
    if len(notifications) > 1:
        callbacks.send_all(notifications)
    elif notifications:
        callbacks.send(**notifications[0])


# --- calls: call-back and conference participants ---------------------------------


def connect(txn_id: int) -> None:
    """Ring the number(s): answered legs go `ongoing`; a leg that is not answered
    ends the call at once."""
    with one_writer(), transaction.atomic(using=SANDBOX_DB):
        txn = _locked(txn_id)
        if txn is None or txn.ended_at:
            return
        first = phone(txn.dest).call
        txn.status1 = ONGOING if first == Phone.Call.ANSWERED else first
        if txn.kind == HoiioTransaction.Kind.CALL and first == Phone.Call.ANSWERED:
            second = phone(txn.dest2).call
            txn.status2 = ONGOING if second == Phone.Call.ANSWERED else second
        connected = txn.status1 == ONGOING and (
            txn.kind != HoiioTransaction.Kind.CALL or txn.status2 == ONGOING
        )
        txn.answered_at = timezone.now() if connected else None
        txn.save(update_fields=["status1", "status2", "answered_at"])
    if not connected:
        end_call(txn_id)
        return
    seconds = conf.option("hoiio_call_seconds")
    if txn.max_duration:
        seconds = min(seconds, txn.max_duration)
    worker.schedule(seconds, end_call, txn_id)


def end_call(txn_id: int) -> None:
    """Hang up (the time is up, or Hatid asked): bill the minutes, notify."""
    with one_writer(), transaction.atomic(using=SANDBOX_DB):
        txn = _locked(txn_id)
        if txn is None or txn.ended_at:
            return
        now = timezone.now()
        legs = 0
        for field in ("status1", "status2"):
            if getattr(txn, field) == ONGOING:
                legs += 1
                setattr(txn, field, ANSWERED)
        if txn.answered_at:
            txn.duration = max(1, math.ceil((now - txn.answered_at).total_seconds()))
        txn.debit = txn.rate * legs * math.ceil(txn.duration / 60)
        txn.ended_at = now
        txn.save()
        session = HoiioSession.objects.filter(transaction=txn).first()
        if session is not None:
            session.state = HoiioSession.State.ENDED
            session.save(update_fields=["state"])
    if session is not None:
        notify(txn, Callback.Kind.HOIIO_IVR, txn.notify_url, ivr_event(session, txn, txn.tag))
    else:
        notify(txn, Callback.Kind.HOIIO_VOICE, txn.notify_url, call_entry(txn))


# --- IVR ---------------------------------------------------------------------------


def ivr_event(session: HoiioSession, txn: HoiioTransaction, tag: str, **fields) -> dict:
    event = {
        "session": session.session,
        "call_state": session.state,
        "txn_ref": txn.txn_ref,
        "tag": tag,
        "dest": txn.dest,
        "date": hoiio_date(timezone.now()),
        **fields,
    }
    if session.direction == "in":
        event.update({"from": txn.src, "to": txn.dest})
    if session.state == HoiioSession.State.ENDED:
        event.update({"call_status": txn.status1, "duration": txn.duration, **_charge(txn)})
    return event


def ring_in(session_id: int) -> None:
    """A call arrives on a rented number: Hoiio tells the number's `forward_to`
    and waits for a block; unanswered after `hoiio_call_seconds`, it ends."""
    session = HoiioSession.objects.select_related("transaction", "account").get(pk=session_id)
    txn = session.transaction
    notify(txn, Callback.Kind.HOIIO_IVR, txn.notify_url, ivr_event(session, txn, ""))
    worker.schedule(conf.option("hoiio_call_seconds"), ring_out, session.pk)


def ring_out(session_id: int) -> None:
    """Nobody answered the inbound call in time: it ends unanswered."""
    with one_writer(), transaction.atomic(using=SANDBOX_DB):
        session = HoiioSession.objects.select_for_update().get(pk=session_id)
        if session.state != HoiioSession.State.RINGING:
            return
        HoiioTransaction.objects.filter(pk=session.transaction_id).update(status1="unanswered")
    end_call(session.transaction_id)


def answer_incoming(session: HoiioSession) -> None:
    """The first block answers a ringing inbound call (inside the block's request)."""
    txn = _locked(session.transaction_id)
    txn.status1, txn.answered_at = ONGOING, timezone.now()
    txn.save(update_fields=["status1", "answered_at"])
    session.state = HoiioSession.State.ONGOING
    session.transcript = [*session.transcript, {"block": "answer"}]
    session.save(update_fields=["state", "transcript"])
    seconds = conf.option("hoiio_call_seconds")
    worker.schedule(seconds, end_call, txn.pk)


def _keyed(session: HoiioSession, txn: HoiioTransaction, max_digits) -> str:
    """What the callee keys at a gather: an inbound caller's next `digits`
    (each gather takes the keys after the last one's), a dialled number's
    `digits` behaviour."""
    if session.direction != "in":
        digits = phone(txn.dest).digits
        return digits[: int(max_digits)] if max_digits else digits
    keyed = str(txn.request.get("digits") or "")
    used = sum(len(b.get("digits", "")) for b in session.transcript if b.get("block") == "gather")
    left = keyed[used:]
    if max_digits:
        return left[: int(max_digits)]
    return left.split("#")[0] + ("#" if "#" in left else "")


def answer_ivr(session_id: int) -> None:
    """The dialled number answers (the dial's `msg` is played) or does not."""
    with one_writer(), transaction.atomic(using=SANDBOX_DB):
        session = HoiioSession.objects.select_for_update().get(pk=session_id)
        txn = _locked(session.transaction_id)
        behaviour = phone(txn.dest).call
        if behaviour != Phone.Call.ANSWERED:
            txn.status1 = behaviour
            txn.save(update_fields=["status1"])
            session.transcript = [*session.transcript, {"block": "dial", "answered": False}]
            session.save(update_fields=["transcript"])
        else:
            txn.status1, txn.answered_at = ONGOING, timezone.now()
            txn.save(update_fields=["status1", "answered_at"])
            session.state = HoiioSession.State.ONGOING
            session.transcript = [*session.transcript, {"block": "dial", "msg": txn.msg}]
            session.save(update_fields=["state", "transcript"])
    if behaviour != Phone.Call.ANSWERED:
        end_call(txn.pk)
        return
    notify(txn, Callback.Kind.HOIIO_IVR, txn.notify_url, ivr_event(session, txn, txn.tag))
    seconds = conf.option("hoiio_call_seconds")
    worker.schedule(min(seconds, txn.max_duration or seconds), end_call, txn.pk)


def run_block(session_id: int, block: str, params: dict) -> None:
    """One middle or end block runs on the call, then Hoiio notifies."""
    ends = False
    fields: dict = {}
    with one_writer(), transaction.atomic(using=SANDBOX_DB):
        session = HoiioSession.objects.select_for_update().get(pk=session_id)
        txn = _locked(session.transaction_id)
        if session.state != HoiioSession.State.ONGOING:
            return  # the caller hung up meanwhile
        if block == "gather":
            fields["digits"] = _keyed(session, txn, params.get("max_digits"))
        elif block == "record":
            fields["record_url"] = (
                f"{params['base_url']}/hoiio/files/rec-{txn.pk}-{len(session.transcript)}.wav"
            )
        elif block == "monitor":
            session.monitoring = True
        elif block == "transfer":
            target = params["dest"]
            outcome = Phone.Call.ANSWERED if target.startswith("room:") else phone(target).call
            fields["transfer_status"] = outcome
            ends = outcome == Phone.Call.ANSWERED or params.get("on_failure") != "continue"
        elif block == "hangup":
            ends = True
        session.transcript = [
            *session.transcript,
            {"block": block, **{k: v for k, v in params.items() if k != "base_url"}, **fields},
        ]
        session.save(update_fields=["transcript", "monitoring"])
    if ends:
        if session.monitoring:
            fields["record_url"] = f"{params['base_url']}/hoiio/files/rec-{txn.pk}-all.wav"
        _end_with_block(session_id, txn.pk, params, fields)
        return
    url = params.get("notify_url") or txn.notify_url
    notify(
        txn, Callback.Kind.HOIIO_IVR, url, ivr_event(session, txn, params.get("tag", ""), **fields)
    )


def _end_with_block(session_id: int, txn_id: int, params: dict, fields: dict) -> None:
    """An end block: the call is over; its notification says how the block went."""
    with one_writer(), transaction.atomic(using=SANDBOX_DB):
        txn = _locked(txn_id)
        already_ended = txn.ended_at is not None
        if not already_ended:
            now = timezone.now()
            txn.status1 = ANSWERED
            txn.duration = max(1, math.ceil((now - txn.answered_at).total_seconds()))
            txn.debit = txn.rate * math.ceil(txn.duration / 60)
            txn.ended_at = now
            txn.save()
        session = HoiioSession.objects.get(pk=session_id)
        session.state = HoiioSession.State.ENDED
        session.save(update_fields=["state"])
    if already_ended:
        return
    url = params.get("notify_url") or txn.notify_url
    notify(
        txn, Callback.Kind.HOIIO_IVR, url, ivr_event(session, txn, params.get("tag", ""), **fields)
    )


# --- fax ---------------------------------------------------------------------------


def transmit_fax(txn_id: int, base_url: str) -> None:
    """The fax goes through or not (its number's `fax`), then Hoiio notifies."""
    with one_writer(), transaction.atomic(using=SANDBOX_DB):
        txn = _locked(txn_id)
        if txn is None:
            return
        txn.status = phone(txn.dest).fax
        txn.save(update_fields=["status"])
    notify(txn, Callback.Kind.HOIIO_FAX, txn.notify_url, fax_entry(txn, base_url))


def forward_fax(txn_id: int, base_url: str) -> None:
    txn = HoiioTransaction.objects.select_related("account").get(pk=txn_id)
    number = HoiioNumber.objects.filter(number=txn.dest).first()
    url = number.forward_to if number and number.mode == "fax" else ""
    notify(txn, Callback.Kind.HOIIO_FAX_IN, url, fax_entry(txn, base_url))


def forward_sms(txn_id: int) -> None:
    txn = HoiioTransaction.objects.select_related("account").get(pk=txn_id)
    number = HoiioNumber.objects.filter(number=txn.dest).first()
    body = {
        "txn_ref": txn.txn_ref,
        "from": txn.src,
        "to": txn.dest,
        "msg": txn.msg,
        "date": hoiio_date(txn.created_at),
        **_charge(txn),
    }
    notify(txn, Callback.Kind.HOIIO_SMS_IN, number.forward_sms_to if number else "", body)
