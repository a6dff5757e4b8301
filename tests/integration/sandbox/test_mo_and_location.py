"""SMS MO to the notify URI, and the location and subscriber queries."""

import pytest

from telecom.dates import parse_globe_datetime
from tests.integration.sandbox.conftest import NUMBER, SHORTCODE, wallet


def test_sms_mo_posts_the_documented_inbound_message(sandbox, app, app_server):
    result = sandbox.text(NUMBER, SHORTCODE, "Hello")

    assert result["action"] == "mo"
    assert result["callbacks"][0]["response_status"] == 200
    [received] = app_server.of("notify")
    assert received.method == "POST"
    batch = received.body["inboundSMSMessageList"]
    assert batch["numberOfMessagesInThisBatch"] == 1
    assert batch["resourceURL"] is None and batch["totalNumberOfPendingMessages"] is None
    [message] = batch["inboundSMSMessage"]
    assert message["message"] == "Hello"
    assert message["destinationAddress"] == f"tel:{SHORTCODE}"
    assert message["senderAddress"] == "tel:+639171234567"
    assert message["resourceURL"] is None
    assert len(message["messageId"]) == 24
    parse_globe_datetime(message["dateTime"])
    assert "multipartRefId" not in message


def long_text() -> str:
    return "".join(f"{n:04d}" for n in range(100))  # 400 characters: 3 parts of <= 153


@pytest.mark.parametrize(
    ("order", "expected"), [("in_order", ["1", "2", "3"]), ("reverse", ["3", "2", "1"])]
)
def test_sms_mo_over_160_characters_arrives_in_parts_in_the_chosen_order(
    sandbox, app, app_server, order, expected
):
    sandbox.text(NUMBER, SHORTCODE, long_text(), order=order)

    received = app_server.of("notify")
    messages = [r.body["inboundSMSMessageList"]["inboundSMSMessage"][0] for r in received]
    assert [m["multipartSeqNum"] for m in messages] == expected
    assert len({m["multipartRefId"] for m in messages}) == 1
    assert all(
        r.body["inboundSMSMessageList"]["numberOfMessagesInThisBatch"] == "3" for r in received
    )
    parts = sorted(messages, key=lambda m: int(m["multipartSeqNum"]))
    assert [len(m["message"]) for m in parts] == [153, 153, 94]
    assert "".join(m["message"] for m in parts) == long_text()


def test_sms_mo_part_order_knob_applies_to_every_text(sandbox, app, app_server):
    sandbox.configure(mo_part_order="reverse")
    sandbox.text(NUMBER, SHORTCODE, long_text())
    seq = [
        r.body["inboundSMSMessageList"]["inboundSMSMessage"][0]["multipartSeqNum"]
        for r in app_server.of("notify")
    ]
    assert seq == ["3", "2", "1"]


def test_sms_mo_shuffled_order_still_delivers_every_part(sandbox, app, app_server):
    sandbox.text(NUMBER, SHORTCODE, long_text() * 3, order="shuffled")
    seq = {
        r.body["inboundSMSMessageList"]["inboundSMSMessage"][0]["multipartSeqNum"]
        for r in app_server.of("notify")
    }
    assert seq == {str(n) for n in range(1, 9)}


def test_callback_the_app_refuses_is_recorded_not_retried(sandbox, app, app_server):
    app_server.answer("notify", 500)
    result = sandbox.text(NUMBER, SHORTCODE, "Hello")
    [callback] = result["callbacks"]
    assert (callback["status"], callback["response_status"]) == ("rejected", 500)
    assert len(app_server.of("notify")) == 1
    assert sandbox.callbacks("sms_mo")[0]["status"] == "rejected"


def test_callback_to_an_app_without_that_uri_is_recorded_as_skipped(sandbox):
    sandbox.register_app(app_id="bare", app_secret="s", shortcode="21580042")
    [callback] = sandbox.text(NUMBER, "21580042", "Hi")["callbacks"]
    assert callback["status"] == "skipped"


def test_location_documented_example_gets_the_documented_answer(sandbox, platform, token, app):
    before = wallet(sandbox, app)
    response = platform.get(
        "/location/v1/queries/location",
        params={"access_token": token, "address": "09171234567", "requestedAccuracy": "100"},
    )

    assert response.status_code == 201  # as the LBS response table says
    terminal = response.json()["terminalLocationList"]["terminalLocation"]
    assert terminal["address"] == "tel:9171234567"
    assert terminal["locationRetrievalStatus"] == "Retrieved"
    location = terminal["currentLocation"]
    assert location["accuracy"] == 100
    assert (location["latitude"], location["longitude"]) == ("14.5609722", "121.0193394")
    assert location["map_url"] == (
        "http://maps.google.com/maps?z=17&t=m&q=loc:14.5609722+121.0193394"
    )
    parse_globe_datetime(location["timestamp"])
    assert float(before) - float(wallet(sandbox, app)) == 1.00


def test_location_of_a_handset_without_a_fix_is_not_retrieved(sandbox, platform, token):
    sandbox.add_subscriber(NUMBER, latitude=None, longitude=None)
    response = platform.get(
        "/location/v1/queries/location",
        params={"access_token": token, "address": NUMBER, "requestedAccuracy": "10"},
    )
    terminal = response.json()["terminalLocationList"]["terminalLocation"]
    assert terminal["locationRetrievalStatus"] == "NotRetrieved"
    assert "currentLocation" not in terminal


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"address": NUMBER}, 400),  # no requestedAccuracy
        ({"address": "0917", "requestedAccuracy": "10"}, 400),
        ({"address": "09181112222", "requestedAccuracy": "10"}, 401),
    ],
)
def test_location_errors_are_charged(sandbox, platform, token, app, params, status):
    before = wallet(sandbox, app)
    response = platform.get(
        "/location/v1/queries/location", params={"access_token": token, **params}
    )
    assert response.status_code == status
    assert float(before) - float(wallet(sandbox, app)) == 0.50


def test_subscriber_balance_and_reload_amount_as_the_sdk_documents(sandbox, platform, token):
    params = {"access_token": token, "address": NUMBER}
    balance = platform.get("/location/v1/queries/balance", params=params)
    reload_amount = platform.get("/location/v1/queries/reload_amount", params=params)

    assert balance.status_code == reload_amount.status_code == 200
    assert balance.json() == {
        "terminalLocationList": {
            "terminalLocation": [{"address": "639171234567", "subBalance": "10000"}]
        }
    }
    assert reload_amount.json()["terminalLocationList"]["terminalLocation"] == [
        {"address": "639171234567", "reloadAmount": "30000"}
    ]


def test_subscriber_queries_need_the_subscribers_own_token(platform, token):
    response = platform.get(
        "/location/v1/queries/balance", params={"access_token": token, "address": "09181112222"}
    )
    assert (response.status_code, response.json()) == (401, {"error": "Invalid access token"})
