"""The platform's side of a call (voiceflows.tropo.platform) and the choices
grammar (voiceflows.tropo.grammar): what a caller hears, how answers match,
which handler a result goes to."""

import pytest

from tests.support.tropo_fixtures import example
from voiceflows.tropo.grammar import match
from voiceflows.tropo.platform import CallError, PlatformCall


@pytest.mark.parametrize(
    ("grammar", "said", "interpretation"),
    [
        ("[5 DIGITS]", "52521", "52521"),
        ("[5 DIGITS]", "5252", None),
        ("[1-4 DIGITS]", "123", "123"),
        ("[1-4 DIGITS]", "12345", None),
        ("[DIGITS]", "9", "9"),
        ("[1 DIGIT]", "x", None),
        ("1, 2", "2", "2"),
        ("1, 2", "3", None),
        ("sales(1, sales, buy), support(2, help)", "1", "sales"),
        ("sales(1, sales, buy), support(2, help)", "HELP", "support"),
        ("yes, no", "  Yes ", "yes"),
        ("[ANY]", "whatever I say", "whatever I say"),
        ("http://example.com/grammar.grxml", "anything", "anything"),
        ("1, 2", "", None),
    ],
)
def test_grammar_matches_as_tropo_simple_grammars_do(grammar, said, interpretation):
    found = match(grammar, said)
    assert (found.interpretation if found else None) == interpretation


def menu(url="http://app.example/voice/menu/"):
    document = {
        "tropo": [
            {"say": {"value": "Welcome."}},
            {
                "ask": {
                    "choices": {"value": "1, 2"},
                    "attempts": 2,
                    "name": "choice",
                    "say": [
                        {"value": "Press 1 or 2."},
                        {"value": "That is not a choice.", "event": "nomatch"},
                        {"value": "I did not hear you.", "event": "timeout"},
                    ],
                }
            },
            {"on": {"event": "continue", "next": "answer?on=continue"}},
            {"on": {"event": "incomplete", "next": "/missed"}},
            {"on": {"event": "hangup", "next": "/gone"}},
        ]
    }
    call = PlatformCall(session_id="s1", call_id="c1", answered=True)
    return call, call.play(document, url)


def test_ask_waits_then_posts_the_answer_to_the_continue_handler():
    call, step = menu()
    assert (step.kind, step.waiting_for) == ("waiting", "ask")
    assert call.transcript == [
        {"say": "Welcome."},
        {"ask": "Press 1 or 2.", "choices": "1, 2"},
    ]

    step = call.give("keys", "2#")

    assert step.kind == "post"
    assert step.url == "http://app.example/voice/menu/answer?on=continue"
    result = step.body["result"]
    assert (result["sessionId"], result["sequence"], result["state"]) == ("s1", 1, "ANSWERED")
    assert result["actions"] == {
        "name": "choice",
        "attempts": 1,
        "disposition": "SUCCESS",
        "confidence": 100,
        "interpretation": "2",
        "utterance": "2",
        "value": "2",
        "concept": "2",
    }


def test_nomatch_retries_with_its_prompt_then_fires_incomplete():
    call, _ = menu()
    assert call.give("keys", "7").kind == "waiting"
    assert call.transcript[-2:] == [{"say": "That is not a choice."}, {"ask": "Press 1 or 2."}]

    step = call.give("timeout")

    assert step.url == "http://app.example/missed"
    assert step.body["result"]["actions"]["disposition"] == "TIMEOUT"
    assert step.body["result"]["actions"]["attempts"] == 2


def test_without_an_incomplete_handler_continue_gets_the_failure():
    call = PlatformCall(session_id="s1", answered=True)
    call.play(
        {
            "tropo": [
                {"ask": {"choices": {"value": "1"}, "say": {"value": "Press 1."}}},
                {"on": {"event": "continue", "next": "/next"}},
            ]
        },
        "http://app.example/",
    )
    step = call.give("timeout")
    assert step.url == "http://app.example/next"
    assert step.body["result"]["actions"]["disposition"] == "TIMEOUT"


