"""The sandbox's own reading of a Tropo WebAPI document: what the platform
takes from an app's voice URI, and the one form the player runs it in.

Written from the documents, not from Hatid: the Globe Connect SDK doc's Voice
examples (the documents Globe Labs shows its platform receiving) and the
Tropo WebAPI reference those follow (one page per verb: its options, which
are required, their types). It deliberately does not import `voiceflows`
(Hatid's renderer): a twin that validated with the renderer's own loader
would accept every document the renderer gets wrong. A test keeps it so.

`read(document)` returns the verbs in order as `[name, options]` pairs, with
options normalised where the documents write one thing two ways:

- a transfer's cancel key: `"choices": {"terminator": "*"}` (Tropo's
  reference) or `"terminator": "*"` on the transfer itself (the SDK doc's
  whisper example, from `transfer.terminator("*")`): both become `choices`;
- `allowSignals`: a signal's name or a list of them (Tropo: "String or
  Array", `""` for uninterruptible, default `"*"`), or `true`/`false` (the
  SDK doc's wait example): `true` is read as `"*"`, `false` as `""`;
- an option set to null is unset, an option-less verb may be `null`
  (`"hangup": null`), as Tropo's own libraries write them.

Anything else that is not in the reference is a `DocumentError` naming where
(`tropo[1].wait: milliseconds is required`): an unknown verb or option, a
missing required option, a value of the wrong type.
"""

import math
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any, str], Any]


class DocumentError(ValueError):
    """The app's answer is not a Tropo document the platform runs."""


def _what(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return repr(value)[:40]


def _fail(where: str, problem: str):
    raise DocumentError(f"{where}: {problem}")


# --- values ------------------------------------------------------------------------


def text(value, where):
    if not isinstance(value, str) or not value.strip():
        _fail(where, f"must be non-empty text, not {_what(value)}")
    return value


def one_of(*allowed: str) -> Check:
    def check(value, where):
        if value not in allowed:
            _fail(where, f"must be one of {', '.join(allowed)}, not {_what(value)}")
        return value

    return check


def whole(value, where):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        _fail(where, f"must be a whole number from 0, not {_what(value)}")
    return value


def seconds(value, where):
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or not 0 <= value < 2**31:
        _fail(where, f"must be a number from 0, not {_what(value)}")
    return value


def flag(value, where):
    if not isinstance(value, bool):
        _fail(where, f"must be true or false, not {_what(value)}")
    return value


def key(value, where):
    if not isinstance(value, str) or not re.fullmatch(r"[0-9*#]", value):
        _fail(where, f"must be one touch-tone key (0-9, * or #), not {_what(value)}")
    return value


def destinations(value, where):
    """`to`: a number or address, or a list of them (the first to answer wins)."""
    if isinstance(value, list) and value:
        return [text(item, f"{where}[{i}]") for i, item in enumerate(value)]
    return text(value, where)


def signals(value, where):
    if isinstance(value, bool):
        return "*" if value else ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(s, str) and s for s in value):
        return value
    _fail(where, f"must be a signal name, a list of them, true or false, not {_what(value)}")


def headers(value, where):
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        _fail(where, f"must be an object of header names to text, not {_what(value)}")
    return value


def terminator_only(value, where):
    """A record's or transfer's `choices`: only the terminator means anything there."""
    if not isinstance(value, dict) or set(value) != {"terminator"}:
        _fail(where, f'must be {{"terminator": "<key>"}}, not {_what(value)}')
    return {"terminator": key(value["terminator"], f"{where}.terminator")}


# --- objects -----------------------------------------------------------------------


def obj(required: tuple[str, ...], options: dict[str, Check]) -> Check:
    """An object with these options (required ones listed first)."""

    def check(value, where):
        if value is None and not required:
            value = {}
        if not isinstance(value, dict):
            _fail(where, f"must be an object, not {_what(value)}")
        read = {}
        for name, item in value.items():
            if name not in options:
                _fail(where, f"has no option {_what(name)} (it takes {', '.join(options)})")
            if item is not None:
                read[name] = options[name](item, f"{where}.{name}")
        for name in required:
            if name not in read:
                _fail(where, f"{name} is required")
        return read

    check.options = tuple(options)
    return check


def one_or_many(check: Check) -> Check:
    def many(value, where):
        if isinstance(value, list):
            if not value:
                _fail(where, "must not be an empty list")
            return [check(item, f"{where}[{i}]") for i, item in enumerate(value)]
        return check(value, where)

    return many


def flag_or(check: Check) -> Check:
    def either(value, where):
        return value if isinstance(value, bool) else check(value, where)

    return either


