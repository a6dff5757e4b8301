"""Validation of the Notify URI's inbound SMS payload (API docs: "Receiving
SMS", "Receiving Multi-Part SMS").

The platform is loose about types: `numberOfMessagesInThisBatch` comes as a
number or a string, `messageId` may be null, `multipartSeqNum` is a string,
`senderAddress` is `tel:+63...` in the API docs and a bare `9171234567` in
the SDK's. Each is accepted; what cannot be understood is a
`RejectedPayload` naming the field.

In the documented multipart example every part arrives in its own POST
carrying `"numberOfMessagesInThisBatch": "2"`: for multipart messages Hatid
reads that number as the count of parts to expect.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from telecom.callbacks.registry import RejectedPayload
from telecom.dates import parse_globe_datetime
from telecom.msisdn import InvalidMsisdn, normalize_msisdn

MAX_TEXT = 2000


@dataclass(frozen=True)
class InboundSms:
    message_id: str | None
    text: str
    sender: str  # E.164
    destination: str
    sent_at: datetime | None
    multipart_ref: str | None
    multipart_seq: int | None
    multipart_total: int | None

    @property
    def platform_key(self) -> str:
        """messageId, or a hash of everything the platform told us."""
        if self.message_id:
            return f"id:{self.message_id}"[:80]
        material = "\x1f".join(
            [
                self.sender,
                self.destination,
                self.sent_at.isoformat() if self.sent_at else "",
                self.text,
            ]
        )
        return "sha256:" + hashlib.sha256(material.encode()).hexdigest()


def _reject(field: str, message: str):
    raise RejectedPayload(f"{field}: {message}", {field: [message]})


def _count(value, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        _reject(field, "must be a number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        _reject(field, "must be a number")
    if not 0 <= number <= 1000:
        _reject(field, "is out of range")
    return number


def app_destination(value, shortcode: str, prefix: str) -> str:
    """The `destinationAddress` (`tel:21581234`, `21581234` or its last digits),
    or a rejection when it names another app's code: a callback for another
    app was sent to this one's URI. SMS MO and USSD both check it."""
    destination = str(value or "").removeprefix("tel:").lstrip("+")
    if destination and not (destination == shortcode or shortcode.endswith(destination)):
        _reject(f"{prefix}.destinationAddress", f"{destination} is not this app's shortcode")
    return destination


def parse_inbound(data, shortcode: str) -> list[InboundSms]:
    """The batch's messages; an empty batch (`"inboundSMSMessage": []`) is an
    empty list, which the handler answers 200 with a note: the platform
    expects a 200 from the Notify URI for every request (API docs, "The
    following are the minimum expectations"), and a 400 would only make it
    send the empty batch again."""
    if not isinstance(data, dict) or not isinstance(data.get("inboundSMSMessageList"), dict):
        _reject("inboundSMSMessageList", "This field is required.")
    batch = data["inboundSMSMessageList"]
    entries = batch.get("inboundSMSMessage")
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        _reject("inboundSMSMessageList.inboundSMSMessage", "expected a list of messages")
    if len(entries) > 100:
        _reject("inboundSMSMessageList.inboundSMSMessage", "too many messages in one batch")
    batch_count = _count(
        batch.get("numberOfMessagesInThisBatch"),
        "inboundSMSMessageList.numberOfMessagesInThisBatch",
    )
    return [_parse_one(entry, i, batch_count, shortcode) for i, entry in enumerate(entries)]


def _parse_one(entry, index: int, batch_count, shortcode: str) -> InboundSms:
    prefix = f"inboundSMSMessage[{index}]"
    if not isinstance(entry, dict):
        _reject(prefix, "expected an object")
    text = entry.get("message")
    if not isinstance(text, str):
        _reject(f"{prefix}.message", "This field is required.")
    if len(text) > MAX_TEXT:
        _reject(f"{prefix}.message", "is too long")
    # PostgreSQL cannot store NUL in text; the raw callback keeps the original.
    text = text.replace("\x00", "\ufffd")
    try:
        sender = normalize_msisdn(entry.get("senderAddress"))
    except InvalidMsisdn as exc:
        _reject(f"{prefix}.senderAddress", str(exc))
    destination = app_destination(entry.get("destinationAddress"), shortcode, prefix)
    message_id = entry.get("messageId")
    if message_id is not None and not isinstance(message_id, (str, int)):
        _reject(f"{prefix}.messageId", "must be text")
    sent_at = None
    if entry.get("dateTime"):
        try:
            sent_at = parse_globe_datetime(str(entry["dateTime"]))
        except ValueError:
            sent_at = None  # a date we cannot read is no reason to lose the message
    ref = entry.get("multipartRefId")
    seq = _count(entry.get("multipartSeqNum"), f"{prefix}.multipartSeqNum")
    if ref not in (None, ""):
        if not isinstance(ref, (str, int)) or len(str(ref)) > 64:
            _reject(f"{prefix}.multipartRefId", "must be text of at most 64 characters")
        if not seq:
            _reject(f"{prefix}.multipartSeqNum", "is required for a multipart message")
    else:
        ref, seq = None, None
    return InboundSms(
        message_id=str(message_id) if message_id not in (None, "") else None,
        text=text,
        sender=sender,
        destination=destination or shortcode,
        sent_at=sent_at,
        multipart_ref=str(ref) if ref is not None else None,
        multipart_seq=seq,
        multipart_total=batch_count if ref is not None else None,
    )
