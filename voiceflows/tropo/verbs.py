"""The Tropo WebAPI verbs: one frozen dataclass each, fields in Tropo's words.

A flow is a list of these; `render` turns it into the `{"tropo": [...]}`
document the platform runs, `load` turns such a document back into verbs.
Building one validates it: a missing required option or a value of the wrong
type raises TropoError naming the verb and the option.

Python names are Tropo's keys in snake case (`ringRepeat` -> `ring_repeat`;
`from` and `as` become `from_` and `as_`). Options are keyword-only except the
required ones, which may be given in order: `Wait(5000)`, `Say("Hello")`.

Sources: the Tropo WebAPI reference (docs.voxeo.com/webapi/2.0 and
tropo.com/docs/webapi, one page per verb) for keys, types and what is
required; the Globe Connect SDK (globe 1.0.52, `voiceLib/`) for the options
the Globe Labs docs' examples leave out.
"""

import inspect
from dataclasses import dataclass
from typing import Any

from .options import (
    DTMF_KEY,
    Flag,
    FlagOr,
    Headers,
    Integer,
    Kind,
    Nested,
    Number,
    OneOrMany,
    Terminator,
    Text,
    TextOrList,
    TropoObject,
    Verb,
    option,
)
from .prompts import (
    SIGNALS,
    Choices,
    ConferencePrompt,
    MachineDetection,
    Say,
    Transcription,
)

# A call or transfer destination: `tel:+639171234567`, `sip:...`, or the
# number as the Globe Labs examples write it (`9065272450`). Kept as given.
DESTINATIONS = TextOrList(noun="a destination")

# Tropo's record and startRecording references: "'audio/wav', 'audio/mp3' or 'audio/au'".
AUDIO_FORMATS = ("audio/wav", "audio/mp3", "audio/au")

# Tropo's call reference: "For phone calls it is "VOICE", for SMS ... "TEXT"".
CHANNELS = ("VOICE", "TEXT")

PROMPTS = OneOrMany(Say)

# Options several verbs take alike, by Python name: (type, Tropo key, kind).
Options = dict[str, tuple[Any, str, Kind]]
NAMED: Options = {"name": (str, "name", Text()), "required": (bool, "required", Flag())}
INTERRUPTIBLE: Options = {"allow_signals": (str | tuple[str, ...], "allowSignals", SIGNALS)}
# What the caller hears and how long an outbound leg may ring (call, message, transfer).
CALLER: Options = {
    "answer_on_media": (bool, "answerOnMedia", Flag()),
    "from_": (str, "from", Text()),
    "timeout": (float, "timeout", Number()),
    "voice": (str, "voice", Text()),
}
NETWORK: Options = {
    "channel": (str, "channel", Text(allowed=CHANNELS)),
    "network": (str, "network", Text()),
}
# A leg Hatid connects: SIP headers and answering-machine detection (call, transfer).
CONNECTING: Options = {
    "headers": (dict[str, str], "headers", Headers()),
    "machine_detection": (
        bool | MachineDetection,
        "machineDetection",
        FlagOr(MachineDetection),
    ),
}
# Collecting the caller's input (ask, record).
PROMPTING: Options = {
    "attempts": (int, "attempts", Integer(minimum=1)),
    "bargein": (bool, "bargein", Flag()),
    "interdigit_timeout": (float, "interdigitTimeout", Number()),
    "min_confidence": (int, "minConfidence", Integer()),
    "timeout": (float, "timeout", Number()),
    "voice": (str, "voice", Text()),
}
# Uploading a recording (record, startRecording).
UPLOAD: Options = {
    "async_upload": (bool, "asyncUpload", Flag()),
    "format": (str, "format", Text(allowed=AUDIO_FORMATS)),
    "method": (str, "method", Text()),
    "password": (str, "password", Text()),
    "username": (str, "username", Text()),
}


def verb(*groups: Options):
    """Make a verb class: the frozen dataclass of the options it declares with
    `option()` and of the option `groups` it shares with other verbs. After the
    positional options, in the order declared, come the others in the order
    of their Tropo keys (as Tropo's reference lists them, and as they render)."""

    def build(cls: type) -> type:
        annotations = inspect.get_annotations(cls)
        for group in groups:
            for name, (annotation, key, kind) in group.items():
                annotations[name] = annotation
                setattr(cls, name, option(key, kind))

        def place(name: str) -> tuple[bool, str]:
            declared = cls.__dict__[name]
            return (declared.kw_only, declared.metadata["tropo"].key if declared.kw_only else "")

        cls.__annotations__ = {name: annotations[name] for name in sorted(annotations, key=place)}
        return dataclass(frozen=True)(cls)

    return build


