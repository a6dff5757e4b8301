"""Building and rendering verbs: Tropo's exact keys and types, and clear refusals."""

import dataclasses
import json
import math

import pytest

from voiceflows.tropo import (
    VERBS,
    Ask,
    Call,
    Choices,
    Conference,
    ConferencePrompt,
    Hangup,
    MachineDetection,
    Message,
    On,
    Record,
    Redirect,
    Reject,
    Say,
    StartRecording,
    StopRecording,
    Transcription,
    Transfer,
    TropoError,
    Wait,
    render,
    render_json,
)
from voiceflows.tropo.options import specs

# Every verb's options, in Tropo's spelling: the Tropo WebAPI reference's
# field lists (docs.voxeo.com/webapi/2.0, tropo.com/docs/webapi) and the
# Globe Connect SDK's setters (globe 1.0.52 voiceLib/), where those use
# Tropo's spelling. A renamed or dropped option fails here.
TROPO_OPTIONS = {
    "say": {"value", "allowSignals", "as", "event", "name", "required", "voice"},
    "ask": {
        "choices",
        "say",
        "allowSignals",
        "attempts",
        "bargein",
        "interdigitTimeout",
        "minConfidence",
        "name",
        "recognizer",
        "required",
        "sensitivity",
        "speechCompleteTimeout",
        "speechIncompleteTimeout",
        "timeout",
        "voice",
    },
    "on": {"event", "ask", "message", "name", "next", "post", "required", "say", "wait"},
    "call": {
        "to",
        "allowSignals",
        "answerOnMedia",
        "channel",
        "from",
        "headers",
        "machineDetection",
        "name",
        "network",
        "recording",
        "required",
        "timeout",
        "voice",
    },
    "conference": {
        "id",
        "allowSignals",
        "interdigitTimeout",
        "joinPrompt",
        "leavePrompt",
        "mute",
        "name",
        "playTones",
        "required",
        "terminator",
    },
    "hangup": {"headers"},
    "message": {
        "say",
        "to",
        "answerOnMedia",
        "channel",
        "from",
        "name",
        "network",
        "required",
        "timeout",
        "voice",
    },
    "record": {
        "url",
        "allowSignals",
        "asyncUpload",
        "attempts",
        "bargein",
        "beep",
        "choices",
        "format",
        "interdigitTimeout",
        "maxSilence",
        "maxTime",
        "method",
        "minConfidence",
        "name",
        "password",
        "required",
        "say",
        "timeout",
        "transcription",
        "username",
        "voice",
    },
    "redirect": {"to", "name", "required"},
    "reject": set(),
    "startRecording": {
        "url",
        "asyncUpload",
        "format",
        "method",
        "password",
        "transcriptionEmailFormat",
        "transcriptionID",
        "transcriptionOutURI",
        "username",
    },
    "stopRecording": set(),
    "transfer": {
        "to",
        "allowSignals",
        "answerOnMedia",
        "choices",
        "from",
        "headers",
        "interdigitTimeout",
        "machineDetection",
        "name",
        "on",
        "playTones",
        "required",
        "ringRepeat",
        "terminator",  # the Globe Connect SDK's spelling of choices.terminator
        "timeout",
        "voice",
    },
    "wait": {"milliseconds", "allowSignals"},
}


def option_keys(cls):
    return [spec.key for _, spec in specs(cls)]


def test_verbs_cover_the_tropo_vocabulary_with_its_exact_keys():
    assert {name: set(option_keys(cls)) for name, cls in VERBS.items()} == TROPO_OPTIONS


def test_nested_objects_use_tropo_keys():
    assert option_keys(Choices) == ["value", "mode", "terminator"]
    assert option_keys(ConferencePrompt) == ["value", "voice"]
    assert option_keys(MachineDetection) == ["introduction", "voice"]
    assert option_keys(Transcription) == ["url", "emailFormat", "id"]


@pytest.mark.parametrize("cls", list(VERBS.values()), ids=list(VERBS))
def test_option_order_is_required_first_then_alphabetical(cls):
    keyed = specs(cls)
    required = [spec.key for _, spec in keyed if spec.required]
    optional = [spec.key for _, spec in keyed if not spec.required]
    assert option_keys(cls) == required + sorted(optional, key=str.lower)


def test_render_omits_unset_options():
    assert render([Say("Hello")]) == {"tropo": [{"say": {"value": "Hello"}}]}
    assert render([Hangup(), Reject(), StopRecording()]) == {
        "tropo": [{"hangup": {}}, {"reject": {}}, {"stopRecording": {}}]
    }


