"""Validation of the USSD Notify URI's payload (API docs: "USSD").

    {"inboundUSSDMessageList": {"inboundUSSDMessage": [{"datetime",
      "destinationAddress", "message", "senderAddress", "sessionID"}]}}

A session starts with `sessionStart: true` and `message` null, or a list of
the inputs dialed along (`*120*9996*1*2#` gives `['1', '2']`); the docs' own
callback example instead carries the dial string itself as `message`
(`*120*9996*3#`). All three are read as a start with its preset inputs.
"""

import hashlib
import re
from dataclasses import dataclass

from telecom.callbacks.registry import RejectedPayload
from telecom.inbound_payloads import app_destination
from telecom.msisdn import InvalidMsisdn, normalize_msisdn

_DIAL = re.compile(r"^\*\d+(?:\*[0-9A-Za-z]*)*#$")


@dataclass(frozen=True)
class UssdInput:
    session_id: str
    sender: str
    starts: bool
    presets: tuple[str, ...]
    text: str
    key: str  # identifies this very callback, to answer a repeat once


def _reject(field: str, message: str):
    raise RejectedPayload(f"{field}: {message}", {field: [message]})


def dial_inputs(dial: str, shortcode: str) -> list[str]:
    """The inputs after the app's code in `*120*<suffix>*1*2#`."""
    parts = dial.strip("#").split("*")[1:]
    suffix = shortcode[-4:]
    # What follows the app's code; for a dial of another shape, what follows two codes.
    rest = parts[parts.index(suffix) + 1 :] if suffix in parts else parts[2:]
    return [p for p in rest if p]


def parse_ussd(data, shortcode: str) -> list[UssdInput]:
    if not isinstance(data, dict) or not isinstance(data.get("inboundUSSDMessageList"), dict):
        _reject("inboundUSSDMessageList", "This field is required.")
    entries = data["inboundUSSDMessageList"].get("inboundUSSDMessage")
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list) or not entries or len(entries) > 20:
        _reject("inboundUSSDMessageList.inboundUSSDMessage", "expected a list of messages")
    return [_one(entry, i, shortcode) for i, entry in enumerate(entries)]


def _one(entry, index: int, shortcode: str) -> UssdInput:
    prefix = f"inboundUSSDMessage[{index}]"
    if not isinstance(entry, dict):
        _reject(prefix, "expected an object")
    session_id = entry.get("sessionID")
    if (
        not isinstance(session_id, (str, int))
        or not str(session_id).strip()
        or len(str(session_id)) > 64
    ):
        _reject(f"{prefix}.sessionID", "This field is required.")
    try:
        sender = normalize_msisdn(entry.get("senderAddress"))
    except InvalidMsisdn as exc:
        _reject(f"{prefix}.senderAddress", str(exc))
    app_destination(entry.get("destinationAddress"), shortcode, prefix)
    message = entry.get("message")
    starts = entry.get("sessionStart") is True or str(entry.get("sessionStart")).lower() == "true"
    presets: list[str] = []
    text = ""
    if message is None:
        starts = True
    elif isinstance(message, list):
        if not all(isinstance(m, (str, int)) for m in message) or len(message) > 20:
            _reject(f"{prefix}.message", "a list of inputs must hold text")
        starts, presets = True, [str(m) for m in message]
    elif isinstance(message, (str, int)):
        text = str(message)
        if len(text) > 200:
            _reject(f"{prefix}.message", "is too long")
        if _DIAL.match(text.strip()):
            starts, presets, text = True, dial_inputs(text.strip(), shortcode), ""
    else:
        _reject(f"{prefix}.message", "must be text, a list of inputs, or null")
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