def _listed(value: TropoObject | tuple[TropoObject, ...] | None) -> tuple[TropoObject, ...]:
    """An option that takes one object or a list of them, always as a tuple."""
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


def _require_question(verb: TropoObject, prompts: Say | tuple[Say, ...] | None) -> None:
    """An ask's (or record's) prompts need one without an event: the question
    itself. The others only play on a timeout or a nomatch, so a list made of
    them alone leaves the caller in silence."""
    if prompts is None:
        return
    if all(prompt.event for prompt in _listed(prompts)):
        verb.fail(
            "needs one prompt without an event (the question itself); "
            "prompts with an event only play on a timeout or a nomatch",
            option="say",
        )


@verb(INTERRUPTIBLE, NAMED, PROMPTING)
class Ask(Verb):
    """Prompt the caller and collect an answer (DTMF or speech). The answer
    comes back in the next result: `actions.interpretation`, `actions.value`."""

    tropo_name = "ask"

    choices: Choices = option("choices", Nested(Choices), required=True, positional=True)
    say: Say | tuple[Say, ...] = option("say", PROMPTS, required=True, positional=True)
    recognizer: str = option("recognizer", Text())
    sensitivity: float = option("sensitivity", Number())
    speech_complete_timeout: float = option("speechCompleteTimeout", Number())
    speech_incomplete_timeout: float = option("speechIncompleteTimeout", Number())

    def check(self) -> None:
        _require_question(self, self.say)


@verb(CALLER, NAMED, NETWORK)
class Message(Verb):
    """Start a new session that delivers `say` to `to` (a call or an SMS) and
    ends, while the current call goes on."""

    tropo_name = "message"

    say: Say | tuple[Say, ...] = option("say", PROMPTS, required=True, positional=True)
    to: str | tuple[str, ...] = option("to", DESTINATIONS, required=True, positional=True)


@verb(INTERRUPTIBLE)
class Wait(Verb):
    """Pause the call (hold) for `milliseconds`, or until a signal interrupts it."""

    tropo_name = "wait"

    milliseconds: int = option("milliseconds", Integer(), required=True, positional=True)


@verb(NAMED)
class On(Verb):
    """What to do on an event. In a document: `continue`, `incomplete`,
    `error`, `hangup` or a signal's name, usually with `next` (the URL Tropo
    posts the result to). Inside a transfer: `ring` (played to the caller
    while the far end rings) and `connect` (run on the far end before the two
    are joined; an `ask` there joins them only if it succeeds: the whisper)."""

    tropo_name = "on"

    event: str = option("event", Text(), required=True, positional=True)
    ask: Ask = option("ask", Nested(Ask))
    message: Message = option("message", Nested(Message))
    next: str = option("next", Text())
    post: str = option("post", Text())
    say: Say | tuple[Say, ...] = option("say", PROMPTS)
    wait: Wait = option("wait", Nested(Wait))


@verb(UPLOAD)
class StartRecording(Verb):
    """Record the rest of the call (both parties) and upload it to `url`.
    Also the shape of `Call.recording`."""

    tropo_name = "startRecording"

    url: str = option("url", Text(), required=True, positional=True)
    transcription_email_format: str = option("transcriptionEmailFormat", Text())
    transcription_id: str = option("transcriptionID", Text())
    transcription_out_uri: str = option("transcriptionOutURI", Text())


@verb()
class StopRecording(Verb):
    """Stop what `startRecording` started."""

    tropo_name = "stopRecording"


@verb(CALLER, CONNECTING, INTERRUPTIBLE, NAMED, NETWORK)
class Call(Verb):
    """Place an outbound call (only when the session has no call yet: a
    session started with the token), then run the verbs after it."""

    tropo_name = "call"

    to: str | tuple[str, ...] = option("to", DESTINATIONS, required=True, positional=True)
    recording: StartRecording | tuple[StartRecording, ...] = option(
        "recording", OneOrMany(StartRecording)
    )


