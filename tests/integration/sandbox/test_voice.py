"""Voice (Tropo Web API) in the sandbox, over real HTTP: a handset calls an
app, an app starts a call with its voice token, and the platform plays the
app's Tropo JSON, posting sessions and results to the app's voice URI.

The app is an `AppServer` answering each path with a scripted document, as
any Tropo app would.
"""

import re
import xml.etree.ElementTree as ElementTree

import pytest

from sandbox.client import SandboxError, wait_for
from tests.integration.sandbox.conftest import NUMBER, SHORTCODE, Platform
from tests.support.tropo_fixtures import example

VOICE_TOKEN = "voice-token-0123456789abcdef"

MENU = {
    "tropo": [
        {"say": {"value": "Welcome to the demo line."}},
        {
            "ask": {
                "choices": {"value": "1, 2"},
                "attempts": 2,
                "name": "choice",
                "say": [
                    {"value": "Press 1 for sales, 2 for support."},
                    {"value": "That is not a choice.", "event": "nomatch"},
                ],
            }
        },
        {"on": {"event": "continue", "next": "/voice/chosen"}},
        {"on": {"event": "incomplete", "next": "/voice/missed"}},
        {"on": {"event": "hangup", "next": "/voice/gone"}},
    ]
}
THANKS = {"tropo": [{"say": {"value": "Thank you."}}, {"hangup": {}}]}


@pytest.fixture
def tropo_app(sandbox, app_server, app):
    """An app whose voice URI answers with `documents[path]` (a dict or a function)."""
    documents = {"/voice": MENU, "/voice/chosen": THANKS, "/voice/missed": THANKS}

    def answer(received):
        found = documents.get(received.path, {"tropo": [{"hangup": {}}]})
        return found(received) if callable(found) else found

    app_server.on("voice", answer)
    sandbox.register_app(app_id=app["app_id"], voice_token=VOICE_TOKEN)
    return documents


def voice_requests(app_server, path=None):
    return [r for r in app_server.of("voice") if path is None or r.path == path]


def test_handset_call_posts_the_session_and_plays_the_answer(sandbox, app_server, tropo_app):
    placed = sandbox.place_call(NUMBER, SHORTCODE)

    [received] = voice_requests(app_server)
    session = received.body["session"]
    assert received.method == "POST" and received.path == "/voice"
    assert re.fullmatch(r"[0-9a-f]{32}", session["id"])
    assert session["from"] == {
        "id": "9171234567",
        "name": "+639171234567",
        "channel": "VOICE",
        "network": "PSTN",
    }
    assert session["to"]["id"] == SHORTCODE and session["userType"] == "HUMAN"
    assert session["callId"] and session["timestamp"].endswith("Z")
    call = placed["call"]
    assert (call["state"], call["waiting_for"], call["direction"]) == ("active", "ask", "inbound")
    assert call["transcript"][1:] == [
        {"say": "Welcome to the demo line."},
        {"ask": "Press 1 for sales, 2 for support.", "choices": "1, 2"},
    ]
    assert placed["callbacks"][0]["kind"] == "voice"

    pressed = sandbox.press(NUMBER, "2#")

    [result] = voice_requests(app_server, "/voice/chosen")
    assert result.body["result"]["sessionId"] == session["id"]
    assert result.body["result"]["sequence"] == 1
    assert result.body["result"]["actions"]["interpretation"] == "2"
    call = pressed["call"]
    assert call["state"] == "ended" and call["end_reason"] == "hung up by the app"
    assert call["transcript"][-4:] == [
        {"heard": "2"},
        {"request": f"{app_server.url}/voice/chosen"},
        {"say": "Thank you."},
        {"hangup": "app"},
    ]
    assert sandbox.voice_call(NUMBER)["session_id"] == session["id"]


def test_nomatch_then_timeout_ends_the_ask_as_incomplete(sandbox, app_server, tropo_app):
    sandbox.place_call(NUMBER, SHORTCODE)
    retried = sandbox.press(NUMBER, "9")
    assert retried["call"]["transcript"][-2:] == [
        {"say": "That is not a choice."},
        {"ask": "Press 1 for sales, 2 for support."},
    ]
    sandbox.stay_silent(NUMBER)
    [missed] = voice_requests(app_server, "/voice/missed")
    assert missed.body["result"]["actions"]["disposition"] == "TIMEOUT"