def test_render_maps_python_names_to_tropo_keys_and_keeps_value_types():
    transfer = Transfer(
        ["tel:+639171234567", "sip:agent@example.com"],
        from_="21581029",
        answer_on_media=True,
        allow_signals=["exit", "stopHold"],
        ring_repeat=2,
        timeout=30.5,
        interdigit_timeout=2,
        play_tones=False,
        headers={"x-hatid-flow": "promo"},
        machine_detection=MachineDetection("Hello, this is Hatid."),
        terminator="#",
    )
    assert render([transfer])["tropo"][0] == {
        "transfer": {
            "to": ["tel:+639171234567", "sip:agent@example.com"],
            "allowSignals": ["exit", "stopHold"],
            "answerOnMedia": True,
            "choices": {"terminator": "#"},
            "from": "21581029",
            "headers": {"x-hatid-flow": "promo"},
            "interdigitTimeout": 2,
            "machineDetection": {"introduction": "Hello, this is Hatid."},
            "playTones": False,
            "ringRepeat": 2,
            "timeout": 30.5,
        }
    }


def test_render_json_is_compact_and_byte_for_byte_stable():
    flow = [
        Say("Pindutin ang 1", as_="DIGITS", voice="Vanessa"),
        Ask(Choices("1, 2", mode="dtmf", terminator="#"), Say("Ano ang sagot?"), name="menu"),
        On("continue", next="/voice/next"),
    ]
    expected = (
        '{"tropo":[{"say":{"value":"Pindutin ang 1","as":"DIGITS","voice":"Vanessa"}},'
        '{"ask":{"choices":{"value":"1, 2","mode":"dtmf","terminator":"#"},'
        '"say":{"value":"Ano ang sagot?"},"name":"menu"}},'
        '{"on":{"event":"continue","next":"/voice/next"}}]}'
    )
    assert render_json(flow) == expected
    assert render_json(list(flow)) == expected
    assert json.loads(expected) == render(flow)


def test_prompts_keep_their_shape_and_lists_equal_tuples():
    one = Ask(Choices("1"), Say("Press 1"))
    listed = Ask(Choices("1"), [Say("Press 1")])
    assert render([one])["tropo"][0]["ask"]["say"] == {"value": "Press 1"}
    assert render([listed])["tropo"][0]["ask"]["say"] == [{"value": "Press 1"}]
    assert listed == Ask(Choices("1"), (Say("Press 1"),))


def test_prompt_events_accept_tropo_forms():
    for event in ("timeout", "nomatch", "nomatch:1", "nomatch:1 nomatch:2", "timeout nomatch:3"):
        assert Say("Sorry", event=event).event == event


def test_verbs_are_immutable():
    say = Say("Hello")
    with pytest.raises(dataclasses.FrozenInstanceError):
        say.value = "Bye"


def test_rendering_every_verb_kind():
    flow = [
        Call(
            "tel:+639171234567",
            channel="VOICE",
            network="PSTN",
            recording=StartRecording("https://hatid.example/recordings", format="audio/mp3"),
        ),
        Message(Say("Salamat!"), "9171234567", channel="TEXT", network="SMS"),
        Conference("room-1", join_prompt=True, leave_prompt=False),
        StartRecording("https://hatid.example/rec", transcription_id="t1"),
        StopRecording(),
        Redirect("sip:agent@example.com", name="agent"),
        Wait(1500, allow_signals=""),
        Hangup(headers={"x-reason": "done"}),
    ]
    assert render(flow)["tropo"] == [
        {
            "call": {
                "to": "tel:+639171234567",
                "channel": "VOICE",
                "network": "PSTN",
                "recording": {"url": "https://hatid.example/recordings", "format": "audio/mp3"},
            }
        },
        {
            "message": {
                "say": {"value": "Salamat!"},
                "to": "9171234567",
                "channel": "TEXT",
                "network": "SMS",
            }
        },
        {"conference": {"id": "room-1", "joinPrompt": True, "leavePrompt": False}},
        {"startRecording": {"url": "https://hatid.example/rec", "transcriptionID": "t1"}},
        {"stopRecording": {}},
        {"redirect": {"to": "sip:agent@example.com", "name": "agent"}},
        {"wait": {"milliseconds": 1500, "allowSignals": ""}},
        {"hangup": {"headers": {"x-reason": "done"}}},
    ]


