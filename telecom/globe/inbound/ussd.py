"""Globe's USSD Notify URI: its payload, read into `UssdInput` (API docs: "USSD").

    {"inboundUSSDMessageList": {"inboundUSSDMessage": [{"datetime",
      "destinationAddress", "message", "senderAddress", "sessionID"}]}}

A session starts with `sessionStart: true` and `message` null, or a list of
the inputs dialed along (`*120*9996*1*2#` gives `['1', '2']`); the docs' own
callback example instead carries the dial string itself as `message`
(`*120*9996*3#`). All three are read as a start with its preset inputs.
"""

import hashlib
import re

from telecom.globe.inbound.fields import app_destination, reject, subscriber_number
from telecom.inbound_events import UssdInput

_DIAL = re.compile(r"^\*\d+(?:\*[0-9A-Za-z]*)*#$")


def dial_inputs(dial: str, shortcode: str) -> list[str]:
    """The inputs after the app's code in `*120*<suffix>*1*2#`."""
    parts = dial.strip("#").split("*")[1:]
    suffix = shortcode[-4:]
    # What follows the app's code; for a dial of another shape, what follows two codes.
    rest = parts[parts.index(suffix) + 1 :] if suffix in parts else parts[2:]
    return [p for p in rest if p]


def parse_ussd(data, shortcode: str) -> list[UssdInput]:
    if not isinstance(data, dict) or not isinstance(data.get("inboundUSSDMessageList"), dict):
        reject("inboundUSSDMessageList", "This field is required.")
    entries = data["inboundUSSDMessageList"].get("inboundUSSDMessage")
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list) or not entries or len(entries) > 20:
        reject("inboundUSSDMessageList.inboundUSSDMessage", "expected a list of messages")
    return [_one(entry, i, shortcode) for i, entry in enumerate(entries)]


def _one(entry, index: int, shortcode: str) -> UssdInput:
    prefix = f"inboundUSSDMessage[{index}]"
    if not isinstance(entry, dict):
        reject(prefix, "expected an object")
    session_id = entry.get("sessionID")
    if (
        not isinstance(session_id, (str, int))
        or not str(session_id).strip()
        or len(str(session_id)) > 64
    ):
        reject(f"{prefix}.sessionID", "This field is required.")
    sender = subscriber_number(entry.get("senderAddress"), f"{prefix}.senderAddress")
    app_destination(entry.get("destinationAddress"), shortcode, prefix)
    message = entry.get("message")
    starts = entry.get("sessionStart") is True or str(entry.get("sessionStart")).lower() == "true"
    presets: list[str] = []
    text = ""
    if message is None:
        starts = True
    elif isinstance(message, list):
        if not all(isinstance(m, (str, int)) for m in message) or len(message) > 20:
            reject(f"{prefix}.message", "a list of inputs must hold text")
        starts, presets = True, [str(m) for m in message]
    elif isinstance(message, (str, int)):
        text = str(message)
        if len(text) > 200:
            reject(f"{prefix}.message", "is too long")
        if _DIAL.match(text.strip()):
            starts, presets, text = True, dial_inputs(text.strip(), shortcode), ""
    else:
        reject(f"{prefix}.message", "must be text, a list of inputs, or null")
    material = "\x1f".join(
        [str(session_id), str(entry.get("datetime", "")), repr(message), str(starts)]
    )
    return UssdInput(
        session_id=str(session_id).strip(),
        sender=sender,
        starts=starts,
        presets=tuple(presets),
        text=text,
        key=hashlib.sha256(material.encode()).hexdigest(),
    )
