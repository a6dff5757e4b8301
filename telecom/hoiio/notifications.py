"""What Hoiio posts to a `notify_url` (form fields), read and checked.

Hoiio posts a notification for an SMS's delivery status, a call's status,
each IVR event (with the `session`), a fax's status, and for an SMS or fax
arriving on a rented number (to the number's forwarding URLs). Each parser
takes the posted fields (a QueryDict or dict) and returns a typed value, or
raises `NotificationError` naming the field. Statuses outside the SDK's
lists (`CallStatus`, `SmsStatus`, `FaxStatus` in its `__init__`) are
refused, so a garbled status never overwrites a good one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from telecom.hoiio import wire
from telecom.hoiio.records import CallRecord, Charge, FaxRecord, SmsRecord
from telecom.msisdn import try_normalize
from telecom.outbound_urls import OutboundUrlRefused, check_syntax

SMS_STATUSES = ("queued", "delivered", "failed", "error", "received")
CALL_STATUSES = ("answered", "unanswered", "failed", "busy", "ongoing")
FAX_STATUSES = CALL_STATUSES
CALL_STATES = ("ringing", "ongoing", "ended")
MAX_TEXT = 2000


class NotificationError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _text(data, name: str, *, limit: int = 200, required: bool = False) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise NotificationError(name, "This field is required.")
        return ""
    if not isinstance(value, str):
        raise NotificationError(name, "must be text")
    if len(value) > limit:
        raise NotificationError(name, f"is longer than {limit} characters")
    return value.replace("\x00", "\ufffd")


def _choice(data, name: str, choices: tuple[str, ...], *, required: bool = False) -> str:
    value = _text(data, name, required=required).lower()
    if value and value not in choices:
        raise NotificationError(name, f"must be one of {', '.join(choices)}")
    return value


def _number(data, name: str, *, required: bool = False) -> str:
    value = _text(data, name, limit=32, required=required)
    if not value:
        return ""
    number = try_normalize(value)
    if number is None:
        raise NotificationError(name, "is not a phone number")
    return number


def _amount(data, name: str) -> Decimal | None:
    value = _text(data, name, limit=32)
    if not value:
        return None
    amount = wire.decimal(value)
    if amount is None or abs(amount) > Decimal("1000000"):
        raise NotificationError(name, "must be an amount")
    return amount


def _count(data, name: str) -> int | None:
    value = _text(data, name, limit=12)
    if not value:
        return None
    if not value.isdigit():
        raise NotificationError(name, "must be a whole number")
    return int(value)


def _reference(data, *, required: bool = True) -> tuple[str, str]:
    txn_ref = _text(data, "txn_ref", limit=64)
    tag = _text(data, "tag", limit=64)
    if required and not txn_ref and not tag:
        raise NotificationError("txn_ref", "a txn_ref or a tag is required")
    return txn_ref, tag


def _charge(data) -> Charge:
    """The cost fields, read as strictly as the rest of a notification."""
    return Charge(
        currency=_text(data, "currency", limit=3),
        rate=_amount(data, "rate"),
        debit=_amount(data, "debit"),
    )


def sms_report(data) -> SmsRecord:
    txn_ref, tag = _reference(data)
    return SmsRecord(
        txn_ref=txn_ref,
        tag=tag,
        bulk_txn_ref=_text(data, "bulk_txn_ref", limit=64),
        dest=_number(data, "dest"),
        sms_status=_choice(data, "sms_status", SMS_STATUSES, required=True),
        date=wire.parse_datetime(data.get("date")),
        split_count=_count(data, "split_count"),
        charge=_charge(data),
    )


@dataclass(frozen=True)
class IncomingSms:
    txn_ref: str
    sender: str
    to: str
    msg: str
    date: datetime | None


def incoming_sms(data) -> IncomingSms:
    return IncomingSms(
        txn_ref=_text(data, "txn_ref", limit=64, required=True),
        sender=_number(data, "from", required=True),
        to=_number(data, "to"),
        msg=_text(data, "msg", limit=MAX_TEXT),
        date=wire.parse_datetime(data.get("date")),
    )


def call_report(data) -> CallRecord:
    txn_ref, tag = _reference(data)
    return CallRecord(
        txn_ref=txn_ref,
        tag=tag,
        date=wire.parse_datetime(data.get("date")),
        dest1=_number(data, "dest1"),
        dest2=_number(data, "dest2"),
        call_status_dest1=_choice(data, "call_status_dest1", CALL_STATUSES, required=True),
        call_status_dest2=_choice(data, "call_status_dest2", CALL_STATUSES),
        duration=_count(data, "duration"),
        room=_text(data, "room", limit=64),
        charge=_charge(data),
    )


@dataclass(frozen=True)
class IvrEvent:
    """An IVR notification. A call arriving on a number in voice mode comes
    as `call_state=ringing` with the new `session`, the caller (`from`) and
    the number called (`to`); Hoiio then waits for a block, which answers it."""

    session: str
    call_state: str
    txn_ref: str
    tag: str
    dest: str
    digits: str | None
    record_url: str
    transfer_status: str
    call_status: str
    duration: int | None
    charge: Charge
    caller: str = ""
    to: str = ""

    @property
    def ended(self) -> bool:
        return self.call_state == "ended"

    @property
    def ringing(self) -> bool:
        return self.call_state == "ringing"


def ivr_event(data) -> IvrEvent:
    digits = data.get("digits")
    if digits is not None:
        digits = _text(data, "digits", limit=64)
        if digits and not all(c in "0123456789*#" for c in digits):
            raise NotificationError("digits", "must be keypad keys")
    record_url = _text(data, "record_url", limit=500)
    if record_url and not record_url.startswith(("http://", "https://")):
        raise NotificationError("record_url", "must be an http(s) URL")
    return IvrEvent(
        session=_text(data, "session", limit=64, required=True),
        call_state=_choice(data, "call_state", CALL_STATES, required=True),
        txn_ref=_text(data, "txn_ref", limit=64),
        tag=_text(data, "tag", limit=64),
        dest=_number(data, "dest"),
        digits=digits,
        record_url=record_url,
        transfer_status=_choice(data, "transfer_status", CALL_STATUSES),
        call_status=_choice(data, "call_status", CALL_STATUSES),
        duration=_count(data, "duration"),
        charge=_charge(data),
        caller=_number(data, "from"),
        to=_number(data, "to"),
    )


def fax_report(data, *, incoming: bool = False) -> FaxRecord:
    if incoming:
        txn_ref, tag = _text(data, "txn_ref", limit=64, required=True), ""
    else:
        txn_ref, tag = _reference(data)
    fax_url = _text(data, "fax_url", limit=500, required=incoming)
    if fax_url:
        try:
            check_syntax(fax_url)
        except OutboundUrlRefused as exc:
            raise NotificationError("fax_url", exc.refusal) from None
    return FaxRecord(
        txn_ref=txn_ref,
        tag=tag,
        fax_status=_choice(data, "fax_status", FAX_STATUSES, required=not incoming),
        src=_number(data, "src"),
        dest=_number(data, "dest", required=incoming),
        date=wire.parse_datetime(data.get("date")),
        fax_pages=_count(data, "fax_pages"),
        fax_url=fax_url,
        charge=_charge(data),
    )