def test_document_without_continue_hangs_up_and_fires_hangup():
    call = PlatformCall(session_id="s1", answered=True)
    step = call.play(
        {"tropo": [{"say": {"value": "Bye."}}, {"on": {"event": "hangup", "next": "/gone"}}]},
        "http://app.example/x",
    )
    assert (step.kind, step.url) == ("post", "http://app.example/gone")
    assert step.body["result"]["state"] == "DISCONNECTED" and "actions" not in step.body["result"]
    assert call.ended and call.end_reason == "the document ended"
    assert call.play({"tropo": [{"say": {"value": "Too late."}}]}, "http://x/").kind == "ended"


def test_caller_hanging_up_posts_to_the_hangup_handler():
    call, _ = menu()
    step = call.give("hangup")
    assert step.url == "http://app.example/gone"
    assert step.body["result"]["state"] == "DISCONNECTED"
    with pytest.raises(CallError):
        call.give("keys", "1")


def test_outbound_call_rings_then_runs_or_fails_with_its_disposition():
    document = {
        "tropo": [
            {"call": {"to": "9171234567"}},
            {"say": {"value": "Hello."}},
            {"on": {"event": "incomplete", "next": "/failed"}},
        ]
    }
    answered = PlatformCall(session_id="s1")
    assert answered.play(document, "http://app.example/").waiting_for == "answer"
    assert answered.give("answer").kind == "ended"
    assert answered.transcript == [
        {"call": "9171234567"},
        {"answered": "9171234567"},
        {"say": "Hello."},
        {"hangup": "platform"},
    ]
    missed = PlatformCall(session_id="s2")
    missed.play(document, "http://app.example/")
    step = missed.give("no_answer")
    assert step.url == "http://app.example/failed"
    assert step.body["result"]["state"] == "FAILED"
    assert step.body["result"]["actions"] == {
        "name": "call",
        "attempts": 1,
        "disposition": "TIMEOUT",
    }
    with pytest.raises(CallError):
        PlatformCall(session_id="s3", answered=True).give("answer")


def test_record_ends_on_the_terminator_with_the_recording_url():
    call = PlatformCall(session_id="de515ed12ff39afdfba48149763f96e9", answered=True)
    call.play(example("record"), "http://app.example/")
    step = call.give("keys", "#")
    assert step.kind == "ended"  # the example has no continue handler
    assert call.actions[0]["value"] == (
        "http://openovate.com/globe.php/de515ed12ff39afdfba48149763f96e9.wav"
    )
    assert {"recorded": call.actions[0]["value"], "heard": "#"} in call.transcript


def test_transfer_notes_the_ring_and_the_whisper_and_succeeds():
    call = PlatformCall(session_id="s1", answered=True)
    step = call.play(example("transfer_whisper"), "http://app.example/transferwhisper/start")
    assert step.kind == "ended"
    assert {"transfer": "9054799241"} in call.transcript
    assert {"ringback": "http://openovate.com/hold-music.mp3"} in call.transcript
    assert {"whisper": "You are now being connected."} in call.transcript
    assert call.actions == [
        {"name": "foo", "duration": 0, "connectedDuration": 0, "disposition": "SUCCESS"}
    ]


def test_conference_lasts_until_its_terminator():
    call = PlatformCall(session_id="s1", answered=True)
    assert call.play(example("conference"), "http://a/").waiting_for == "conference"
    assert call.give("keys", "1").kind == "waiting"
    assert call.give("keys", "#").kind == "ended"
    assert {"left_conference": "12345"} in call.transcript


def test_an_invalid_document_ends_the_call_with_the_reason():
    call = PlatformCall(session_id="s1", answered=True)
    step = call.play({"tropo": [{"shout": {}}]}, "http://a/")
    assert step.kind == "ended" and "not a Tropo document" in step.reason
    assert "error" in call.transcript[-1]


def test_state_survives_a_round_trip_through_json():
    call, _ = menu()
    again = PlatformCall.from_dict(call.to_dict())
    assert again.give("keys", "1").body["result"]["actions"]["interpretation"] == "1"
