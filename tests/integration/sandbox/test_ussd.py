"""USSD: handset-dialed sessions, the app's replies, network-initiated sessions, timeouts."""

import re
import time

import pytest

from sandbox.client import SandboxError, wait_for
from telecom.dates import parse_globe_datetime
from tests.integration.sandbox.conftest import NUMBER, SHORTCODE, wallet

MENU = "Simple USSD Message\nOption - 1\nOption - 2"


def reply_body(session_id, message=MENU, flash=False, **change):
    body = {
        "outboundUSSDMessage": {"message": message},
        "address": "639171234567",
        "senderAddress": SHORTCODE,
        "sessionID": session_id,
        "flash": flash,
        **change,
    }
    return {"outboundUSSDMessageRequest": {k: v for k, v in body.items() if v is not None}}


@pytest.fixture
def menu_app(platform, app_server, token):
    """An app that answers the session start with MENU and any input with a final message."""

    def answer(received):
        [message] = received.body["inboundUSSDMessageList"]["inboundUSSDMessage"]
        start = message["sessionStart"]
        text = MENU if start else f"You chose {message['message']}. Bye!"
        platform.post(
            "/ussd/v1/outbound/1234/reply/requests",
            params={"access_token": token},
            json=reply_body(message["sessionID"], text, flash=not start),
        )

    app_server.on("ussd", answer)
    return app_server


def test_dial_starts_a_session_and_the_app_menu_reaches_the_screen(sandbox, menu_app):
    result = sandbox.dial(NUMBER, "*120*1234#")

    [received] = menu_app.of("ussd")
    [message] = received.body["inboundUSSDMessageList"]["inboundUSSDMessage"]
    assert message["message"] is None and message["sessionStart"] is True
    assert message["destinationAddress"] == SHORTCODE
    assert message["senderAddress"] == "639171234567"
    assert re.fullmatch(r"\d{12}", message["sessionID"])
    parse_globe_datetime(message["datetime"])
    session = result["session"]
    assert (session["state"], session["screen"]) == ("open", MENU)
    assert session["session_id"] == message["sessionID"]

    answer = sandbox.ussd_input(NUMBER, "2")

    second = menu_app.of("ussd")[1].body["inboundUSSDMessageList"]["inboundUSSDMessage"][0]
    assert (second["message"], second["sessionStart"]) == ("2", False)
    assert second["sessionID"] == message["sessionID"]
    assert answer["session"]["state"] == "closed"  # the app's flash: true
    assert answer["session"]["screen"] == "You chose 2. Bye!"
    assert len(sandbox.deliveries("ussd", number=NUMBER)) == 2


def test_dial_with_inputs_sends_them_as_a_list(sandbox, menu_app):
    sandbox.dial(NUMBER, "*120*1234*1*2#")
    [message] = menu_app.of("ussd")[0].body["inboundUSSDMessageList"]["inboundUSSDMessage"]
    assert message["message"] == ["1", "2"] and message["sessionStart"] is True


def test_dial_of_an_unknown_code_and_input_without_a_session_are_refused(sandbox, app):
    with pytest.raises(SandboxError) as unknown:
        sandbox.dial(NUMBER, "*120*9999#")
    assert unknown.value.status == 409
    with pytest.raises(SandboxError) as no_session:
        sandbox.ussd_input(NUMBER, "1")
    assert no_session.value.status == 409


def test_session_times_out_after_the_configured_silence(sandbox, platform, app, token):
    sandbox.configure(ussd_session_timeout=0.3)
    session_id = sandbox.dial(NUMBER, "*120*1234#")["session"]["session_id"]

    wait_for(lambda: sandbox.handset(NUMBER)["ussd"]["state"] == "expired", timeout=5)
    late = platform.post(
        "/ussd/v1/outbound/1234/reply/requests",
        params={"access_token": token},
        json=reply_body(session_id),
    )
    assert (late.status_code, late.json()) == (400, {"error": "Invalid sessionID"})


def test_a_late_reply_alone_finds_the_session_expired(sandbox, platform, app, token):
    """Sessions are expired as they are read, by whichever read comes first:
    here the app's late reply, with no look at the handset before it."""
    sandbox.configure(ussd_session_timeout=0.3)
    session_id = sandbox.dial(NUMBER, "*120*1234#")["session"]["session_id"]
    time.sleep(0.4)  # the silence itself: past the timeout, nothing else to wait on
    late = platform.post(
        "/ussd/v1/outbound/1234/reply/requests",
        params={"access_token": token},
        json=reply_body(session_id),
    )
    assert (late.status_code, late.json()) == (400, {"error": "Invalid sessionID"})
    assert sandbox.handset(NUMBER)["ussd"]["state"] == "expired"


