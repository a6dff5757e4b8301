"""SMS MT and binary SMS against a running sandbox, over HTTP."""

from decimal import Decimal

import pytest

from tests.integration.sandbox.conftest import NUMBER, Platform, wallet
from tests.support.concurrency import at_once


def hello(**extra):
    return {
        "clientCorrelator": "123456",
        "senderAddress": "1234",
        "outboundSMSTextMessage": {"message": "Hello World"},
        "address": "9171234567",
        **extra,
    }


def test_sms_mt_documented_example_gets_the_documented_answer(sandbox, platform, token, app):
    response = platform.sms(token, hello())

    assert response.status_code == 201
    body = response.json()["outboundSMSMessageRequest"]
    resource = f"{platform.url}/smsmessaging/v1/outbound/1234/requests?access_token={token}"
    assert body == {
        "address": "tel:+639171234567",
        "deliveryInfoList": {"deliveryInfo": [], "resourceURL": resource},
        "senderAddress": "1234",
        "outboundSMSTextMessage": {"message": "Hello World"},
        "receiptRequest": {
            "notifyURL": app["notify_uri"],
            "callbackData": None,
            "senderName": None,
            "resourceURL": resource,
        },
    }
    assert [m["text"] for m in sandbox.inbox(NUMBER)] == ["Hello World"]
    [delivery] = sandbox.deliveries("sms", number=NUMBER)
    assert delivery["clientCorrelator"] == "123456"
    assert delivery["duplicate_submissions"] == 0


@pytest.mark.parametrize(
    "address",
    ["9171234567", "09171234567", "+639171234567", "tel:+639171234567", ["tel:+639171234567"]],
)
def test_sms_mt_accepts_every_documented_address_form(sandbox, platform, token, address):
    response = platform.sms(token, hello(address=address, clientCorrelator=None))
    assert response.status_code == 201, response.text
    assert response.json()["outboundSMSMessageRequest"]["address"] == "tel:+639171234567"


def test_sms_mt_accepts_the_sdk_sender_form(platform, token):
    response = platform.sms(token, hello(senderAddress="tel:1234"))
    assert response.status_code == 201, response.text


def test_sms_mt_long_message_is_delivered_in_parts_and_billed_per_part(
    sandbox, platform, token, app
):
    before = Decimal(wallet(sandbox, app))
    text = "x" * 161 + "y" * 160 + "z"
    response = platform.sms(token, hello(outboundSMSTextMessage={"message": text}))

    assert response.status_code == 201
    [delivery] = sandbox.deliveries("sms")
    assert [len(part) for part in delivery["parts"]] == [160, 160, 2]
    assert before - Decimal(wallet(sandbox, app)) == Decimal("1.50")  # 3 parts x 0.50
    [message] = sandbox.inbox(NUMBER)
    assert message["text"] == text and message["parts"] == 3


def test_sms_mt_repeated_client_correlator_is_answered_but_not_delivered_again(
    sandbox, platform, token, app
):
    first = platform.sms(token, hello())
    balance = wallet(sandbox, app)
    again = platform.sms(token, hello(outboundSMSTextMessage={"message": "changed"}))

    assert again.status_code == 201
    assert again.json() == first.json()
    [delivery] = sandbox.deliveries("sms")
    assert delivery["duplicate_submissions"] == 1
    assert [m["text"] for m in sandbox.inbox(NUMBER)] == ["Hello World"]
    assert wallet(sandbox, app) == balance  # a repeat costs nothing


def test_sms_mt_concurrent_duplicates_are_delivered_once(sandbox, token, sandbox_process):
    clients = 12
    answers = at_once(
        lambda: Platform(sandbox_process.url).sms(token, hello(clientCorrelator="same-for-all")),
        clients,
    )

    assert [a.status_code for a in answers] == [201] * clients
    assert len({a.text for a in answers}) == 1
    [delivery] = sandbox.deliveries("sms")
    assert delivery["duplicate_submissions"] == clients - 1
    assert len(sandbox.inbox(NUMBER)) == 1


