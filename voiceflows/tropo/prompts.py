"""The building blocks verbs are made of: what is said, what is expected back.

`Say` is both a verb and the prompt inside `ask`, `record`, `on` and
`message`; `Choices`, `ConferencePrompt`, `MachineDetection` and
`Transcription` only ever appear inside a verb.

Keys and value types follow the Tropo WebAPI reference (docs.voxeo.com/webapi/
2.0 and tropo.com/docs/webapi: say, ask, conference, call, record), which the
Globe Labs voice platform runs. The Globe Connect SDK (globe 1.0.52,
`voiceLib/`) spells a few of them differently (`interDigitTimeout`,
`transriptionEmailFormat`, `answerToMedia`); Tropo's spelling is used here.
"""

from dataclasses import dataclass

from .options import DTMF_KEY, Flag, Text, TextOrList, TropoObject, Verb, option

# Tropo's reference: "the possible values are DATE, DIGITS and NUMBER".
SAY_AS = ("DATE", "DIGITS", "NUMBER")

# The events a prompt inside an ask or record can be tied to: `timeout`
# (nothing heard), `nomatch` or `nomatch:N` (the Nth unrecognised answer),
# several at once separated by spaces, as in Tropo's own example
# `"event": "nomatch:1 nomatch:2"`.
_EVENT = r"(timeout|nomatch(:[1-9][0-9]*)?)"
PROMPT_EVENT = Text(
    pattern=rf"{_EVENT}( +{_EVENT})*",
    shape="'timeout', 'nomatch' or 'nomatch:N' (several separated by spaces)",
)


class Signals(TextOrList):
    """`allowSignals`: Tropo's reference types it "String or Array" (a signal's
    name, a list of them, `""` for none; default `"*"`, any signal). The Globe
    Connect SDK doc's wait example writes `allowSignals: true`, snippet and
    printed JSON alike, so apps built from the Globe docs send a boolean. The
    docs contradict the reference; the platform is what the SDK talks to, so
    Hatid takes and renders `true`/`false` as given (a flow stored with `true`
    renders `true`), and the players read `true` as Tropo's default `"*"` and
    `false` as `""`."""

    def problem(self, value):
        return None if isinstance(value, bool) else super().problem(value)


SIGNALS = Signals(noun="a signal name", allow_empty=True)


@dataclass(frozen=True)
class Say(Verb):
    """Speak text or play audio: a `value` that is a URL is played as a file
    (Tropo's say reference: "text for the Text to Speech engine or a URL to
    play an audio file").

    `event` ties the prompt to a retry of the ask or record it belongs to
    (`"timeout"`, `"nomatch:1"`); a prompt without an event is the question
    itself.
    """

    tropo_name = "say"

    value: str = option("value", Text(), required=True, positional=True)
    allow_signals: str | tuple[str, ...] = option("allowSignals", SIGNALS)
    as_: str = option("as", Text(allowed=SAY_AS))
    event: str = option("event", PROMPT_EVENT)
    name: str = option("name", Text())
    required: bool = option("required", Flag())
    voice: str = option("voice", Text())


@dataclass(frozen=True)
class Choices(TropoObject):
    """What an ask expects: a grammar (`"[5 DIGITS]"`, `"yes, no"`), how it may
    be given (`mode`), and the key that ends input (`terminator`)."""

    tropo_name = "choices"

    value: str = option("value", Text(), required=True, positional=True)
    # Tropo: "mode ... can be either 'speech', 'dtmf', or 'any'", in lower case.
    mode: str = option("mode", Text(allowed=("any", "dtmf", "speech")))
    terminator: str = option("terminator", DTMF_KEY)


@dataclass(frozen=True)
class ConferencePrompt(TropoObject):
    """What a conference plays when someone joins or leaves (text or audio URL)."""

    tropo_name = "prompt"

    value: str = option("value", Text(), required=True, positional=True)
    voice: str = option("voice", Text())


@dataclass(frozen=True)
class MachineDetection(TropoObject):
    """Answering-machine detection on `call`/`transfer`: the `introduction` is
    played while Tropo listens to who answered."""

    tropo_name = "machineDetection"

    introduction: str = option("introduction", Text(), required=True, positional=True)
    voice: str = option("voice", Text())


@dataclass(frozen=True)
class Transcription(TropoObject):
    """Where a recording's transcription goes: `url` is an http(s) URL or a
    `mailto:` address; `id` comes back with it so it can be matched."""

    tropo_name = "transcription"

    url: str = option("url", Text(), required=True, positional=True)
    email_format: str = option("emailFormat", Text())
    id: str = option("id", Text())
