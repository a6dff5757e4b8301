"""Each knob of `POST /_sandbox/settings` changes what the platform does."""

import time
from decimal import Decimal

from tests.integration.sandbox.conftest import NUMBER, SHORTCODE, wallet


def test_price_knobs_set_what_the_wallet_is_debited(sandbox, platform, token, app):
    sandbox.configure(prices={"sms": "0.20", "sms_error": "1.00", "location": "0.00"})
    platform.sms(token, {"address": NUMBER, "outboundSMSTextMessage": {"message": "x"}})
    platform.sms(token, {"address": "12", "outboundSMSTextMessage": {"message": "x"}})
    platform.get(
        "/location/v1/queries/location",
        params={"access_token": token, "address": NUMBER, "requestedAccuracy": "10"},
    )
    assert Decimal(wallet(sandbox, app)) == Decimal("1000.00") - Decimal("1.20")


def test_default_balances_apply_to_new_apps_and_handsets(sandbox):
    sandbox.configure(default_wallet_balance="5.00", default_subscriber_balance="1.50")
    assert (
        sandbox.register_app(app_id="a", app_secret="s", shortcode="21580009")["wallet_balance"]
        == "5.00"
    )
    sandbox.text("09175550000", "21580009", "hi")
    [handset] = sandbox.subscribers()
    assert handset["balance"] == "1.50"


def test_reward_callback_delay(sandbox, platform, app, app_server):
    sandbox.configure(reward_callback_delay=0.6)
    started = time.monotonic()
    platform.post(
        "/rewards/v1/transactions/send",
        json={
            "outboundRewardRequest": {
                "app_id": app["app_id"],
                "app_secret": app["app_secret"],
                "rewards_token": app["rewards_token"],
                "address": NUMBER,
                "promo": "FREE10MB",
            }
        },
    )
    [callback] = app_server.wait_for("rewards")
    assert callback.at - started >= 0.6


def test_callback_read_timeout_marks_a_slow_app_failed(sandbox, app, app_server):
    sandbox.configure(callback_read_timeout=0.2)
    app_server.on("notify", lambda received: time.sleep(0.6))
    [callback] = sandbox.text(NUMBER, SHORTCODE, "Hello")["callbacks"]
    assert callback["status"] == "failed" and "timed out" in callback["error"].lower()


def test_callbacks_and_deliveries_filter_by_app_and_kind(sandbox, platform, token, app):
    sandbox.register_app(app_id="other", app_secret="s", shortcode="21585555")
    sandbox.text(NUMBER, SHORTCODE, "Hello")
    sandbox.text(NUMBER, "21585555", "Hello")
    platform.sms(token, {"address": NUMBER, "outboundSMSTextMessage": {"message": "x"}})
    assert len(sandbox.callbacks("sms_mo")) == 2
    assert len(sandbox.callbacks(app_id="other")) == 1
    assert sandbox.callbacks("reward") == []
    assert len(sandbox.deliveries(app_id=app["app_id"])) == 1
    assert sandbox.deliveries(app_id="other") == []