def test_sms_mt_same_correlator_from_another_app_is_another_message(sandbox, platform, token):
    sandbox.register_app(app_id="other", app_secret="s", shortcode="21585678")
    other = sandbox.grant("other", NUMBER)["access_token"]
    assert platform.sms(token, hello()).status_code == 201
    assert platform.sms(other, hello(senderAddress="5678"), sender="5678").status_code == 201
    assert len(sandbox.deliveries("sms")) == 2


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"token": "not-a-token"}, 401, "Invalid access token"),
        ({"address": "12345"}, 400, "Invalid subscriber number"),
        ({"address": "09181112222"}, 401, "Invalid access token"),  # not the token's subscriber
        ({"address": ["09171234567", "09181112222"]}, 400, "Invalid subscriber number"),
        ({"message": None}, 400, "Missing parameters"),
        ({"sender": "9999"}, 400, "Invalid senderAddress"),
    ],
)
def test_sms_mt_errors_are_400_or_401_and_cost_fifty_centavos(
    sandbox, platform, token, app, change, status, error
):
    before = Decimal(wallet(sandbox, app))
    body = hello(clientCorrelator=None)
    if "address" in change:
        body["address"] = change["address"]
    if "message" in change:
        body["outboundSMSTextMessage"] = {}
    response = platform.sms(change.get("token", token), body, sender=change.get("sender", "1234"))

    assert (response.status_code, response.json()) == (status, {"error": error})
    assert sandbox.deliveries("sms") == []
    assert before - Decimal(wallet(sandbox, app)) == Decimal("0.50")


def test_sms_mt_refused_when_the_wallet_is_empty(sandbox, platform, token, app):
    sandbox.register_app(app_id=app["app_id"], wallet_balance="0.40")
    response = platform.sms(token, hello())
    assert (response.status_code, response.json()) == (
        403,
        {"error": "Insufficient Wallet Balance"},
    )
    assert sandbox.deliveries("sms") == []
    assert sandbox.inbox(NUMBER) == []


def test_sms_mt_with_a_revoked_token_is_refused(sandbox, platform, token, app):
    sandbox.text(NUMBER, app["shortcode"], "STOP")
    assert platform.sms(token, hello()).status_code == 401


def test_sms_mt_wrong_method_is_a_404_like_the_platforms_router(platform, token):
    response = platform.get(
        "/smsmessaging/v1/outbound/1234/requests", params={"access_token": token}
    )
    assert response.status_code == 404
    assert response.json() == {"error": "Cannot GET /smsmessaging/v1/outbound/1234/requests"}


def binary(**extra):
    return {
        "outboundBinaryMessageRequest": {
            "userDataHeader": "06050423F423F4",
            "dataCodingScheme": 1,
            "address": "9171234567",
            "outboundBinaryMessage": {"message": "samplebinarymessage"},
            "senderAddress": "21581234",
            **extra,
        }
    }


@pytest.mark.parametrize("scheme", [0, 1, 3, 4, 8, "4"])
def test_binary_sms_accepts_every_documented_data_coding(sandbox, platform, token, scheme):
    response = platform.post(
        "/binarymessaging/v1/outbound/1234/requests",
        params={"access_token": token},
        json=binary(dataCodingScheme=scheme),
    )
    assert response.status_code == 201, response.text
    body = response.json()["outboundBinaryMessageRequest"]
    assert body["address"] == "9171234567"
    assert body["senderAddress"] == "21581234"
    assert body["userDataHeader"] == "06050423F423F4"
    assert body["dataCodingScheme"] == int(scheme)
    assert body["outboundBinaryMessage"] == {"message": "samplebinarymessage"}
    assert body["deliveryInfoList"]["deliveryInfo"] == []
    assert len(sandbox.deliveries("binary")) == 1


def test_binary_sms_takes_the_token_from_the_body_as_the_sdk_sends_it(platform, token):
    response = platform.post(
        "/binarymessaging/v1/outbound/1234/requests", json=binary(access_token=token)
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "change", [{"dataCodingScheme": 2}, {"userDataHeader": "XYZ"}, {"userDataHeader": "123"}]
)
def test_binary_sms_rejects_what_the_docs_do_not_allow(sandbox, platform, token, change):
    response = platform.post(
        "/binarymessaging/v1/outbound/1234/requests",
        params={"access_token": token},
        json=binary(**change),
    )
    assert response.status_code == 400
    assert sandbox.deliveries("binary") == []
