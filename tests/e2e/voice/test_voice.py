"""Voice end to end: Hatid on a live server, a real Celery worker, and the
sandbox playing Hatid's Tropo JSON on a handset, all over HTTP.

- a handset calls the app and walks a flow: an ask, a branch, a record, a
  transfer (and, on the other branch, a step that texts the caller);
- Hatid calls a handset (the session API, the call rings, is answered);
- an escalation: the first number does not answer, the second confirms;
- the demo `make run` sets up answers a call from the handset.
"""

import io
import json

import pytest
from django.core.management import call_command

from sandbox.client import wait_for
from telecom.models import Message
from tests.support.voice_flows import MENU_FLOW
from voiceflows.models import CallSession, CallTrigger, Escalation
from voiceflows.services.escalations import start_escalation
from voiceflows.services.outbound import start_call

pytestmark = pytest.mark.e2e

CALLER = "09171234567"


def entries(call: dict, key: str) -> list:
    return [entry[key] for entry in call["transcript"] if key in entry]


def test_handset_call_walks_an_ask_a_branch_a_record_and_a_transfer(hatid, celery_worker):
    hatid.enable_voice(MENU_FLOW)
    sandbox = hatid.sandbox

    placed = sandbox.place_call(CALLER, hatid.app.shortcode)

    assert placed["call"]["waiting_for"] == "ask"
    assert entries(placed["call"], "ask") == ["Press 1 for today's promo, 2 to leave a message."]
    chosen = sandbox.press(CALLER, "2#")
    assert chosen["call"]["waiting_for"] == "record"
    assert entries(chosen["call"], "record") == [
        "Leave a message after the beep, then press the hash key."
    ]

    recorded = sandbox.press(CALLER, "#")

    call = recorded["call"]
    assert call["state"] == "ended"
    [recording] = entries(call, "recorded")
    assert recording == f"https://recordings.example.com/upload/{call['session_id']}.wav"
    assert entries(call, "transfer") == ["9171112222"]
    assert entries(call, "ringback") == ["http://example.com/hold.mp3"]
    session = wait_for(
        lambda: CallSession.objects.filter(
            session_id=call["session_id"], status="completed"
        ).first(),
        what="the call session completed",
    )
    assert session.direction == "inbound" and session.msisdn == "+639171234567"
    assert session.variables["choice"] == "2"
    assert session.variables["voicemail"] == recording
    steps = [e.answered_steps for e in session.exchanges.order_by("sequence")]
    assert steps[:3] == [["greet", "menu"], ["message"], ["agent"]]
    assert session.exchanges.filter(recording_url=recording).exists()


def test_promo_branch_texts_the_caller_through_the_worker(hatid, celery_worker):
    hatid.opt_in("+639171234567")
    hatid.enable_voice(MENU_FLOW)

    hatid.sandbox.place_call(CALLER, hatid.app.shortcode)
    done = hatid.sandbox.press(CALLER, "1")

    assert entries(done["call"], "say")[-2:] == [
        "You pressed 1. A text with the promo is on its way.",
        "Goodbye.",
    ]
    message = wait_for(
        lambda: Message.objects.filter(source="flow", status="sent").first(), what="the SMS sent"
    )
    assert message.text == "Today's promo: LOAD 50 gets you 10MB free."
    inbox = wait_for(
        lambda: [m for m in hatid.sandbox.inbox(CALLER) if "LOAD 50" in m["text"]],
        what="the SMS on the handset",
    )
    assert inbox[0]["peer"] == hatid.app.shortcode


def test_outbound_call_rings_the_handset_and_plays_the_flow(hatid, celery_worker):
    flow = hatid.enable_voice(MENU_FLOW)
    trigger = start_call(app=hatid.app, to="09179990000", flow=flow, variables={"ref": "A1"})

    ringing = wait_for(
        lambda: (
            (hatid.sandbox.voice_call("09179990000") or {}).get("state") == "ringing"
            and hatid.sandbox.voice_call("09179990000")
        ),
        what="the handset ringing",
    )
    assert ringing["direction"] == "outbound"
    assert ringing["parameters"]["flow"] == "menu"
    assert ringing["parameters"]["reference"] == trigger.reference
    assert entries(ringing, "call") == ["9179990000"]

    answered = hatid.sandbox.answer_call("09179990000")

    assert entries(answered["call"], "ask") == ["Press 1 for today's promo, 2 to leave a message."]
    hatid.sandbox.stay_silent("09179990000")
    ended = hatid.sandbox.stay_silent("09179990000")
    assert entries(ended["call"], "say")[-2:] == ["We did not hear you.", "Goodbye."]
    trigger.refresh_from_db()
    assert trigger.status == CallTrigger.Status.TRIGGERED
    assert trigger.platform_session_id == ringing["session_id"]
    session = CallSession.objects.get(session_id=ringing["session_id"])
    assert (session.direction, session.trigger_id, session.status) == (
        "outbound",
        trigger.pk,
        "completed",
    )
    assert session.msisdn == "+639179990000" and session.variables["ref"] == "A1"


def test_escalation_moves_on_when_nobody_answers_and_stops_at_the_confirmation(
    hatid, celery_worker
):
    hatid.enable_voice(MENU_FLOW, ring_timeout=1)
    first, second = "09179990001", "09179990002"

    escalation = start_escalation(
        app=hatid.app,
        numbers=[first, second],
        confirmation_code="4321",
        message="The server room is on fire.",
        rounds=2,
    )

    # The first number rings and rings out (the flow's call waits 1 second).
    wait_for(
        lambda: (hatid.sandbox.voice_call(first) or {}).get("state") == "ringing",
        what="the first number ringing",
    )
    missed = wait_for(
        lambda: (
            (hatid.sandbox.voice_call(first) or {}).get("state") == "ended"
            and hatid.sandbox.voice_call(first)
        ),
        what="the first call ringing out",
    )
    assert entries(missed, "not_answered") == ["9179990001"]
    wait_for(
        lambda: (hatid.sandbox.voice_call(second) or {}).get("state") == "ringing",
        what="the second number ringing",
    )
    answered = hatid.sandbox.answer_call(second)
    assert entries(answered["call"], "say")[0] == "The server room is on fire."

    confirmed = hatid.sandbox.press(second, "4321#")

    assert "Thank you. Your confirmation is recorded. Goodbye." in entries(confirmed["call"], "say")
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.CONFIRMED
    assert escalation.confirmed_by == "+639179990002"
    attempts = list(escalation.attempts.values_list("msisdn", "status"))
    assert attempts == [("+639179990001", "no_answer"), ("+639179990002", "confirmed")]
    assert CallTrigger.objects.count() == 2  # nobody else is called


def test_demo_app_answers_a_call_from_the_handset_out_of_the_box(
    sandbox, live_server, settings, tmp_path, transactional_db
):
    settings.PUBLIC_BASE_URL = live_server.url
    call_command("bootstrap_demo", stdout=io.StringIO())
    sandbox.seed(json.loads(settings.SANDBOX_SEED_FILE.read_text()))

    placed = sandbox.place_call(CALLER, "21580001")

    assert entries(placed["call"], "say") == ["Welcome to Hatid's demo line."]
    assert entries(placed["call"], "ask") == [
        "Press 1 to hear today's promo. Press 2 to hear our hours."
    ]
    done = sandbox.press(CALLER, "2")
    assert entries(done["call"], "say")[-2:] == [
        "We are open from 8 in the morning to 8 in the evening.",
        "Thank you for calling. Goodbye.",
    ]
    assert done["call"]["state"] == "ended"