@verb(INTERRUPTIBLE, NAMED)
class Conference(Verb):
    """Put the caller in conference room `id`."""

    tropo_name = "conference"

    id: str = option("id", Text(), required=True, positional=True)
    interdigit_timeout: float = option("interdigitTimeout", Number())
    join_prompt: bool | ConferencePrompt = option("joinPrompt", FlagOr(ConferencePrompt))
    leave_prompt: bool | ConferencePrompt = option("leavePrompt", FlagOr(ConferencePrompt))
    mute: bool = option("mute", Flag())
    play_tones: bool = option("playTones", Flag())
    terminator: str = option("terminator", DTMF_KEY)


@verb()
class Hangup(Verb):
    """End the call."""

    tropo_name = "hangup"

    headers: dict[str, str] = option("headers", Headers())


@verb()
class Reject(Verb):
    """Refuse an incoming call without answering it."""

    tropo_name = "reject"


@verb(NAMED)
class Redirect(Verb):
    """Send an incoming call, before it is answered, to another destination."""

    tropo_name = "redirect"

    to: str = option("to", Text(), required=True, positional=True)


@verb(INTERRUPTIBLE, NAMED, PROMPTING, UPLOAD)
class Record(Verb):
    """Play a prompt, record the caller, upload the recording to `url`; the
    key in `terminator` ends the recording."""

    tropo_name = "record"

    url: str = option("url", Text(), required=True, positional=True)
    beep: bool = option("beep", Flag())
    terminator: str = option("choices", Terminator())
    max_silence: float = option("maxSilence", Number())
    max_time: float = option("maxTime", Number())
    say: Say | tuple[Say, ...] = option("say", PROMPTS)
    transcription: Transcription | tuple[Transcription, ...] = option(
        "transcription", OneOrMany(Transcription)
    )

    def check(self) -> None:
        _require_question(self, self.say)


@verb(CALLER, CONNECTING, INTERRUPTIBLE, NAMED)
class Transfer(Verb):
    """Connect the caller to `to`. `on` holds the `ring` and `connect`
    handlers (see `On`); the key in `terminator` lets the caller cancel."""

    tropo_name = "transfer"

    to: str | tuple[str, ...] = option("to", DESTINATIONS, required=True, positional=True)
    terminator: str = option("choices", Terminator())
    interdigit_timeout: float = option("interdigitTimeout", Number())
    on: On | tuple[On, ...] = option("on", OneOrMany(On))
    play_tones: bool = option("playTones", Flag())
    ring_repeat: int = option("ringRepeat", Integer(minimum=1))
    # The Globe Connect SDK doc's whisper example (`transfer.terminator("*")`)
    # prints `"terminator": "*"` on the transfer itself, where Tropo's reference
    # puts it in `choices`. The docs contradict the reference; Globe's SDK
    # sends this form to the platform, so Hatid takes and renders it as given,
    # and the players read it as the `choices` terminator (the caller's key to
    # cancel the transfer). One form per transfer.
    sdk_terminator: str = option("terminator", DTMF_KEY)

    def check(self) -> None:
        if self.terminator is not None and self.sdk_terminator is not None:
            self.fail(
                "is given twice; write it once, as choices.terminator (Tropo's reference) "
                "or as terminator (the Globe Connect SDK)",
                option="terminator",
            )
        # Tropo's on reference: "For Transfers, the possible events are "ring",
        # "connect""; ring plays a say, connect runs one verb (or posts).
        for handler in _listed(self.on):
            if handler.event == "ring" and handler.say is None:
                self.fail("'ring' needs a say (what the caller hears while it rings)", option="on")
            elif handler.event == "connect" and not any(
                (handler.ask, handler.say, handler.wait, handler.message, handler.post)
            ):
                self.fail("'connect' needs an ask, say, wait, message or post", option="on")
            elif handler.event not in ("ring", "connect"):
                self.fail(
                    f"events of a transfer are 'ring' and 'connect', not {handler.event!r}",
                    option="on",
                )


# Every verb that may stand in a document, by its Tropo key: every Verb
# subclass (`Say` included, from prompts), the three flows are mostly made of
# first, then the others alphabetically (error messages list them so).
_FIRST = ("say", "ask", "on")


def _listing_order(cls: type[Verb]) -> tuple[int, str]:
    name = cls.tropo_name
    return (_FIRST.index(name) if name in _FIRST else len(_FIRST), name.lower())


VERBS: dict[str, type[Verb]] = {
    cls.tropo_name: cls for cls in sorted(Verb.__subclasses__(), key=_listing_order)
}