SAY = obj(
    ("value",),
    {
        "value": text,
        "allowSignals": signals,
        "as": one_of("DATE", "DIGITS", "NUMBER"),
        # timeout, nomatch, nomatch:N, several separated by spaces (ask and record prompts)
        "event": text,
        "name": text,
        "required": flag,
        "voice": text,
    },
)
PROMPTS = one_or_many(SAY)
CHOICES = obj(
    ("value",),
    {"value": text, "mode": one_of("any", "dtmf", "speech"), "terminator": key},
)
ASK = obj(
    ("choices", "say"),
    {
        "choices": CHOICES,
        "say": PROMPTS,
        "allowSignals": signals,
        "attempts": whole,
        "bargein": flag,
        "interdigitTimeout": seconds,
        "minConfidence": whole,
        "name": text,
        "recognizer": text,
        "required": flag,
        "sensitivity": seconds,
        "speechCompleteTimeout": seconds,
        "speechIncompleteTimeout": seconds,
        "timeout": seconds,
        "voice": text,
    },
)
MESSAGE = obj(
    ("say", "to"),
    {
        "say": PROMPTS,
        "to": destinations,
        "answerOnMedia": flag,
        "channel": one_of("VOICE", "TEXT"),
        "from": text,
        "name": text,
        "network": text,
        "required": flag,
        "timeout": seconds,
        "voice": text,
    },
)
WAIT = obj(("milliseconds",), {"milliseconds": whole, "allowSignals": signals})
ON = obj(
    ("event",),
    {
        "event": text,
        "ask": ASK,
        "message": MESSAGE,
        "name": text,
        "next": text,
        "post": text,
        "required": flag,
        "say": PROMPTS,
        "wait": WAIT,
    },
)
AUDIO = one_of("audio/wav", "audio/mp3", "audio/au")
RECORDING = obj(
    ("url",),
    {
        "url": text,
        "asyncUpload": flag,
        "format": AUDIO,
        "method": text,
        "password": text,
        "transcriptionEmailFormat": text,
        "transcriptionID": text,
        "transcriptionOutURI": text,
        "username": text,
    },
)
MACHINE_DETECTION = flag_or(obj(("introduction",), {"introduction": text, "voice": text}))
CONFERENCE_PROMPT = flag_or(obj(("value",), {"value": text, "voice": text}))


def _transfer_handlers(value, where):
    """A transfer's `on`: `ring` (what the caller hears) and `connect` (run on
    the far end before joining; an ask there is the whisper)."""
    handlers = one_or_many(ON)(value, where)
    for i, handler in enumerate(handlers if isinstance(handlers, list) else [handlers]):
        if handler["event"] not in ("ring", "connect"):
            _fail(f"{where}[{i}].event", f"must be ring or connect, not {_what(handler['event'])}")
    return handlers


VERBS: dict[str, Check] = {
    "say": SAY,
    "ask": ASK,
    "on": ON,
    "message": MESSAGE,
    "wait": WAIT,
    "call": obj(
        ("to",),
        {
            "to": destinations,
            "allowSignals": signals,
            "answerOnMedia": flag,
            "channel": one_of("VOICE", "TEXT"),
            "from": text,
            "headers": headers,
            "machineDetection": MACHINE_DETECTION,
            "name": text,
            "network": text,
            "recording": one_or_many(RECORDING),
            "required": flag,
            "timeout": seconds,
            "voice": text,
        },
    ),
    "conference": obj(
        ("id",),
        {
            "id": text,
            "allowSignals": signals,
            "interdigitTimeout": seconds,
            "joinPrompt": CONFERENCE_PROMPT,
            "leavePrompt": CONFERENCE_PROMPT,
            "mute": flag,
            "name": text,
            "playTones": flag,
            "required": flag,
            "terminator": key,
        },
    ),
    "hangup": obj((), {"headers": headers}),
    "record": obj(
        ("url",),
        {
            "url": text,
            "allowSignals": signals,
            "asyncUpload": flag,
            "attempts": whole,
            "bargein": flag,
            "beep": flag,
            "choices": terminator_only,
            "format": AUDIO,
            "interdigitTimeout": seconds,
            "maxSilence": seconds,
            "maxTime": seconds,
            "method": text,
            "minConfidence": whole,
            "name": text,
            "password": text,
            "required": flag,
            "say": PROMPTS,
            "timeout": seconds,
            "transcription": one_or_many(
                obj(("url",), {"url": text, "emailFormat": text, "id": text})
            ),
            "username": text,
            "voice": text,
        },
    ),
    "redirect": obj(("to",), {"to": text, "name": text, "required": flag}),
    "reject": obj((), {}),
    "startRecording": RECORDING,
    "stopRecording": obj((), {}),
    "transfer": obj(
        ("to",),
        {
            "to": destinations,
            "allowSignals": signals,
            "answerOnMedia": flag,
            "choices": terminator_only,
            "from": text,
            "headers": headers,
            "interdigitTimeout": seconds,
            "machineDetection": MACHINE_DETECTION,
            "name": text,
            "on": _transfer_handlers,
            "playTones": flag,
            "required": flag,
            "ringRepeat": whole,
            "terminator": key,
            "timeout": seconds,
            "voice": text,
        },
    ),
}


def _transfer_terminator(options: dict, where: str) -> dict:
    """One place for a transfer's cancel key: `choices`, whichever way it came."""
    if "terminator" not in options:
        return options
    if "choices" in options:
        _fail(where, "has its terminator twice (terminator and choices.terminator)")
    options = dict(options)
    options["choices"] = {"terminator": options.pop("terminator")}
    return options


def read(document: Any) -> list[list]:
    """The document's verbs as `[name, options]`, normalised; DocumentError if
    the platform would not run it."""
    if not isinstance(document, dict) or set(document) != {"tropo"}:
        _fail("document", f'must be {{"tropo": [...]}}, not {_what(document)}')
    items = document["tropo"]
    if not isinstance(items, list) or not items:
        _fail("tropo", f"must be a non-empty list of verbs, not {_what(items)}")
    verbs = []
    for index, item in enumerate(items):
        where = f"tropo[{index}]"
        if not isinstance(item, dict) or len(item) != 1:
            _fail(where, f"must be an object naming one verb, not {_what(item)}")
        ((name, options),) = item.items()
        if name not in VERBS:
            _fail(where, f"{_what(name)} is not a Tropo verb ({', '.join(VERBS)})")
        options = VERBS[name](options, f"{where}.{name}")
        if name == "transfer":
            options = _transfer_terminator(options, f"{where}.transfer")
        verbs.append([name, options])
    return verbs
