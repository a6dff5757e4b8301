"""What the control views share: the view decorator, request parsing, and the
JSON each object is shown as."""

import functools
import json

from django.http import HttpRequest, JsonResponse

from sandbox.faults import FaultError
from sandbox.models import App, Callback, Delivery, HandsetMessage, Subscriber, UssdSession
from sandbox.rows import attributes
from sandbox.services import accounts
from sandbox.services.accounts import RegistrationError
from sandbox.services.ussd import UssdError
from telecom.msisdn import InvalidMsisdn, normalize_msisdn


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def control_view(*methods: str):
    """A control endpoint: allowed methods, JSON errors for what the caller got wrong."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method not in methods:
                return JsonResponse(
                    {"error": f"use {' or '.join(methods)}"},
                    status=405,
                    headers={"Allow": ", ".join(methods)},
                )
            try:
                return view(request, *args, **kwargs)
            except ControlError as exc:
                return JsonResponse({"error": exc.message}, status=exc.status)
            except UssdError as exc:
                return JsonResponse({"error": str(exc)}, status=409)
            except (RegistrationError, FaultError, ValueError) as exc:
                return JsonResponse({"error": str(exc)}, status=400)

        return wrapper

    return decorate


def body(request: HttpRequest) -> dict:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except ValueError:
        raise ControlError(400, "the body must be JSON") from None
    if not isinstance(data, dict):
        raise ControlError(400, "the body must be a JSON object")
    return data


def number_of(text: str) -> str:
    try:
        return normalize_msisdn(text)
    except InvalidMsisdn as exc:
        raise ControlError(400, str(exc)) from None


def app_named_by(shortcode) -> App:
    app = accounts.app_for_shortcode(shortcode)
    if app is None:
        raise ControlError(404, f"no app has the short code {shortcode!r}")
    return app


def _time(moment):
    return moment.isoformat() if moment else None


def _money(amount):
    return None if amount is None else f"{amount:.2f}"


def app_json(app: App) -> dict:
    return {
        **attributes(app, "app_id", "app_secret", "name", "description", "support_email"),
        **attributes(app, "shortcode", "redirect_uri", "notify_uri", "ussd_notify_uri"),
        **attributes(app, "rewards_uri", "voice_uri", "passphrase", "rewards_token"),
        **attributes(app, "voice_token", "promos", "charging_keywords"),
        "wallet_balance": _money(app.wallet_balance),
        **attributes(app, "active", "blocked", "ussd_provisioned", "rewards_provisioned"),
    }


def subscriber_json(subscriber: Subscriber) -> dict:
    return {
        **attributes(subscriber, "number", "brand"),
        "balance": _money(subscriber.balance),
        "reload_amount": _money(subscriber.reload_amount),
        "postpaid": subscriber.postpaid,
        "latitude": None if subscriber.latitude is None else str(subscriber.latitude),
        "longitude": None if subscriber.longitude is None else str(subscriber.longitude),
        **attributes(subscriber, "charging_allowed", "balance_check_fails", "blacklisted"),
        "reward_outcome": subscriber.reward_outcome,
    }


KEY_NAMES = {
    Delivery.Kind.SMS: "clientCorrelator",
    Delivery.Kind.BINARY: "clientCorrelator",
    Delivery.Kind.CHARGE: "referenceCode",
}


def delivery_json(delivery: Delivery, number: str | None = None) -> dict:
    data = {
        "id": delivery.pk,
        "kind": delivery.kind,
        "app_id": delivery.app.app_id,
        "number": number or (delivery.subscriber.number if delivery.subscriber_id else None),
        "key": delivery.key,
        "request": delivery.request,
        "status_code": delivery.status_code,
        "response": json.loads(delivery.response) if delivery.response else None,
        "parts": delivery.parts,
        "amount": _money(delivery.amount),
        "duplicate_submissions": delivery.duplicate_submissions,
        "created_at": _time(delivery.created_at),
    }
    if delivery.kind in KEY_NAMES:
        data[KEY_NAMES[delivery.kind]] = delivery.key
    return data


def callback_json(callback: Callback) -> dict:
    return {
        "id": callback.pk,
        "app_id": (
            callback.app.app_id
            if callback.app_id
            else callback.hoiio_account.app_id
            if callback.hoiio_account_id
            else None
        ),
        **attributes(callback, "kind", "method", "url", "body", "status", "response_status"),
        **attributes(callback, "response_body", "error"),
        "duplicate_of": callback.duplicate_of_id,
        "latency_ms": callback.latency_ms,
        "created_at": _time(callback.created_at),
        "sent_at": _time(callback.sent_at),
    }


def message_json(message: HandsetMessage) -> dict:
    return {
        "id": message.pk,
        **attributes(message, "direction", "peer", "text", "parts"),
        "created_at": _time(message.created_at),
    }


def session_json(session: UssdSession | None) -> dict | None:
    if session is None:
        return None
    return {
        "session_id": session.session_id,
        "app_id": session.app.app_id,
        "shortcode": session.app.shortcode,
        "origin": session.origin,
        "dialed": session.dialed,
        "state": session.state,
        "screen": session.screen,
        "transcript": session.transcript,
        "last_activity_at": _time(session.last_activity_at),
    }
