"""Globe Labs' answers, mapped onto `telecom.errors`.

The platform's documented codes differ per API (see the API docs' error
tables), so the mapping takes the operation into account:

- SMS, LBS, USSD, balance: 400 wrong or missing parameters (permanent); 401
  "wrong access_token" revokes consent, except USSD's "App is not provisioned
  for USSD"; 403 blocked account, blacklisted subscriber, insufficient wallet
  (permanent); 502/503 busy (transient).
- Charging: 201 charged; 400, 401 (app deactivated: not a token problem),
  402, 405, 407, 411, 412, 416 and 701 are final; 503 and 702 are "busy, try
  again" (transient, retried with the same referenceCode).
- Rewards: 401/403/404 final; 500 "Something went wrong" may or may not have
  been applied, so it is an unknown outcome (the rewards API has no
  idempotency key).
- Wallet: 429 too many requests (rate limited).
"""

import json

from telecom.errors import (
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    TokenRevoked,
    TransientError,
)

PROVIDER = "globe"

CHARGING_REASONS = {
    400: "Authentication error or missing parameters in the request",
    401: "The app is deactivated (due to inactivity)",
    402: "Subscriber not found (invalid number)",
    405: "Failure to update or check the TM subscriber's balance",
    407: "Postpaid charging is not permitted",
    411: "The subscriber (Globe) has insufficient balance",
    412: "The subscriber (TM) has insufficient balance",
    416: "Failure to check the subscriber's balance",
    503: "System is busy, please try again later",
    701: "Charging is disallowed for the subscriber. Do not retry; ask the subscriber "
    "to call the hotline for activation",
    702: "System is busy, please try again later",
}
CHARGING_RETRYABLE = {503, 702}


def platform_message(body: str) -> str:
    """The human message in an error body, whatever shape the platform chose."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.strip()[:300]
    if isinstance(data, dict):
        for key in ("error", "message", "description", "status"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict):
                nested = value.get("message") or value.get("description")
                if isinstance(nested, str):
                    return nested
    return body.strip()[:300]


def classify(status: int, body: str, operation: str, retry_after: float | None = None):
    """The ProviderError for a non-success answer to `operation`."""
    message = platform_message(body)
    kwargs = {"provider": PROVIDER, "status": status, "body": body}
    if operation == "charge":
        reason = CHARGING_REASONS.get(status, message or f"charging failed ({status})")
        if status in CHARGING_RETRYABLE:
            return TransientError(reason, **kwargs)
        if status in CHARGING_REASONS or status < 500:
            # 701 is a final answer despite its 7xx number.
            return PermanentError(reason, **kwargs)
        return OutcomeUnknown(reason, **kwargs)
    if status == 429:
        return RateLimited(message or "too many requests", retry_after=retry_after or 60, **kwargs)
    if status in (502, 503, 504):
        return TransientError(message or "API service is busy or down", **kwargs)
    if status >= 500:
        if operation == "reward.send":
            return OutcomeUnknown(message or "the rewards API failed", **kwargs)
        return OutcomeUnknown(message or "platform error", **kwargs)
    if status == 401 and _is_token_problem(operation, message):
        return TokenRevoked(message or "invalid access token", **kwargs)
    return PermanentError(message or f"refused ({status})", **kwargs)


def _is_token_problem(operation: str, message: str) -> bool:
    app_level = ("charge", "reward.send", "refcode", "wallet", "oauth.exchange", "smsoptin")
    if operation in (*app_level, "voice.session"):
        return False  # these authenticate the app, not a subscriber's token
    # USSD answers 401 both for "Invalid access token" and for "App is not
    # provisioned for USSD"; only the first ends the subscriber's consent.
    return "provisioned" not in message.lower()
