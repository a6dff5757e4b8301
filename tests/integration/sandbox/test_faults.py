"""Faults: errors with a probability, latency, timeouts and resets after the request was
applied, and callbacks delivered twice or out of order."""

import time

import pytest
import requests

from sandbox.client import SandboxError, wait_for
from tests.integration.sandbox.conftest import NUMBER, SHORTCODE


def sms(correlator="c-1", message="Hello"):
    return {
        "clientCorrelator": correlator,
        "address": NUMBER,
        "outboundSMSTextMessage": {"message": message},
    }


def test_error_fault_answers_instead_of_applying(sandbox, platform, token):
    sandbox.set_fault("sms", status=503)
    response = platform.sms(token, sms())
    assert (response.status_code, response.json()) == (
        503,
        {"error": "Platform Error. API Service is busy or down"},
    )
    assert sandbox.deliveries("sms") == []


def test_error_fault_with_probability_zero_never_fires(sandbox, platform, token):
    sandbox.set_fault("sms", status=502, probability=0.0)
    for n in range(5):
        assert platform.sms(token, sms(f"c-{n}")).status_code == 201


def test_error_fault_with_a_probability_fires_some_of_the_time(sandbox, platform, token):
    sandbox.set_fault("sms", status=502, probability=0.5)
    statuses = {platform.sms(token, sms(f"c-{n}")).status_code for n in range(60)}
    assert statuses == {201, 502}  # (1/2)^60 odds of a false failure


def test_fault_for_a_number_of_times_then_gone(sandbox, platform, token):
    sandbox.set_fault("sms", status=500, times=2, message="boom")
    statuses = [platform.sms(token, sms(f"c-{n}")).status_code for n in range(3)]
    assert statuses == [500, 500, 201]
    assert sandbox.faults() == []


def test_mix_fault_picks_one_misbehaviour_per_request(sandbox, platform, token):
    sandbox.set_fault(
        "sms",
        mix=[
            {"probability": 0.4, "status": 503},
            {"probability": 0.3, "after_apply": "error", "status": 502},
        ],
    )
    statuses = [platform.sms(token, sms(f"m-{n}")).status_code for n in range(80)]
    assert set(statuses) == {201, 502, 503}  # each absent with odds below 1e-12
    # Errors after apply were applied; errors instead of applying were not.
    assert len(sandbox.deliveries("sms")) == statuses.count(201) + statuses.count(502)


def test_latency_fault_delays_the_answer(sandbox, platform, token):
    sandbox.set_fault("sms", latency_ms=400)
    started = time.monotonic()
    assert platform.sms(token, sms()).status_code == 201
    assert time.monotonic() - started >= 0.4


def test_star_fault_applies_to_every_endpoint_without_its_own(sandbox, platform, token, app):
    sandbox.set_fault("*", status=503)
    sandbox.set_fault("location", latency_ms=1)
    assert platform.sms(token, sms()).status_code == 503
    location = platform.get(
        "/location/v1/queries/location",
        params={"access_token": token, "address": NUMBER, "requestedAccuracy": "10"},
    )
    assert location.status_code == 201


def test_timeout_after_apply_then_retry_gets_the_original_and_delivers_once(
    sandbox, platform, token
):
    sandbox.set_fault("sms", after_apply="timeout", hold_seconds=2, times=1)
    with pytest.raises(requests.ReadTimeout):
        platform.sms(token, sms(), timeout=(3, 0.5))
    [applied] = sandbox.deliveries("sms")  # it was applied before the silence

    retry = platform.sms(token, sms())

    assert retry.status_code == 201
    assert retry.json() == applied["response"]
    [delivery] = sandbox.deliveries("sms")
    assert delivery["duplicate_submissions"] == 1
    assert len(sandbox.inbox(NUMBER)) == 1


def test_reset_after_apply_closes_the_connection_unanswered(sandbox, platform, token):
    sandbox.set_fault("sms", after_apply="reset", times=1)
    with pytest.raises(requests.ConnectionError):
        platform.sms(token, sms())
    assert len(sandbox.deliveries("sms")) == 1
    assert platform.sms(token, sms()).status_code == 201
    assert sandbox.deliveries("sms")[0]["duplicate_submissions"] == 1


