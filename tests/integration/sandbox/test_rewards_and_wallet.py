"""The Load (Rewards) API with its asynchronous status callback, and the wallet balance."""

import pytest

from sandbox.client import wait_for
from telecom.dates import parse_globe_datetime
from tests.integration.sandbox.conftest import wallet

SEND = "/rewards/v1/transactions/send"
NUMBER = "9271051129"


def reward(app, **change):
    body = {
        "app_id": app["app_id"],
        "app_secret": app["app_secret"],
        "rewards_token": app["rewards_token"],
        "address": NUMBER,
        "promo": "LOAD 50",
        **change,
    }
    return {"outboundRewardRequest": {k: v for k, v in body.items() if v is not None}}


def test_reward_documented_example_answers_then_calls_back_with_the_status(
    sandbox, platform, app, app_server
):
    response = platform.post(SEND, json=reward(app))

    assert response.status_code == 200, response.text
    answer = response.json()["outboundRewardRequest"]
    assert isinstance(answer["transaction_id"], int)
    assert answer["status"] == "Please check your Rewards Callback URI for status"
    assert (answer["address"], answer["promo"]) == (NUMBER, "LOAD 50")
    parse_globe_datetime(answer["timestamp"])

    [callback] = app_server.wait_for("rewards")
    assert callback.method == "POST"
    assert callback.body == {
        "outboundRewardRequest": {
            "status": "SUCCESS",
            "promo": "LOAD 50",
            "timestamp": answer["timestamp"],
            "transaction_id": answer["transaction_id"],
            "address": NUMBER,
        }
    }
    [delivery] = sandbox.deliveries("reward", number=NUMBER)
    assert delivery["amount"] == "50.00"
    assert wallet(sandbox, app) == "950.00"
    [subscriber] = [s for s in sandbox.subscribers() if s["number"] == "+639271051129"]
    assert subscriber["balance"] == "150.00"  # the default 100.00 load plus 50


def test_reward_that_fails_calls_back_failed_and_refunds(sandbox, platform, app, app_server):
    sandbox.add_subscriber(NUMBER, reward_outcome="FAILED")
    platform.post(SEND, json=reward(app))
    [callback] = app_server.wait_for("rewards")
    assert callback.body["outboundRewardRequest"]["status"] == "FAILED"
    wait_for(lambda: wallet(sandbox, app) == "1000.00", what="the refund")


def test_every_accepted_reward_is_a_new_transaction(sandbox, platform, app, app_server):
    first = platform.post(SEND, json=reward(app)).json()["outboundRewardRequest"]
    second = platform.post(SEND, json=reward(app)).json()["outboundRewardRequest"]
    assert first["transaction_id"] != second["transaction_id"]
    app_server.wait_for("rewards", count=2)


@pytest.mark.parametrize(
    ("setup", "change", "status", "error"),
    [
        ({}, {"app_secret": "wrong"}, 401, "Invalid App Secret"),
        ({"rewards_provisioned": False}, {}, 401, "App is not provisioned for Rewards"),
        ({}, {"rewards_token": "wrong"}, 401, "Invalid Rewards Token"),
        ({}, {"promo": "LOAD 100"}, 401, "App is not provisioned for this promo"),
        ({"wallet_balance": "10.00"}, {}, 403, "Insufficient Wallet Balance"),
        (
            {"blocked": True},
            {},
            403,
            "Your account is currently blocked. Please contact api@globe.com.ph for reactivation",
        ),
        ({"subscriber": {"blacklisted": True}}, {}, 403, "The subscriber is blacklisted"),
        ({}, {"app_id": "nope"}, 404, "App not found"),
        ({}, {"promo": "NO SUCH PROMO"}, 404, "Invalid promo"),
        ({}, {"promo": None}, 400, "Missing parameters"),
        ({}, {"address": "12"}, 400, "Invalid subscriber number"),
    ],
)
def test_reward_documented_errors(sandbox, platform, app, app_server, setup, change, status, error):
    setup = dict(setup)
    if "subscriber" in setup:
        sandbox.add_subscriber(NUMBER, **setup.pop("subscriber"))
    if setup:
        sandbox.register_app(app_id=app["app_id"], **setup)
    response = platform.post(SEND, json=reward(app, **change))
    assert (response.status_code, response.json()) == (status, {"error": error})
    assert sandbox.deliveries("reward") == []


def test_reward_500_comes_from_a_fault(sandbox, platform, app):
    sandbox.set_fault("reward", status=500)
    response = platform.post(SEND, json=reward(app))
    assert (response.status_code, response.json()) == (
        500,
        {"error": "Something went wrong. Please try again in a while"},
    )
    assert sandbox.deliveries("reward") == []


BALANCE = "/wallet/v1/balance/"


def test_wallet_balance_with_passphrase(sandbox, platform, app):
    response = platform.post(
        BALANCE,
        json={
            "walletBalanceRequest": {
                "app_id": app["app_id"],
                "app_secret": app["app_secret"],
                "passphrase": app["passphrase"],
            }
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["wallet_balance"] == 1000.0
    parse_globe_datetime(body["as_of"])


def test_wallet_balance_with_an_access_token(sandbox, platform, app, token):
    response = platform.post(BALANCE, json={"walletBalanceRequest": {"access_token": token}})
    assert response.status_code == 200
    assert response.json()["wallet_balance"] == 1000.0


@pytest.mark.parametrize(
    "request_body",
    [
        {"walletBalanceRequest": {"access_token": "nope"}},
        {"walletBalanceRequest": {"app_id": "{app_id}", "app_secret": "{secret}"}},
        {"walletBalanceRequest": {"app_id": "{app_id}", "app_secret": "x", "passphrase": "{pp}"}},
        {"somethingElse": {}},
    ],
)
def test_wallet_balance_refuses_bad_credentials(platform, app, request_body):
    values = {"app_id": app["app_id"], "secret": app["app_secret"], "pp": app["passphrase"]}
    inner = next(iter(request_body.values()))
    request_body = {next(iter(request_body)): {k: v.format(**values) for k, v in inner.items()}}
    response = platform.post(BALANCE, json=request_body)
    assert (response.status_code, response.json()) == (
        401,
        {"error": "Unauthorized / Authentication failed"},
    )


def test_wallet_balance_asked_too_often_is_429_until_the_interval_passed(sandbox, platform, token):
    sandbox.configure(wallet_min_interval=1.0)
    body = {"walletBalanceRequest": {"access_token": token}}
    assert platform.post(BALANCE, json=body).status_code == 200
    again = platform.post(BALANCE, json=body)
    assert (again.status_code, again.json()) == (429, {"error": "Too many requests"})
    assert again.headers["Retry-After"] == "1"
    wait_for(lambda: platform.post(BALANCE, json=body).status_code == 200, timeout=5, interval=0.2)
