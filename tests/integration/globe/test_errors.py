"""Globe Labs' error answers, classified per operation, and the reason kept
from each shape of error body the platform sends."""

import json

import pytest

from telecom.errors import (
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    TokenRevoked,
    TransientError,
)
from telecom.globe.errors import CHARGING_REASONS, classify, platform_message

INVALID_TOKEN = json.dumps({"error": "Invalid access token"})

# --- 401: whose credential was refused -------------------------------------------


@pytest.mark.parametrize(
    "operation",
    ["charge", "reward.send", "refcode", "wallet", "oauth.exchange", "smsoptin", "voice.session"],
)
def test_classify_401_on_an_app_level_call_never_revokes_the_subscribers_token(operation):
    error = classify(401, INVALID_TOKEN, operation)
    assert isinstance(error, PermanentError)
    assert not isinstance(error, TokenRevoked)


@pytest.mark.parametrize("operation", ["sms.send", "sms.binary", "location", "ussd.send"])
def test_classify_401_on_a_subscriber_call_revokes_the_token(operation):
    error = classify(401, INVALID_TOKEN, operation)
    assert isinstance(error, TokenRevoked)
    assert (error.reason, error.status, error.provider) == ("Invalid access token", 401, "globe")


def test_classify_401_without_a_message_still_revokes_with_a_reason():
    error = classify(401, "", "sms.send")
    assert isinstance(error, TokenRevoked) and error.reason == "invalid access token"


def test_classify_ussd_401_not_provisioned_is_the_apps_problem_not_the_token():
    error = classify(401, json.dumps({"error": "App is not provisioned for USSD"}), "ussd.send")
    assert type(error) is PermanentError
    assert error.reason == "App is not provisioned for USSD"


# --- charging: every documented code ------------------------------------------------


@pytest.mark.parametrize("status", sorted(set(CHARGING_REASONS) - {503, 702}))
def test_classify_charging_refusals_are_final_with_the_documented_reason(status):
    error = classify(status, json.dumps({"error": "whatever the body says"}), "charge")
    assert type(error) is PermanentError
    assert error.reason == CHARGING_REASONS[status]
    assert error.status == status


def test_classify_charging_reasons_say_what_each_code_means():
    said = {status: classify(status, "", "charge").reason for status in CHARGING_REASONS}
    assert said[400].startswith("Authentication error")
    assert said[401].startswith("The app is deactivated")
    assert said[402].startswith("Subscriber not found")
    assert said[405].startswith("Failure to update or check the TM")
    assert said[407].startswith("Postpaid")
    assert said[411] == "The subscriber (Globe) has insufficient balance"
    assert said[412] == "The subscriber (TM) has insufficient balance"
    assert said[416].startswith("Failure to check")
    assert "hotline" in said[701]
    assert said[503] == said[702] == "System is busy, please try again later"


@pytest.mark.parametrize("status", [503, 702])
def test_classify_charging_busy_is_transient(status):
    error = classify(status, "", "charge")
    assert type(error) is TransientError


@pytest.mark.parametrize("status", [500, 504, 703])
def test_classify_charging_undocumented_5xx_and_7xx_are_unknown_outcomes(status):
    error = classify(status, json.dumps({"message": "boom"}), "charge")
    assert type(error) is OutcomeUnknown
    assert error.reason == "boom"


def test_classify_charging_undocumented_4xx_is_final_with_the_platforms_words():
    error = classify(499, json.dumps({"message": "odd"}), "charge")
    assert type(error) is PermanentError and error.reason == "odd"
    assert classify(499, "", "charge").reason == "charging failed (499)"


# --- the other APIs ------------------------------------------------------------------


def test_classify_429_is_rate_limited_with_retry_after():
    error = classify(429, json.dumps({"error": "slow down"}), "wallet", retry_after=7)
    assert type(error) is RateLimited
    assert (error.reason, error.retry_after) == ("slow down", 7)
    default = classify(429, "", "wallet")
    assert (default.reason, default.retry_after) == ("too many requests", 60)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_classify_busy_gateways_are_transient(status):
    error = classify(status, json.dumps({"error": "busy"}), "sms.send")
    assert type(error) is TransientError and error.reason == "busy"
    assert classify(status, "", "sms.send").reason == "API service is busy or down"


@pytest.mark.parametrize("status", [500, 505])
def test_classify_other_5xx_are_unknown_outcomes(status):
    error = classify(status, json.dumps({"error": "kaput"}), "sms.send")
    assert type(error) is OutcomeUnknown and error.reason == "kaput"
    assert classify(status, "", "sms.send").reason == "platform error"


def test_classify_reward_500_may_have_been_applied():
    error = classify(500, json.dumps({"error": "Something went wrong"}), "reward.send")
    assert type(error) is OutcomeUnknown and error.reason == "Something went wrong"
    assert classify(500, "", "reward.send").reason == "the rewards API failed"


@pytest.mark.parametrize("status", [400, 403, 404, 499])
def test_classify_other_4xx_are_final(status):
    error = classify(status, json.dumps({"error": "nope"}), "sms.send")
    assert type(error) is PermanentError and error.reason == "nope"
    assert classify(status, "", "sms.send").reason == f"refused ({status})"


# --- platform_message: the reason in whatever shape --------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"error": "flat error"}, "flat error"),
        ({"message": "flat message"}, "flat message"),
        ({"description": "flat description"}, "flat description"),
        ({"status": "FAILED"}, "FAILED"),
        ({"error": "", "message": "the first non-empty field"}, "the first non-empty field"),
        ({"error": {"message": "nested message"}}, "nested message"),
        ({"error": {"description": "nested description"}}, "nested description"),
        ({"error": {"code": 5}, "message": "next field"}, "next field"),
        ({"error": 401, "message": "not a number"}, "not a number"),
        ({"message": {"description": "in message"}}, "in message"),
    ],
)
def test_platform_message_finds_the_reason_in_flat_and_nested_bodies(body, message):
    assert platform_message(json.dumps(body)) == message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  Bad Gateway \n", "Bad Gateway"),
        ('"a JSON string"', '"a JSON string"'),
        ('["a", "list"]', '["a", "list"]'),
        ('{"error": ""}', '{"error": ""}'),
        ('{"code": 1}', '{"code": 1}'),
        ("", ""),
    ],
)
def test_platform_message_falls_back_to_the_body(body, message):
    assert platform_message(body) == message


def test_platform_message_truncates_a_long_body_to_300_characters():
    assert platform_message(" " + "x" * 400 + " ") == "x" * 300
    long_json = json.dumps(["y" * 400])
    assert platform_message(long_json) == long_json[:300]