def test_charge_reset_after_apply_never_charges_twice_on_retry(sandbox, platform, token):
    sandbox.set_fault("charge", after_apply="reset", times=1)
    form = {
        "amount": "10.00",
        "description": "x",
        "endUserId": NUMBER,
        "referenceCode": "12341000001",
        "transactionOperationStatus": "Charged",
    }
    charge = "/payment/v1/transactions/amount"
    with pytest.raises(requests.ConnectionError):
        platform.post(charge, params={"access_token": token}, data=form)
    assert platform.post(charge, params={"access_token": token}, data=form).status_code == 201
    [subscriber] = sandbox.subscribers()
    assert subscriber["balance"] == "90.00"


def test_error_after_apply_answers_500_though_it_was_applied(sandbox, platform, token):
    sandbox.set_fault("sms", after_apply="error", times=1)
    assert platform.sms(token, sms()).status_code == 500
    assert len(sandbox.deliveries("sms")) == 1


def test_duplicate_callback_fault_delivers_each_callback_twice(sandbox, app, app_server):
    sandbox.set_fault("callbacks", duplicate=True)
    result = sandbox.text(NUMBER, SHORTCODE, "Hello")

    assert result["callbacks"][0]["status"] == "delivered"
    first, second = app_server.wait_for("notify", count=2)
    assert first.body == second.body
    copies = wait_for(
        lambda: [c for c in sandbox.callbacks("sms_mo") if c["status"] == "delivered"][1:],
        what="the duplicate delivered",
    )
    assert copies[0]["duplicate_of"] == result["callbacks"][0]["id"]


def test_out_of_order_callback_fault_delivers_the_newest_first(sandbox, app, app_server):
    sandbox.set_fault("callbacks", out_of_order=True, window_ms=300)
    for text in ("first", "second", "third"):
        assert sandbox.text(NUMBER, SHORTCODE, text)["callbacks"][0]["status"] == "pending"

    received = app_server.wait_for("notify", count=3)
    texts = [r.body["inboundSMSMessageList"]["inboundSMSMessage"][0]["message"] for r in received]
    assert texts == ["third", "second", "first"]


def test_callback_latency_fault(sandbox, app, app_server):
    sandbox.set_fault("callbacks", latency_ms=300)
    started = time.monotonic()
    sandbox.text(NUMBER, SHORTCODE, "Hello")
    assert time.monotonic() - started >= 0.3
    assert len(app_server.of("notify")) == 1


def test_clearing_faults(sandbox, platform, token):
    sandbox.set_fault("sms", status=503)
    sandbox.set_fault("charge", status=503)
    assert {f["endpoint"] for f in sandbox.clear_faults("charge")} == {"sms"}
    assert sandbox.clear_faults() == []
    assert platform.sms(token, sms()).status_code == 201


@pytest.mark.parametrize(
    "knobs",
    [
        {"endpoint": "nope", "status": 503},
        {"endpoint": "sms"},
        {"endpoint": "sms", "status": 200},
        {"endpoint": "sms", "status": 503, "probability": 2},
        {"endpoint": "sms", "after_apply": "explode"},
        {"endpoint": "sms", "duplicate": True},
        {"endpoint": "callbacks", "status": 503},
        {"endpoint": "sms", "status": 503, "colour": "red"},
        {"endpoint": "sms", "mix": []},
        {
            "endpoint": "sms",
            "mix": [{"probability": 0.7, "status": 503}, {"probability": 0.7, "status": 502}],
        },
        {"endpoint": "sms", "mix": [{"probability": 0.5}]},
        {"endpoint": "callbacks", "mix": [{"probability": 0.5, "status": 503}]},
    ],
)
def test_faults_that_make_no_sense_are_refused(sandbox, knobs):
    with pytest.raises(SandboxError) as refused:
        sandbox.call("POST", "/_sandbox/faults", json=knobs)
    assert refused.value.status == 400
    assert sandbox.faults() == []
