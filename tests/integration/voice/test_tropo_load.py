"""Loading Tropo documents back into verbs, so a flow stored as data round-trips."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.tropo_fixtures import example, example_names
from voiceflows.tropo import (
    Ask,
    Choices,
    Conference,
    ConferencePrompt,
    Hangup,
    On,
    Record,
    Say,
    Transcription,
    Transfer,
    TropoError,
    Wait,
    load,
    render,
)


@pytest.mark.parametrize("name", example_names())
def test_every_documented_example_round_trips(name):
    document = example(name)
    assert render(load(document)) == document


def test_load_reads_json_text_and_bytes():
    document = example("events")
    assert load(json.dumps(document)) == load(document)
    assert load(json.dumps(document).encode()) == load(document)


def test_load_takes_null_as_unset():
    # Tropo's own examples write `"hangup": null`; some Tropo libraries write
    # every option, null when unset. Both mean "nothing set".
    document = {"tropo": [{"say": {"value": "Hi", "voice": None}}, {"hangup": None}]}
    assert load(document) == [Say("Hi"), Hangup()]
    assert render(load(document)) == {"tropo": [{"say": {"value": "Hi"}}, {"hangup": {}}]}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not json", "document: is not JSON"),
        ([], 'document: must be {"tropo": [...]}, not a list'),
        ({"tropo": [], "extra": 1}, 'document: must be {"tropo": [...]}'),
        ({"tropo": {"say": {"value": "x"}}}, "tropo: must be a list of verbs, not an object"),
        ({"tropo": []}, "tropo: needs at least one verb"),
        # The call example's say, as printed: a bare array naming no verb.
        (
            {"tropo": [{"call": {"to": "9065272450"}}, [{"value": "Hello World"}]]},
            'tropo[1]: must be an object naming one verb, like {"say": {...}}, not a list',
        ),
        (
            {"tropo": [{"say": {"value": "a"}, "hangup": {}}]},
            "tropo[0]: must be an object naming one verb",
        ),
        ({"tropo": [{"play": {}}]}, "tropo[0]: 'play' is not a Tropo verb (say, ask, on,"),
        ({"tropo": [{"say": "Hello"}]}, "tropo[0].say: must be an object, not 'Hello'"),
        ({"tropo": [{"say": {}}]}, "tropo[0].say: value is required"),
        # The transfer whisper example's terminator, as printed, is taken
        # (transfer_whisper_sdk.json), but only once.
        (
            {
                "tropo": [
                    {
                        "transfer": {
                            "to": "9054799241",
                            "terminator": "*",
                            "choices": {"terminator": "#"},
                        }
                    }
                ]
            },
            "tropo[0].transfer: terminator is given twice",
        ),
        (
            {"tropo": [{"transfer": {"to": "9054799241", "terminator": "pound"}}]},
            "tropo[0].transfer: terminator must be one touch-tone key",
        ),
        # The wait example's allowSignals, as printed (true), is taken; a number is not.
        (
            {"tropo": [{"wait": {"milliseconds": 5000, "allowSignals": 1}}]},
            "tropo[0].wait: allowSignals must be a signal name or a non-empty list of them",
        ),
        # The record example's format, as the snippet sets it.
        (
            {"tropo": [{"say": {"value": "Hi"}}, {"record": {"url": "u", "format": "wav"}}]},
            "tropo[1].record: format must be one of 'audio/wav', 'audio/mp3', 'audio/au'",
        ),
        (
            {"tropo": [{"record": {"url": "u", "choices": {"value": "[ANY]"}}}]},
            'tropo[0].record: choices must be {"terminator": "<key>"} and nothing else',
        ),
        (
            {"tropo": [{"record": {"url": "u", "choices": {"terminator": "pound"}}}]},
            "tropo[0].record: choices.terminator must be one touch-tone key",
        ),
        (
            {"tropo": [{"wait": {"milliseconds": "5000"}}]},
            "tropo[0].wait: milliseconds must be a whole number, not '5000'",
        ),
        (
            {"tropo": [{"ask": {"choices": {"value": "1"}, "say": [{"event": "timeout"}]}}]},
            "tropo[0].ask.say[0]: value is required",
        ),
        (
            {"tropo": [{"ask": {"choices": {"value": "1"}, "say": []}}]},
            "tropo[0].ask: say must not be an empty list",
        ),
        (
            {
                "tropo": [
                    {
                        "ask": {
                            "choices": {"value": "1"},
                            "say": [{"value": "Sorry", "event": "timeout"}],
                        }
                    }
                ]
            },
            "tropo[0].ask: say needs one prompt without an event",
        ),
        (
            {
                "tropo": [
                    {
                        "transfer": {
                            "to": "9171234567",
                            "on": [
                                {"event": "ring", "say": {"value": "music.mp3"}},
                                {
                                    "event": "connect",
                                    "ask": {
                                        "choices": {"value": "1", "mode": "DTMF"},
                                        "say": {"value": "Press 1"},
                                    },
                                },
                            ],
                        }
                    }
                ]
            },
            "tropo[0].transfer.on[1].ask.choices: mode must be one of 'any', 'dtmf', 'speech'",
        ),
        (
            {"tropo": [{"say": {"value": "Sorry", "event": "timeout"}}]},
            "tropo[0].say: event only applies to the prompts of an ask or a record",
        ),
    ],
)
def test_load_refuses_with_the_path_to_the_problem(document, message):
    with pytest.raises(TropoError) as raised:
        load(document)
    assert str(raised.value).startswith(message)


# Generated flows: whatever can be built can be stored and loaded back unchanged.
words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1).filter(
    str.strip
)
seconds = st.one_of(st.integers(0, 600), st.floats(0, 600, allow_nan=False))
keys = st.sampled_from("0123456789*#")
signals = st.one_of(st.just(""), words, st.lists(words, min_size=1, max_size=3).map(tuple))
events = st.sampled_from(["timeout", "nomatch", "nomatch:1", "nomatch:2", "nomatch:1 nomatch:2"])

prompts = st.builds(Say, words, voice=st.none() | words, as_=st.none() | st.just("DIGITS"))
prompt_lists = st.builds(
    lambda retries, question: (*retries, question),
    st.lists(st.builds(Say, words, event=events), max_size=3),
    prompts,
)
asks = st.builds(
    Ask,
    st.builds(Choices, words, mode=st.none() | st.sampled_from(["any", "dtmf", "speech"])),
    prompts | prompt_lists,
    attempts=st.none() | st.integers(1, 5),
    bargein=st.none() | st.booleans(),
    name=st.none() | words,
    timeout=st.none() | seconds,
    allow_signals=st.none() | signals,
)
flows = st.lists(
    st.one_of(
        prompts,
        asks,
        st.builds(Wait, st.integers(0, 60_000), allow_signals=st.none() | signals),
        st.builds(On, words, next=st.none() | words, say=st.none() | prompts),
        st.builds(
            Conference,
            words,
            join_prompt=st.none() | st.booleans() | st.builds(ConferencePrompt, words),
            terminator=st.none() | keys,
        ),
        st.builds(
            Record,
            words,
            say=st.none() | prompt_lists,
            terminator=st.none() | keys,
            max_silence=st.none() | seconds,
            transcription=st.none() | st.builds(Transcription, words, id=st.none() | words),
        ),
        st.builds(
            Transfer,
            words | st.lists(words, min_size=1, max_size=3).map(tuple),
            ring_repeat=st.none() | st.integers(1, 5),
            terminator=st.none() | keys,
            on=st.none() | st.builds(On, st.just("ring"), say=prompts),
        ),
        st.just(Hangup()),
    ),
    min_size=1,
    max_size=5,
)


@given(flows)
def test_any_flow_round_trips_through_json(flow):
    stored = json.loads(json.dumps(render(flow)))
    assert load(stored) == flow
    assert render(load(stored)) == render(flow)
