"""The Hoiio twin over real HTTP: a call rings on a rented number, Hoiio's
`ringing` notification reaches the number's `forward_to`, the app's first
block answers it, gathers take the keys given, and the transcript is kept;
bad bodies are a 400 naming the field."""

import pytest

from sandbox.client import SandboxError, wait_for
from tests.integration.sandbox.hoiio.conftest import APP_ID, TOKEN, A, form

NUMBER = "+6531591002"


@pytest.fixture
def rented(sandbox, account, app_server):
    sandbox.hoiio_account(
        APP_ID,
        access_token=TOKEN,
        numbers=[
            {
                "number": NUMBER,
                "forward_to": app_server.uri("ivr"),
                "forward_sms_to": app_server.uri("sms-in"),
            }
        ],
    )
    return NUMBER


def test_a_seeded_number_is_rented_with_its_forwarding(sandbox, rented, app_server):
    [number] = [n for n in sandbox.hoiio_numbers() if n["number"] == rented]
    assert number["app_id"] == APP_ID and number["mode"] == "voice"
    assert number["forward_to"] == app_server.uri("ivr")


def test_a_call_rings_is_answered_by_a_block_and_keys_the_digits_given(
    sandbox, hoiio, rented, app_server
):
    rung = sandbox.hoiio_incoming_call(rented, A, digits="25")
    ringing = form(app_server.wait_for("ivr")[0])
    assert ringing["session"] == rung["session"] and ringing["call_state"] == "ringing"
    assert (ringing["from"], ringing["to"]) == (A, rented)

    session, notify = rung["session"], app_server.uri("ivr")
    hoiio.ok("ivr/middle/gather", session=session, msg="Pick one.", max_digits=1, notify_url=notify)
    first = form(app_server.wait_for("ivr", 2)[1])
    assert (first["call_state"], first["digits"]) == ("ongoing", "2")
    hoiio.ok("ivr/middle/gather", session=session, msg="And another.", notify_url=notify)
    second = form(app_server.wait_for("ivr", 3)[2])
    assert second["digits"] == "5"
    hoiio.ok("ivr/end/hangup", session=session, msg="Bye.", tag="t-end", notify_url=notify)
    last = form(app_server.wait_for("ivr", 4)[3])
    assert (last["call_state"], last["tag"], last["call_status"]) == ("ended", "t-end", "answered")

    kept = sandbox.hoiio_session(session)
    where = (kept["direction"], kept["src"], kept["dest"], kept["state"])
    assert where == ("in", A, rented, "ended")
    blocks = [b["block"] for b in kept["transcript"]]
    assert blocks == ["ring", "answer", "gather", "gather", "hangup"]
    assert kept["transcript"][-1]["msg"] == "Bye."


def test_a_call_nobody_answers_ends_unanswered(sandbox, rented, app_server):
    sandbox.configure(hoiio_call_seconds=0.5)
    rung = sandbox.hoiio_incoming_call(rented, A)
    ended = form(app_server.wait_for("ivr", 2)[1])
    assert (ended["call_state"], ended["call_status"]) == ("ended", "unanswered")
    wait_for(lambda: sandbox.hoiio_session(rung["session"])["state"] == "ended")


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({}, "from"),
        ({"from": ""}, "from"),
        ({"from": 639171234567}, "from"),
        ({"from": "not a number"}, "from: "),
        ({"from": A, "digits": "12a"}, "digits"),
        ({"from": A, "digits": 12}, "digits"),
        ({"from": A, "digits": "1" * 33}, "digits"),
        ({"from": A, "dtmf": "1"}, "dtmf"),
    ],
)
def test_bad_call_bodies_are_a_400_naming_the_field(sandbox, rented, body, named):
    with pytest.raises(SandboxError) as refused:
        sandbox.call("POST", f"/_sandbox/hoiio/numbers/{rented}/call", json=body)
    assert refused.value.status == 400 and named in refused.value.body["error"]


def test_only_rented_numbers_in_voice_mode_ring(sandbox, hoiio, rented):
    with pytest.raises(SandboxError) as refused:
        sandbox.hoiio_incoming_call("+6531591004", A)
    assert refused.value.status == 404
    hoiio.ok("number/update_forwarding", number=rented, forward_to="http://x.test/f", mode="fax")
    with pytest.raises(SandboxError) as refused:
        sandbox.hoiio_incoming_call(rented, A)
    assert refused.value.status == 409