QUESTION = Say("Enter your PIN")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Ask(say=QUESTION), "ask: choices is required"),
        (lambda: Ask(Choices("[4 DIGITS]")), "ask: say is required"),
        (lambda: Ask("[4 DIGITS]", QUESTION), "ask: choices must be a Choices, not '[4 DIGITS]'"),
        (lambda: Ask(Choices("1"), "Enter"), "ask: say must be a Say or a non-empty list of Say"),
        (lambda: Ask(Choices("1"), []), "ask: say must be a Say or a non-empty list of Say"),
        (
            lambda: Ask(Choices("1"), [Say("Sorry", event="timeout")]),
            "ask: say needs one prompt without an event",
        ),
        (
            lambda: Ask(Choices("1"), QUESTION, attempts=0),
            "ask: attempts must be from 1 to 2147483647, not 0",
        ),
        (lambda: Ask(Choices("1"), QUESTION, timeout="10"), "ask: timeout must be a number"),
        (
            lambda: Ask(Choices("1"), QUESTION, timeout=math.nan),
            "ask: timeout must be a number from 0 to 2147483647, not nan",
        ),
        (lambda: Ask(Choices("1"), QUESTION, bargein="no"), "ask: bargein must be true or false"),
        (lambda: Choices(), "choices: value is required"),
        (lambda: Choices("1", mode="DTMF"), "choices: mode must be one of 'any', 'dtmf', 'speech'"),
        (lambda: Choices("1", terminator="##"), "choices: terminator must be one touch-tone key"),
        (lambda: Say(), "say: value is required"),
        (lambda: Say("   "), "say: value must not be empty"),
        (lambda: Say(42), "say: value must be text, not 42"),
        (lambda: Say("x", event="nomatch 2"), "say: event must be 'timeout', 'nomatch'"),
        (lambda: Say("x", as_="digits"), "say: as must be one of 'DATE', 'DIGITS', 'NUMBER'"),
        (lambda: Wait(), "wait: milliseconds is required"),
        (lambda: Wait("5000"), "wait: milliseconds must be a whole number, not '5000'"),
        (lambda: Wait(True), "wait: milliseconds must be a whole number, not true"),
        (lambda: Wait(-1), "wait: milliseconds must be from 0 to 2147483647, not -1"),
        (
            lambda: Wait(5000, allow_signals=1),
            "wait: allowSignals must be a signal name or a non-empty list of them, not 1",
        ),
        (lambda: Transfer(), "transfer: to is required"),
        (lambda: Transfer([]), "transfer: to must be a destination or a non-empty list"),
        (lambda: Transfer(["sip:a", ""]), "transfer: to must be a destination"),
        (
            lambda: Transfer("9171234567", terminator="##"),
            "transfer: choices.terminator must be one touch-tone key (0-9, * or #), not '##'",
        ),
        (
            lambda: Transfer("9171234567", on=On("hangup", next="/x")),
            "transfer: on events of a transfer are 'ring' and 'connect', not 'hangup'",
        ),
        (lambda: Transfer("9171234567", on=On("ring")), "transfer: on 'ring' needs a say"),
        (lambda: Transfer("9171234567", on=[On("connect")]), "transfer: on 'connect' needs"),
        (lambda: Call(""), "call: to must not be empty"),
        (lambda: Call("9171234567", channel="voice"), "call: channel must be one of 'VOICE'"),
        (
            lambda: Call("9171234567", headers={"x-count": 1}),
            "call: headers must be an object of header names to text values",
        ),
        (
            lambda: Call("9171234567", machine_detection="yes"),
            "call: machineDetection must be true, false or a MachineDetection",
        ),
        (lambda: Conference(), "conference: id is required"),
        (
            lambda: Conference("1", join_prompt="beep"),
            "conference: joinPrompt must be true, false or a ConferencePrompt",
        ),
        (lambda: Record(), "record: url is required"),
        (
            lambda: Record("https://hatid.example/rec", format="wav"),
            "record: format must be one of 'audio/wav', 'audio/mp3', 'audio/au', not 'wav'",
        ),
        (
            lambda: Record("https://hatid.example/rec", say=Say("Bye", event="timeout")),
            "record: say needs one prompt without an event",
        ),
        (lambda: Record("https://hatid.example/rec", max_time=-5), "record: maxTime must be"),
        (
            lambda: Wait(10**5000),
            "wait: milliseconds must be from 0 to 2147483647, not a number that large",
        ),
        (lambda: Ask(Choices("1"), QUESTION, timeout=10**400), "ask: timeout must be a number"),
        (lambda: Message(to="9171234567"), "message: say is required"),
        (lambda: Message(Say("Hi")), "message: to is required"),
        (lambda: Redirect(), "redirect: to is required"),
        (lambda: On(), "on: event is required"),
        (lambda: StartRecording(), "startRecording: url is required"),
        (lambda: Transcription(id="1"), "transcription: url is required"),
        (lambda: MachineDetection(), "machineDetection: introduction is required"),
        (lambda: ConferencePrompt(), "prompt: value is required"),
    ],
)
def test_building_an_invalid_verb_names_the_verb_and_option(build, message):
    with pytest.raises(TropoError) as raised:
        build()
    assert str(raised.value).startswith(message)


def test_tropo_error_carries_where_option_and_problem():
    with pytest.raises(TropoError) as raised:
        Wait()
    error = raised.value
    assert (error.where, error.option, error.problem) == ("wait", "milliseconds", "is required")
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("verbs", "message"),
    [
        ([], "tropo: needs at least one verb"),
        ([Choices("1")], "tropo[0]: must be a verb (Say, Ask, On...), not a Choices"),
        ([Say("Hi"), "hangup"], "tropo[1]: must be a verb (Say, Ask, On...), not 'hangup'"),
        (
            [Say("Sorry", event="timeout")],
            "tropo[0].say: event only applies to the prompts of an ask or a record",
        ),
    ],
)
def test_render_refuses_what_is_not_a_document(verbs, message):
    with pytest.raises(TropoError) as raised:
        render(verbs)
    assert str(raised.value).startswith(message)
