"""What every platform endpoint shares: errors, faults, JSON, tokens, numbers.

Error bodies: the docs give each error's status and wording (the tables)
but never show an error body. The sandbox answers every error as
`{"error": "<the table's wording, verbatim>"}` and uses that shape
everywhere; where the docs give no wording, the message says what is wrong
in the same terse style.

Wrong methods: the platform is a Node.js service (its dates are JavaScript's
`Date.toString()`), whose router answers an unmatched method with 404
"Cannot GET /path". The sandbox does the same, which also keeps a wrong
method from being read as a documented code (405 means a TM balance failure
to the charging API).
"""

import contextlib
import functools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connections, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from sandbox import faults, sql, tokens
from sandbox.models import App, Delivery, Grant, Subscriber
from sandbox.router import SANDBOX_DB
from sandbox.services import wallet
from telecom.msisdn import InvalidMsisdn, normalize_msisdn

# The WSGI environ keys the sandbox server honours (see sandbox.server).
AFTER_APPLY_KEY = "sandbox.after_apply"

MISSING_PARAMETERS = "Missing parameters"
INVALID_NUMBER = "Invalid subscriber number"
INVALID_TOKEN = "Invalid access token"  # noqa: S105 (an error message)
INSUFFICIENT_WALLET = "Insufficient Wallet Balance"

# What an injected busy/down error says where the docs give no wording:
# "502/503 Platform Error. API Service is busy or down" (SMS API HTTP Response).
DEFAULT_FAULT_MESSAGE = "Platform Error. API Service is busy or down"


