"""The demo flow on Hoiio, end to end: `bootstrap_demo` as `make run` runs it,
the sandbox seeded from its file over HTTP, Hatid on a live server and a real
Celery worker sending each IVR block to the sandbox's Hoiio twin.

- a call rings the demo Hoiio app's rented number on the twin, keys 2 at the
  menu, and hears what a handset hears calling the Globe demo line and
  keying 2 (the same flow, two providers);
- `start_hoiio_call` dials a number, which keys 2, and hears the same.
"""

import io
import json

import pytest
from django.core.management import call_command

from sandbox.client import wait_for
from telecom.models import ProviderApp
from voiceflows.models import CallSession, VoiceFlow
from voiceflows.services.hoiio_calls import start_hoiio_call

pytestmark = pytest.mark.e2e

CALLER = "+639171234567"
CALLED = "+639179990000"


def spoken_on_globe(call: dict) -> list[tuple[str, str]]:
    """What the caller heard and was asked, from the Tropo player's transcript."""
    return [(k, v) for entry in call["transcript"] for k, v in entry.items() if k in ("say", "ask")]


def spoken_on_hoiio(session: dict) -> list[tuple[str, str]]:
    """The same from the Hoiio twin's transcript: a play or a hangup's message is
    said, a gather's is asked."""
    heard = []
    for block in session["transcript"]:
        if block.get("msg") and block["block"] in ("play", "hangup"):
            heard.append(("say", block["msg"]))
        elif block["block"] == "gather":
            heard.append(("ask", block["msg"]))
    return heard


@pytest.fixture
def demo(sandbox, e2e_settings, transactional_db):
    call_command("bootstrap_demo", stdout=io.StringIO())
    sandbox.seed(json.loads(e2e_settings.SANDBOX_SEED_FILE.read_text()))
    yield ProviderApp.objects.get(provider="hoiio")
    sandbox.quiesce()


def ended(sandbox, session: str) -> dict:
    return wait_for(
        lambda: (
            (sandbox.hoiio_session(session)["state"] == "ended") and sandbox.hoiio_session(session)
        ),
        timeout=30,
        what=f"the Hoiio session {session} ended",
    )


def the_globe_demo(sandbox) -> list[tuple[str, str]]:
    """The Globe demo e2e test's call (tests/e2e/voice/test_voice.py): the handset
    calls the demo line and keys 2; what it heard, from first to last."""
    sandbox.place_call("09171234567", "21580001")
    done = sandbox.press("09171234567", "2")
    assert done["call"]["state"] == "ended"
    return spoken_on_globe(done["call"])


DEMO_HEARD = [
    ("say", "Welcome to Hatid's demo line."),
    ("ask", "Press 1 to hear today's promo. Press 2 to hear our hours."),
    ("say", "We are open from 8 in the morning to 8 in the evening."),
    ("say", "Thank you for calling. Goodbye."),
]


def test_a_call_to_the_demo_hoiio_number_plays_the_demo_flow_as_on_globe(
    sandbox, demo, celery_worker
):
    [number] = [n for n in sandbox.hoiio_numbers() if n["app_id"] == demo.app_id]
    assert number["mode"] == "voice"
    assert number["forward_to"] == demo.callback_uri("ivr")
    assert number["forward_sms_to"] == demo.callback_uri("sms-in")

    rung = sandbox.hoiio_incoming_call(number["number"], CALLER, digits="2")

    session = ended(sandbox, rung["session"])
    assert session["direction"] == "in" and session["src"] == CALLER
    assert [b["block"] for b in session["transcript"]] == [
        "ring",
        "answer",
        "play",
        "gather",
        "play",
        "play",
        "hangup",
    ]
    assert session["transcript"][3]["digits"] == "2"
    assert spoken_on_hoiio(session) == the_globe_demo(sandbox) == DEMO_HEARD
    call = wait_for(
        lambda: CallSession.objects.filter(app=demo, status="completed").first(),
        what="the call session completed",
    )
    assert (call.direction, call.msisdn, call.call_id) == ("inbound", CALLER, rung["session"])
    assert call.variables["choice"] == "2"
    assert call.flow.slug == "demo"


def test_start_hoiio_call_plays_the_demo_flow_as_on_globe(sandbox, demo, celery_worker):
    sandbox.phone(CALLED, digits="2")
    flow = VoiceFlow.objects.get(app=demo, slug="demo")

    call = start_hoiio_call(app=demo, to=CALLED, flow=flow, variables={"ref": "A1"})

    done = wait_for(
        lambda: CallSession.objects.filter(pk=call.pk, status="completed").first(),
        timeout=30,
        what="the outbound call completed",
    )
    session = ended(sandbox, done.call_id)
    assert session["direction"] == "out" and session["dest"] == CALLED
    assert [b["block"] for b in session["transcript"]] == [
        "dial",
        "play",
        "gather",
        "play",
        "play",
        "hangup",
    ]
    assert spoken_on_hoiio(session) == the_globe_demo(sandbox) == DEMO_HEARD
    assert done.variables == {"caller": "", "callee": CALLED, "ref": "A1", "choice": "2"}