def test_handset_hanging_up_posts_to_the_hangup_handler(sandbox, app_server, tropo_app):
    sandbox.place_call(NUMBER, SHORTCODE)
    hung_up = sandbox.hang_up(NUMBER)
    [gone] = voice_requests(app_server, "/voice/gone")
    assert gone.body["result"]["state"] == "DISCONNECTED"
    assert hung_up["call"]["state"] == "ended"
    with pytest.raises(SandboxError) as nothing:
        sandbox.press(NUMBER, "1")
    assert nothing.value.status == 409


def test_record_transfer_conference_and_wait_are_played(sandbox, app_server, tropo_app):
    tropo_app["/voice"] = {
        "tropo": [
            {"wait": {"milliseconds": 500}},
            {
                "record": {
                    "url": "https://files.example.com/rec",
                    "name": "note",
                    "say": {"value": "Speak after the beep."},
                    "choices": {"terminator": "#"},
                }
            },
            {"on": {"event": "continue", "next": "/voice/recorded"}},
        ]
    }
    tropo_app["/voice/recorded"] = {
        "tropo": [
            {"transfer": {"to": "9171112222", "name": "agent"}},
            {"conference": {"id": "room-7", "terminator": "*"}},
        ]
    }
    placed = sandbox.place_call(NUMBER, SHORTCODE)
    assert placed["call"]["waiting_for"] == "record"

    recorded = sandbox.speak(NUMBER, "please call me back")

    [posted] = voice_requests(app_server, "/voice/recorded")
    action = posted.body["result"]["actions"]
    session_id = posted.body["result"]["sessionId"]
    assert action["value"] == f"https://files.example.com/rec/{session_id}.wav"
    assert action["uploadStatus"] == "success"
    transcript = recorded["call"]["transcript"]
    assert {"wait": 500} in transcript and {"record": "Speak after the beep."} in transcript
    assert {"transfer": "9171112222"} in transcript and {"conference": "room-7"} in transcript
    assert recorded["call"]["waiting_for"] == "conference"
    assert sandbox.press(NUMBER, "*")["call"]["state"] == "ended"


@pytest.mark.parametrize(
    ("name", "heard"),
    [
        ("wait_sdk", {"wait": 5000}),
        ("transfer_whisper_sdk", {"whisper": "You are now being connected."}),
    ],
)
def test_the_sdk_docs_wait_and_whisper_are_played_as_printed(
    sandbox, app_server, tropo_app, name, heard
):
    # `"allowSignals": true` and a transfer's `"terminator": "*"`, exactly as
    # the Globe Connect SDK doc prints them.
    tropo_app["/voice"] = example(name)
    placed = sandbox.place_call(NUMBER, SHORTCODE)
    assert "not a Tropo document" not in placed["call"]["end_reason"]
    assert heard in placed["call"]["transcript"]


def test_app_answering_something_else_ends_the_call(sandbox, app_server, tropo_app):
    tropo_app["/voice"] = {"not": "tropo"}
    placed = sandbox.place_call(NUMBER, SHORTCODE)
    assert placed["call"]["state"] == "ended"
    assert "not a Tropo document" in placed["call"]["end_reason"]


def test_reject_refuses_the_call(sandbox, tropo_app):
    tropo_app["/voice"] = {"tropo": [{"reject": {}}]}
    placed = sandbox.place_call(NUMBER, SHORTCODE)
    assert placed["call"]["end_reason"] == "rejected by the app"


def launch(url, token=VOICE_TOKEN, accept="application/json", **parameters):
    """The app's call trigger: `GET /1.0/sessions?action=create&token=..`."""
    return Platform(url).get(
        "/1.0/sessions",
        params={"action": "create", "token": token, **parameters},
        headers={"Accept": accept},
    )


def test_token_launch_posts_the_session_and_rings_the_handset(
    sandbox, sandbox_process, app_server, tropo_app
):
    tropo_app["/voice"] = {
        "tropo": [
            {"call": {"to": "9179998888", "timeout": 30}},
            {"say": {"value": "This is your reminder."}},
            {"on": {"event": "incomplete", "next": "/voice/missed"}},
        ]
    }
    response = launch(sandbox_process.url, numberToDial="9179998888", flow="reminder")

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and body["token"] == VOICE_TOKEN
    [received] = wait_for(lambda: voice_requests(app_server), what="the session")
    session = received.body["session"]
    assert session["id"] == body["id"] and session["userType"] == "NONE"
    assert session["callId"] is None
    assert session["parameters"] == {
        "action": "create",
        "token": VOICE_TOKEN,
        "numberToDial": "9179998888",
        "flow": "reminder",
    }
    ringing = wait_for(
        lambda: (sandbox.voice_call("09179998888") or {}).get("state") == "ringing",
        what="the handset ringing",
    )
    assert ringing

    answered = sandbox.answer_call("09179998888")

    assert answered["call"]["transcript"][-3:] == [
        {"answered": "9179998888"},
        {"say": "This is your reminder."},
        {"hangup": "platform"},
    ]
    assert answered["call"]["direction"] == "outbound"
    assert answered["call"]["parameters"] == {
        "action": "create",
        "numberToDial": "9179998888",
        "flow": "reminder",
    }


