"""Globe's Notify URI: the inbound SMS batch, read into `InboundSms` (API
docs: "Receiving SMS", "Receiving Multi-Part SMS").

The platform is loose about types: `numberOfMessagesInThisBatch` comes as a
number or a string, `messageId` may be null, `multipartSeqNum` is a string,
`senderAddress` is `tel:+63...` in the API docs and a bare `9171234567` in
the SDK's. Each is accepted; what cannot be understood is a
`RejectedPayload` naming the field.

In the documented multipart example every part arrives in its own POST
carrying `"numberOfMessagesInThisBatch": "2"`: for multipart messages Hatid
reads that number as the count of parts to expect.
"""

from telecom.dates import parse_globe_datetime
from telecom.globe.inbound.fields import app_destination, count, reject, subscriber_number
from telecom.inbound_events import InboundSms

MAX_TEXT = 2000


def parse_inbound(data, shortcode: str) -> list[InboundSms]:
    """The batch's messages; an empty batch (`"inboundSMSMessage": []`) is an
    empty list, which the handler answers 200 with a note: the platform
    expects a 200 from the Notify URI for every request (API docs, "The
    following are the minimum expectations"), and a 400 would only make it
    send the empty batch again."""
    if not isinstance(data, dict) or not isinstance(data.get("inboundSMSMessageList"), dict):
        reject("inboundSMSMessageList", "This field is required.")
    batch = data["inboundSMSMessageList"]
    entries = batch.get("inboundSMSMessage")
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        reject("inboundSMSMessageList.inboundSMSMessage", "expected a list of messages")
    if len(entries) > 100:
        reject("inboundSMSMessageList.inboundSMSMessage", "too many messages in one batch")
    batch_count = count(
        batch.get("numberOfMessagesInThisBatch"),
        "inboundSMSMessageList.numberOfMessagesInThisBatch",
    )
    return [_parse_one(entry, i, batch_count, shortcode) for i, entry in enumerate(entries)]


def _parse_one(entry, index: int, batch_count, shortcode: str) -> InboundSms:
    prefix = f"inboundSMSMessage[{index}]"
    if not isinstance(entry, dict):
        reject(prefix, "expected an object")
    text = entry.get("message")
    if not isinstance(text, str):
        reject(f"{prefix}.message", "This field is required.")
    if len(text) > MAX_TEXT:
        reject(f"{prefix}.message", "is too long")
    # PostgreSQL cannot store NUL in text; the raw callback keeps the original.
    text = text.replace("\x00", "\ufffd")
    sender = subscriber_number(entry.get("senderAddress"), f"{prefix}.senderAddress")
    destination = app_destination(entry.get("destinationAddress"), shortcode, prefix)
    message_id = entry.get("messageId")
    if message_id is not None and not isinstance(message_id, (str, int)):
        reject(f"{prefix}.messageId", "must be text")
    sent_at = None
    if entry.get("dateTime"):
        try:
            sent_at = parse_globe_datetime(str(entry["dateTime"]))
        except ValueError:
            sent_at = None  # a date we cannot read is no reason to lose the message
    ref = entry.get("multipartRefId")
    seq = count(entry.get("multipartSeqNum"), f"{prefix}.multipartSeqNum")
    if ref not in (None, ""):
        if not isinstance(ref, (str, int)) or len(str(ref)) > 64:
            reject(f"{prefix}.multipartRefId", "must be text of at most 64 characters")
        if not seq:
            reject(f"{prefix}.multipartSeqNum", "is required for a multipart message")
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