class PlatformError(Exception):
    """An error the platform answers with: its status and the docs' wording."""

    def __init__(self, status: int, message: str, *, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> JsonResponse:
        return error_response(self.status, self.message, self.headers)


# Statuses past HTTP's range that the charging API answers (its 701 and 702).
EXTENDED_REASONS = {701: "Charging Disallowed", 702: "System Busy"}


def error_response(status: int, message: str, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"error": message})
    # Django only builds 100-599 responses; the status is set afterwards so
    # that 701 and 702 go on the wire as the platform sends them.
    response.status_code = status
    if status in EXTENDED_REASONS:
        response.reason_phrase = EXTENDED_REASONS[status]
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def platform_endpoint(
    name: str,
    *,
    methods: tuple[str, ...],
    penalty: str | None = None,
    chargeable: Callable[[int], bool] = lambda status: 400 <= status < 500,
    fault_messages: dict[int, str] | None = None,
    identify: Callable[..., App | None] | None = None,
):
    """Wrap a platform view: method check, the endpoint's fault, errors, error pricing.

    `name` is the endpoint's fault name. When the view raised a
    `PlatformError` whose status `chargeable` accepts, the app it had
    identified (`request.sandbox_app`, else `identify(**view_kwargs)`, e.g.
    from the short code in the path) is debited the `penalty` price, as the
    docs say errors are chargeable. Injected faults are never charged.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method not in methods:
                return error_response(404, f"Cannot {request.method} {request.path}")
            request.sandbox_app = None
            decision = faults.take(name)
            if decision and decision.latency:
                time.sleep(decision.latency)
            if decision and decision.error_status:
                return _fault_response(decision, decision.error_status, fault_messages)
            try:
                response = view(request, *args, **kwargs)
            except PlatformError as exc:
                app = request.sandbox_app
                if app is None and identify is not None:
                    app = identify(**kwargs)
                if penalty and app is not None and chargeable(exc.status):
                    wallet.penalize(app, penalty, f"{name} error {exc.status}")
                response = exc.response()
            if decision and decision.after_apply == "error":
                return _fault_response(decision, decision.after_status, fault_messages)
            if decision and decision.after_apply:
                request.META[AFTER_APPLY_KEY] = (decision.after_apply, decision.hold_seconds)
            return response

        return wrapper

    return decorate


def _fault_response(decision, status: int, messages: dict[int, str] | None) -> JsonResponse:
    message = decision.message or (messages or {}).get(status) or DEFAULT_FAULT_MESSAGE
    return error_response(status, message)


def json_object(request: HttpRequest, root: str) -> dict:
    """The request's JSON body's `root` object; 400 Missing parameters otherwise."""
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        raise PlatformError(400, MISSING_PARAMETERS) from None
    inner = body.get(root) if isinstance(body, dict) else None
    if not isinstance(inner, dict):
        raise PlatformError(400, MISSING_PARAMETERS)
    return inner


# The forms the docs write numbers in, and nothing looser (no spaces, no
# second "tel:"): `9171234567`, `09171234567`, `639171234567`, `+639171234567`,
# each with or without `tel:`.
_ADDRESS = re.compile(r"^(?:tel:)?(?:\+?63|0)?9\d{9}$")


@functools.lru_cache(maxsize=4096)
def _normalized(text: str) -> str | None:
    if not _ADDRESS.match(text):
        return None
    try:
        return normalize_msisdn(text)
    except InvalidMsisdn:
        return None


def parse_address(value, *, message: str = INVALID_NUMBER, status: int = 400) -> str:
    """E.164 from any accepted way of writing a number.

    `9171234567`, `09171234567`, `639171234567`, `+639171234567`,
    `tel:+639171234567`, and a one-element list of those, as the official
    SDK sends `address`. Anything else: `status` with `message`.
    """
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    number = _normalized(value.strip()) if isinstance(value, str) and value.strip() else None
    if number is None:
        raise PlatformError(status, message)
    return number


def national(e164: str) -> str:
    """`9171234567`: the 10-digit form Globe writes subscriber numbers in."""
    return e164.removeprefix("+63")


def authenticate(token, *, status: int = 401, message: str = INVALID_TOKEN) -> Grant:
    """The live grant behind an access token; `status`/`message` otherwise."""
    if not isinstance(token, str) or not token:
        raise PlatformError(status, message)
    grant = tokens.live_grant(token)
    if grant is None:
        raise PlatformError(status, message)
    return grant


def same_subscriber(grant: Grant, number: str, app: App | None = None) -> None:
    """401 Invalid access token unless the token's grant is `number`'s (and `app`'s)."""
    if grant.subscriber.number != number or (app is not None and grant.app_id != app.pk):
        raise PlatformError(401, INVALID_TOKEN)


def base_url(request: HttpRequest) -> str:
    """Where this platform is reached, as the response bodies' resourceURLs say it."""
    return f"{request.scheme}://{request.get_host()}"


def resource_url(request: HttpRequest, api: str, path: str, grant: Grant) -> str:
    """An outbound request's `resourceURL`: `<api>/v1/outbound/<path>/requests`, with the token."""
    return (
        f"{base_url(request)}/{api}/v1/outbound/{path}/requests?access_token={grant.access_token}"
    )


def matches_shortcode(app: App, value) -> bool:
    """Does `value` (`1234`, `21581234`, `tel:21581234`) name this app's short code?"""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return False
    text = value.strip().removeprefix("tel:").removeprefix("+")
    return text in (app.shortcode, app.suffix)


def new_id(length: int = 24) -> str:
    """A hex id like the platform's (`528f5369b390e16a62000006`)."""
    return secrets.token_hex(length // 2)


_sqlite_writer = threading.Lock()


@contextlib.contextmanager
def one_writer():
    """Queue this process's writers on a lock when the database is SQLite.

    SQLite takes one writer at a time, and a writer that finds the database
    locked sleeps in its busy handler, milliseconds at a time: under load
    that, not the work, would set the sandbox's pace. The sandbox is one
    process, so its threads can queue here instead. PostgreSQL needs nothing.
    """
    if connections[SANDBOX_DB].vendor == "sqlite":
        with _sqlite_writer:
            yield
    else:
        yield


@dataclass(frozen=True)
class Applied:
    """What a request applied once answers: its delivery's id, status and body."""

    delivery_id: int
    status_code: int
    body: str
    repeat: bool

    def response_json(self) -> HttpResponse:
        return HttpResponse(self.body, status=self.status_code, content_type="application/json")


def apply_once(
    kind: str,
    app: App,
    subscriber: Subscriber,
    *,
    key: str | None = None,
    request: dict,
    answer: tuple[int, dict],
    charged: Decimal | int = 0,
    effects: Callable[[int], None] | None = None,
    **columns,
) -> Applied:
    """Apply `subscriber`'s `request` to `app` once per (app, kind, key).

    In one transaction: the Delivery row is inserted first (with `answer`,
    the status and body this request and its repeats answer, and the other
    `columns`: `amount`, `parts`), then `charged` is taken from the app's
    wallet (403 Insufficient Wallet Balance), then `effects` (the handset's
    inbox...) run with the delivery's id. The database's unique constraint
    on (app, kind, key) decides between concurrent repeats: the loser's
    transaction rolls back whole, and it answers with the winner's result. A
    `PlatformError` rolls everything back (nothing delivered, nothing
    charged, nothing recorded). A request without a `key` is never a repeat.
    """
    status_code, response = answer
    body = json.dumps(response)
    values = {"duplicate_submissions": 0, "parts": [], "amount": None, **columns}
    # Which delivery it is, then what it answered and cost.
    values.update(kind=kind, app_id=app.pk, subscriber_id=subscriber.pk, key=key)
    values.update(request=request, status_code=status_code, response=body, charged=charged)
    try:
        with one_writer(), transaction.atomic(using=SANDBOX_DB):
            delivery_id = sql.insert(Delivery, **values, created_at=timezone.now())
            if not wallet.debit(app, charged, kind, ledger=False):
                raise PlatformError(403, INSUFFICIENT_WALLET)
            if effects is not None:
                effects(delivery_id)
        return Applied(delivery_id, status_code, body, repeat=False)
    except IntegrityError:
        if key is None:
            raise
    original = Delivery.objects.get(app=app, kind=kind, key=key)
    Delivery.objects.filter(pk=original.pk).update(
        duplicate_submissions=F("duplicate_submissions") + 1
    )
    return Applied(original.pk, original.status_code, original.response, repeat=True)


APP_NOT_FOUND = "App not found"
INVALID_APP_SECRET = "Invalid App Secret"  # noqa: S105 (an error message)


def app_by_credentials(request: HttpRequest, app_id, app_secret) -> App:
    """The app with these credentials (the Load API table's 404 and 401 wording).

    The app becomes `request.sandbox_app` once found, so a wrong secret is
    charged to it where the endpoint's errors are chargeable.
    """
    if not isinstance(app_id, str) or not isinstance(app_secret, str):
        raise PlatformError(400, MISSING_PARAMETERS)
    if not app_id or not app_secret:
        raise PlatformError(400, MISSING_PARAMETERS)
    app = App.objects.filter(app_id=app_id).first()
    if app is None:
        raise PlatformError(404, APP_NOT_FOUND)
    request.sandbox_app = app
    if not secrets.compare_digest(app.app_secret.encode(), app_secret.encode()):
        raise PlatformError(401, INVALID_APP_SECRET)
    return app


def same_secret(expected: str, given) -> bool:
    return isinstance(given, str) and secrets.compare_digest(expected.encode(), given.encode())