def test_handset_can_end_the_session(sandbox, menu_app):
    sandbox.dial(NUMBER, "*120*1234#")
    assert sandbox.ussd_cancel(NUMBER)["session"]["state"] == "cancelled"


def test_network_initiated_session(sandbox, platform, app, app_server, token):
    response = platform.post(
        "/ussd/v1/outbound/1234/send/requests",
        params={"access_token": token},
        json={
            "outboundUSSDMessageRequest": {
                "outboundUSSDMessage": {"message": MENU},
                "address": "639171234567",
                "senderAddress": SHORTCODE,
                "flash": False,
            }
        },
    )

    assert response.status_code == 200, response.text
    body = response.json()["outboundUSSDMessageRequest"]
    resource = f"{platform.url}/ussd/v1/outbound/{SHORTCODE}/reply/requests?access_token={token}"
    session_id = body["receiptRequest"]["sessionID"]
    assert body == {
        "address": "639171234567",
        "deliveryInfoList": {"deliveryInfo": [], "resourceURL": resource},
        "senderAddress": SHORTCODE,
        "outboundUSSDMessage": {"message": MENU},
        "receiptRequest": {"ussdNotifyURL": app["ussd_notify_uri"], "sessionID": session_id},
        "resourceURL": resource,
    }
    assert sandbox.handset(NUMBER)["ussd"]["screen"] == MENU

    sandbox.ussd_input(NUMBER, "1")
    [received] = app_server.of("ussd")
    message = received.body["inboundUSSDMessageList"]["inboundUSSDMessage"][0]
    assert (message["sessionID"], message["message"]) == (session_id, "1")

    reply = platform.post(
        "/ussd/v1/outbound/1234/reply/requests",
        params={"access_token": token},
        json=reply_body(session_id, "Done", flash=True),
    )
    assert reply.status_code == 200
    receipt = reply.json()["outboundUSSDMessageRequest"]["receiptRequest"]
    assert receipt["sessionID"] == session_id and len(receipt["referenceID"]) == 16
    assert sandbox.handset(NUMBER)["ussd"]["state"] == "closed"


BLOCKED = "Your account is currently blocked. Please contact api@globe.com.ph for reactivation."


@pytest.mark.parametrize(
    ("setup", "change", "status", "error"),
    [
        ({}, {"flash": None}, 400, "Missing parameters"),
        ({}, {"extra": 1}, 400, "Excess parameters"),
        ({}, {"address": "1234"}, 400, "Invalid subscriber number"),
        ({}, {"token": "nope"}, 401, "Invalid access token"),
        ({"app": {"ussd_provisioned": False}}, {}, 401, "App is not provisioned for USSD"),
        ({"app": {"blocked": True}}, {}, 403, BLOCKED),
        ({"subscriber": {"blacklisted": True}}, {}, 403, "The subscriber is blacklisted"),
        ({"app": {"wallet_balance": "0.00"}}, {}, 403, "Insufficient Wallet Balance"),
        ({}, {"shortcode": "7777"}, 404, "App not found"),
        ({}, {"sessionID": "000000000000"}, 400, "Invalid sessionID"),
    ],
)
def test_ussd_reply_documented_errors(sandbox, platform, app, token, setup, change, status, error):
    session_id = sandbox.dial(NUMBER, "*120*1234#")["session"]["session_id"]
    if "app" in setup:
        sandbox.register_app(app_id=app["app_id"], **setup["app"])
    if "subscriber" in setup:
        sandbox.add_subscriber(NUMBER, **setup["subscriber"])
    change = dict(change)
    access_token = change.pop("token", token)
    shortcode = change.pop("shortcode", "1234")
    before = wallet(sandbox, app)

    response = platform.post(
        f"/ussd/v1/outbound/{shortcode}/reply/requests",
        params={"access_token": access_token},
        json=reply_body(change.pop("sessionID", session_id), **change),
    )

    assert (response.status_code, response.json()) == (status, {"error": error})
    assert sandbox.deliveries("ussd") == []
    assert wallet(sandbox, app) == before


def test_the_handsets_ussd_screen_alone_is_the_full_states(sandbox, menu_app):
    with pytest.raises(SandboxError) as missing:
        sandbox.ussd_screen("+639170000000")
    assert missing.value.status == 404
    sandbox.dial(NUMBER, "*120*1234#")
    assert sandbox.ussd_screen(NUMBER) == sandbox.handset(NUMBER)["ussd"]
    assert sandbox.ussd_screen(NUMBER)["screen"] == MENU
    sandbox.ussd_input(NUMBER, "1")
    closed = sandbox.ussd_screen(NUMBER)
    assert closed == sandbox.handset(NUMBER)["ussd"] and closed["state"] == "closed"