@pytest.mark.parametrize(
    ("act", "disposition"),
    [("ring_out", "TIMEOUT"), ("let_ring_out", "TIMEOUT"), ("decline_call", "REJECTED")],
)
def test_unanswered_call_fires_incomplete_with_state_failed(
    sandbox, sandbox_process, app_server, tropo_app, act, disposition
):
    tropo_app["/voice"] = {
        "tropo": [
            {"call": {"to": "9179998888", "timeout": 0.3 if act == "ring_out" else 30}},
            {"on": {"event": "incomplete", "next": "/voice/missed"}},
        ]
    }
    launch(sandbox_process.url)
    wait_for(lambda: (sandbox.voice_call("09179998888") or {}).get("state") == "ringing")
    if act != "ring_out":
        getattr(sandbox, act)("09179998888")

    [missed] = wait_for(lambda: voice_requests(app_server, "/voice/missed"), what="incomplete")

    result = missed.body["result"]
    assert result["state"] == "FAILED"
    assert result["actions"] == {"name": "call", "attempts": 1, "disposition": disposition}
    # A call that rang out is saved by the background worker once the app answered.
    wait_for(lambda: sandbox.voice_call("09179998888")["state"] == "ended", what="the call ended")


def test_session_api_answers_xml_by_default_and_refuses_bad_requests(sandbox_process, tropo_app):
    answer = launch(sandbox_process.url, accept="text/xml")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(answer.text)  # noqa: S314 (the sandbox's own answer)
    assert root.tag == "session" and root.findtext("success") == "true"
    assert re.fullmatch(r"[0-9a-f]{32}", root.findtext("id"))
    unknown = launch(sandbox_process.url, token="nobody")
    assert (unknown.status_code, unknown.json()) == (401, {"error": "Invalid token"})
    missing = Platform(sandbox_process.url).get("/1.0/sessions")
    assert missing.status_code == 400


def test_voice_fault_makes_the_session_api_fail(sandbox, sandbox_process, tropo_app):
    sandbox.set_fault("voice", status=503, times=1)
    assert launch(sandbox_process.url).status_code == 503
    assert launch(sandbox_process.url).status_code == 200


def test_duplicate_callbacks_fault_repeats_each_voice_request(sandbox, app_server, tropo_app):
    sandbox.set_fault("callbacks", duplicate=True, times=1)
    sandbox.place_call(NUMBER, SHORTCODE)
    wait_for(lambda: len(voice_requests(app_server, "/voice")) == 2, what="the duplicate")
    first, copy = voice_requests(app_server, "/voice")
    assert first.body == copy.body
    duplicates = [c for c in sandbox.callbacks("voice") if c["duplicate_of"]]
    assert len(duplicates) == 1


def test_calls_are_listed_and_the_voice_token_is_registered(sandbox, app, tropo_app):
    sandbox.place_call(NUMBER, SHORTCODE)
    [listed] = sandbox.calls(number=NUMBER)
    assert listed["app_id"] == app["app_id"] and listed["number"] == "+639171234567"
    assert sandbox.calls(state="ended") == []
    assert sandbox.app(app["app_id"])["voice_token"] == VOICE_TOKEN
    assert sandbox.handset(NUMBER)["call"]["session_id"] == listed["session_id"]


def test_calling_an_unknown_number_or_twice_is_refused(sandbox, tropo_app):
    with pytest.raises(SandboxError) as unknown:
        sandbox.place_call(NUMBER, "99999999")
    assert unknown.value.status == 409
    sandbox.place_call(NUMBER, SHORTCODE)
    with pytest.raises(SandboxError) as busy:
        sandbox.place_call(NUMBER, SHORTCODE)
    assert busy.value.status == 409
    with pytest.raises(SandboxError) as nothing_rings:
        sandbox.answer_call(NUMBER)
    assert nothing_rings.value.status == 409
