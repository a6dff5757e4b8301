"""A step's Tropo options as form fields, verb by verb: what an operator fills
in instead of JSON.

`VERB_FIELDS` names, for each step verb, the options the console shows, in
operators' words, each by its path in the verb's options (`choices.value`,
`say` for the question, `say` with an event for a retry's prompt). The kind
of each field is not declared here: it is read from the verb's own option
declarations (`voiceflows.tropo.verbs`), so a whole number stays a whole
number with Tropo's bounds, a choice stays one of Tropo's values, and a path
the verb does not take fails at import. Options without a field (SIP
headers, a transfer's `on` handlers...) stay in the step's JSON, kept as
they are when the fields are edited.

`read` gives a field's value from stored options, `write` puts it back, and
`located` names the field a `TropoError` is about, so the form shows the
problem beside it.
"""

import copy
from dataclasses import dataclass
from typing import Any

from django import forms

from voiceflows.engine import STEP_VERBS
from voiceflows.tropo import VERBS, TropoError
from voiceflows.tropo.options import (
    LARGEST,
    Flag,
    Integer,
    Kind,
    Number,
    Terminator,
    Text,
    TextOrList,
    specs,
)

# Long enough for any prompt, short enough that a pasted book is a form error.
TEXT_LIMIT = 2000


@dataclass(frozen=True)
class OptionField:
    """One option as a form field: its Tropo path, its label, its help; for a
    prompt of an ask or record, the `event` it plays on ("" for the question)."""

    path: str
    label: str
    help: str = ""
    event: str | None = None

    @property
    def keys(self) -> list[str]:
        return self.path.split(".")

    def suffix(self) -> str:
        return "_".join([*self.keys, *([self.event] if self.event else [])])


def _o(path: str, label: str, help: str = "") -> OptionField:
    return OptionField(path, label, help)


def _prompt(label: str, event: str = "", help: str = "") -> OptionField:
    return OptionField("say", label, help, event=event)


VARIABLES = "Variables allowed: {name}."
RING = _o("timeout", "Ring for (seconds)", "How long the far end may ring.")
CALLER_ID = _o("from", "Caller ID", "The number or SIP address the far end sees.")
DESTINATIONS = "One per line: a number (9171234567), tel:+63… or sip:…; the first to answer wins."
VOICE = _o("voice", "Voice", "The text-to-speech voice, e.g. Victor; the platform's when empty.")

# Rows of fields per verb, as the form lays them out.
VERB_FIELDS: dict[str, list[tuple[OptionField, ...]]] = {
    "say": [
        (_o("value", "Say", f"Text to speak, or the URL of an audio file to play. {VARIABLES}"),),
        (VOICE, _o("as", "Read as", "How to read numbers: as a date, digit by digit, a number.")),
    ],
    "ask": [
        (_prompt("Question", help=VARIABLES),),
        (
            _o(
                "choices.value",
                "Choices",
                "Tropo's grammar: 1, 2 or yes, no; [4 DIGITS].",
            ),
            _o("choices.mode", "Answered by", "Keys, speech or either."),
            _o("choices.terminator", "Key that ends the answer"),
        ),
        (
            _o("attempts", "Attempts", "How many times the question is asked."),
            _o("timeout", "Wait for an answer (seconds)"),
            _o("interdigitTimeout", "Wait between keys (seconds)"),
        ),
        (
            _prompt("If the answer is not a choice, say", "nomatch"),
            _prompt("If nothing is heard, say", "timeout"),
        ),
        (
            _o("name", "Keep the answer as", "A variable name; the step's key when empty."),
            _o("bargein", "Caller may answer during the question"),
            VOICE,
        ),
    ],
    "record": [
        (_prompt("Before recording, say", help=VARIABLES),),
        (_o("url", "Upload the recording to", "An http(s) URL the platform posts the file to."),),
        (
            _o("beep", "Beep before recording"),
            _o("maxTime", "Longest recording (seconds)"),
            _o("maxSilence", "Stop after a silence of (seconds)"),
            _o("choices.terminator", "Key that ends the recording"),
        ),
        (
            _o("format", "Audio format"),
            _o("transcription.url", "Send a transcription to", "An http(s) or mailto: URL."),
        ),
        (
            _o("name", "Keep the recording as", "A variable name; the step's key when empty."),
            _o("attempts", "Attempts"),
            _o("timeout", "Wait for sound (seconds)"),
        ),
    ],
    "transfer": [
        (_o("to", "Transfer to", DESTINATIONS),),
        (RING, CALLER_ID, _o("ringRepeat", "Ring tone repeats")),
        (
            _o("choices.terminator", "Key the caller presses to cancel"),
            _o("playTones", "Pass key tones through"),
            _o("answerOnMedia", "Connect on early media"),
        ),
    ],
    "conference": [
        (_o("id", "Conference room", "Everyone sent to the same room talks together."),),
        (
            _o("mute", "Join muted"),
            _o("playTones", "Pass key tones through"),
            _o("terminator", "Key that leaves the conference"),
        ),
    ],
    "wait": [(_o("milliseconds", "Wait (milliseconds)", "1000 is one second."),)],
    "call": [
        (_o("to", "Call", DESTINATIONS),),
        (RING, CALLER_ID, _o("channel", "Channel"), _o("network", "Network")),
    ],
    "message": [
        (_prompt("Message", help=f"Said (or texted) to the destination. {VARIABLES}"),),
        (_o("to", "To", DESTINATIONS),),
        (RING, CALLER_ID, _o("channel", "Channel"), _o("network", "Network")),
    ],
    "hangup": [],
    "reject": [],
    "redirect": [(_o("to", "Redirect to", "A number or SIP address, before answering."),)],
    "startRecording": [
        (_o("url", "Upload the recording to", "An http(s) URL the platform posts the file to."),),
        (_o("format", "Audio format"), _o("method", "HTTP method", "POST when empty.")),
    ],
    "stopRecording": [],
}


