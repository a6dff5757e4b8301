"""Globe's consent callbacks (API docs: "Subscriber Consent Workflow",
"Charging"): the Redirect URI's opt-in, code and STOP, and the charging
opt-in's amount. Each parser returns clean values or raises `RejectedPayload`
naming the field that is wrong."""

import re
from decimal import Decimal

from django.http import QueryDict

from telecom.callbacks.registry import json_body
from telecom.dates import parse_globe_datetime
from telecom.errors import RejectedPayload, ServiceError
from telecom.globe.inbound.fields import subscriber_number
from telecom.money import parse_amount

# Tokens and codes the platform issues are URL-safe; anything else is not one.
_OPAQUE = re.compile(r"^[A-Za-z0-9._~\-]{8,1024}$")


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
    return subscriber_number(params["subscriber_number"], "subscriber_number"), _opaque(
        params["access_token"], "access_token"
    )


def posted_opt_in(event):
    """The opt-in fields of a POST to the Redirect URI, or None when the POST
    is something else (a STOP's `{"unsubscribed": ...}`).

    The platform sends an SMS opt-in as a GET query (the .txt docs:
    `GET /?access_token=..&subscriber_number=..`); the .md docs title the same
    two fields "Sample POST to Redirect URI" and show them as JSON. The two
    copies contradict each other, so Hatid takes the GET the platform sends
    and also the POST the .md shows, as JSON or as a form body."""
    if event.content_type == "application/x-www-form-urlencoded":
        return QueryDict(event.body_text)
    try:
        data = event.json()
    except (ValueError, RecursionError):
        return None
    fields = ("access_token", "subscriber_number")
    if not isinstance(data, dict) or "unsubscribed" in data or not any(f in data for f in fields):
        return None
    return data


def parse_code(params) -> str:
    return _opaque(params.get("code", ""), "code")


def parse_optional_amount(params) -> Decimal | None:
    if "amount" not in params:
        return None
    try:
        # The docs send a charging opt-in's code with `amount=0.00` (API docs,
        # "Charging": the Notify URI example) and charge 0.00 in their sample,
        # answered 201 with `"totalAmountCharged": "0.00"`: a 0.00 charge bills
        # nothing. So a 0.00 opt-in is consent that covers no paid charge: its
        # code is exchanged for a token like any other, the history records
        # 0.00, and `charging_consent_gap` refuses every positive charge
        # (Hatid's own charges stay positive: a 0.00 one would collect nothing).
        return parse_amount(params["amount"], allow_zero=True)
    except ServiceError as exc:
        raise RejectedPayload(exc.message, {"amount": [exc.message]}) from None


def parse_unsubscribe(event):
    data = json_body(event)
    inner = data.get("unsubscribed") if isinstance(data, dict) else None
    if not isinstance(inner, dict):
        raise RejectedPayload(
            'expected {"unsubscribed": {...}}', {"unsubscribed": ["This field is required."]}
        )
    number = subscriber_number(inner.get("subscriber_number"), "unsubscribed.subscriber_number")
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
