"""Validation of the consent callbacks' payloads: each parser returns clean
values or raises `RejectedPayload` naming the field that is wrong."""

import re
from decimal import Decimal

from telecom.callbacks.registry import RejectedPayload, json_body
from telecom.dates import parse_globe_datetime
from telecom.money import parse_amount
from telecom.msisdn import InvalidMsisdn, normalize_msisdn
from telecom.services.errors import ServiceError

# Tokens and codes the platform issues are URL-safe; anything else is not one.
_OPAQUE = re.compile(r"^[A-Za-z0-9._~\-]{8,1024}$")


def _number(value, field: str) -> str:
    try:
        return normalize_msisdn(value)
    except InvalidMsisdn as exc:
        raise RejectedPayload(f"{field}: {exc}", {field: [str(exc)]}) from None


def _opaque(value, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise RejectedPayload(f"{field} is required", {field: ["This field is required."]})
    if not _OPAQUE.match(value):
        raise RejectedPayload(f"{field} is malformed", {field: ["not a token the platform issues"]})
    return value


def parse_opt_in(params) -> tuple[str, str]:
    missing = [name for name in ("access_token", "subscriber_number") if not params.get(name)]
    if missing:
        raise RejectedPayload(
            f"{' and '.join(missing)} required",
            {name: ["This field is required."] for name in missing},
        )
    return _number(params["subscriber_number"], "subscriber_number"), _opaque(
        params["access_token"], "access_token"
    )


def parse_code(params) -> str:
    return _opaque(params.get("code", ""), "code")


def parse_optional_amount(params) -> Decimal | None:
    if "amount" not in params:
        return None
    try:
        return parse_amount(params["amount"])
    except ServiceError as exc:
        raise RejectedPayload(exc.message, {"amount": [exc.message]}) from None


def parse_unsubscribe(event):
    data = json_body(event)
    inner = data.get("unsubscribed") if isinstance(data, dict) else None
    if not isinstance(inner, dict):
        raise RejectedPayload(
            'expected {"unsubscribed": {...}}', {"unsubscribed": ["This field is required."]}
        )
    number = _number(inner.get("subscriber_number"), "unsubscribed.subscriber_number")
    token = inner.get("access_token")
    token = _opaque(token, "unsubscribed.access_token") if token not in (None, "") else None
    at = event.received_at
    if inner.get("time_stamp") not in (None, ""):
        try:
            at = parse_globe_datetime(inner["time_stamp"])
        except ValueError as exc:
            raise RejectedPayload(
                f"unsubscribed.time_stamp: {exc}", {"unsubscribed.time_stamp": [str(exc)]}
            ) from None
    return number, token, at