def field_name(verb: str, option: OptionField) -> str:
    return f"{verb}_{option.suffix()}"


def fields_of(verb: str) -> list[tuple[str, OptionField]]:
    return [(field_name(verb, o), o) for row in VERB_FIELDS.get(verb, []) for o in row]


def kind_at(verb: str, option: OptionField) -> Kind:
    """The kind the verb declares at the option's path (a KeyError if none)."""
    cls: Any = VERBS[verb]
    keys = option.keys
    for index, key in enumerate(keys):
        kind = {spec.key: spec.kind for _, spec in specs(cls)}[key]
        rest = keys[index + 1 :]
        if not rest and option.event is not None:  # a prompt: its text
            return {spec.key: spec.kind for _, spec in specs(kind.cls)}["value"]
        if not rest or (isinstance(kind, Terminator) and rest == ["terminator"]):
            return kind
        cls = kind.cls  # a Nested kind: the object inside
    raise KeyError(option.path)


class TriState(forms.NullBooleanSelect):
    """Yes, no, or the platform's default (the option left out)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "Default"), ("true", "Yes"), ("false", "No")]


def form_field(kind: Kind, option: OptionField) -> forms.Field:
    """The form field for a value of `kind`."""
    common = {"required": False, "label": option.label, "help_text": option.help}
    if isinstance(kind, Flag):
        return forms.NullBooleanField(widget=TriState, **common)
    if isinstance(kind, Integer):
        return forms.IntegerField(min_value=kind.minimum, max_value=LARGEST, **common)
    if isinstance(kind, Number):
        return forms.FloatField(min_value=0, max_value=LARGEST, **common)
    if isinstance(kind, TextOrList):
        widget = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return forms.CharField(max_length=TEXT_LIMIT, widget=widget, **common)
    if isinstance(kind, Terminator) or (isinstance(kind, Text) and kind.pattern is not None):
        return forms.CharField(max_length=1, widget=forms.TextInput(attrs={"size": 2}), **common)
    if isinstance(kind, Text) and kind.allowed:
        choices = [("", "Default"), *((value, value) for value in kind.allowed)]
        return forms.ChoiceField(choices=choices, **common)
    widget = forms.TextInput(attrs={"size": 60 if option.keys[0] in ("value", "say") else 30})
    return forms.CharField(max_length=TEXT_LIMIT, widget=widget, **common)


def form_fields() -> dict[str, forms.Field]:
    """Every verb's option fields, by form field name."""
    return {
        name: form_field(kind_at(verb, option), option)
        for verb in STEP_VERBS
        for name, option in fields_of(verb)
    }


# --- options in and out -----------------------------------------------------


def _prompts(options: dict) -> list:
    say = options.get("say")
    return list(say) if isinstance(say, list) else ([say] if say is not None else [])


def _is_prompt(item: Any, event: str) -> bool:
    return isinstance(item, dict) and (item.get("event") or "") == event


def read(options: Any, option: OptionField) -> Any:
    """The option's value in stored options, as its form field shows it."""
    if not isinstance(options, dict):
        return None
    if option.event is not None:
        found = next((p for p in _prompts(options) if _is_prompt(p, option.event)), None)
        return found.get("value") if found else None
    value: Any = options
    for key in option.keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n".join(value)
    return value if isinstance(value, str | int | float | bool) else None


def _plain(value: Any, kind: Kind) -> Any:
    """A cleaned form value as Tropo JSON holds it; None leaves the option out."""
    if value is None or value == "":
        return None
    if isinstance(kind, TextOrList):
        lines = [line.strip() for line in str(value).splitlines() if line.strip()]
        return None if not lines else (lines[0] if len(lines) == 1 else lines)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def write(options: dict, verb: str, option: OptionField, value: Any) -> dict:
    """`options` with the option set to the form's `value` (or left out when empty)."""
    options = copy.deepcopy(options)
    value = _plain(value, kind_at(verb, option))
    if option.event is not None:
        prompts = [p for p in _prompts(options) if not _is_prompt(p, option.event)]
        old = next((p for p in _prompts(options) if _is_prompt(p, option.event)), {})
        if value is not None:
            prompt = {**old, "value": value} | ({"event": option.event} if option.event else {})
            if option.event:
                prompts.append(prompt)
            else:
                prompts.insert(0, prompt)
        was_single = not isinstance(options.get("say"), list)
        options.pop("say", None)
        if prompts:
            options["say"] = prompts[0] if len(prompts) == 1 and was_single else prompts
        return options
    *parents, last = option.keys
    node = options
    trail = []
    for key in parents:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        trail.append((node, key))
        node = node[key]
    if value is None:
        node.pop(last, None)
        for parent, key in reversed(trail):  # no empty object left behind
            if not parent[key]:
                del parent[key]
    else:
        node[last] = value
    return options


def located(verb: str, error: TropoError) -> str | None:
    """The form field a TropoError from loading `{verb: options}` is about."""
    where = error.where.removeprefix("tropo[0].").removeprefix(verb)
    path = [part.split("[")[0] for part in where.split(".") if part]
    path += (error.option or "").split(".") if error.option else []
    path = [key for key in path if key]
    fields = [(name, o) for name, o in fields_of(verb) if (o.event or "") == ""]
    for size in range(len(path), 0, -1):
        for name, option in fields:
            if option.keys[:size] == path[:size] and len(option.keys) >= size:
                return name
    return None
