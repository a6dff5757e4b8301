"""Receiving, recording and processing provider callbacks (the dj-stripe pattern).

`receive` is the one entry point of every callback view (`/callbacks/...` and
the voice webhook): the path token names the app, the body is read, the raw
request is stored, the app's IP allow-list is applied, and only then is the
request processed. `build_callback` makes the raw copy, which is saved and committed
before anything else happens. `process_callback` runs the kind's handler inside one transaction
together with the event's status change, so an effect and its "processed"
mark commit or vanish together:

- the handler succeeds: `processed`, 200 with the handler's body;
- `RejectedPayload`: `rejected`, 400 with a JSON error naming the fields;
- any other exception (a bug, a lost database connection): `failed` with the
  traceback, and a 500 so that the platform retries.

A callback whose answer does not depend on processing it (its handler gives a
`lane_key`: an MO SMS, an SMS opt-in, a STOP) is answered once stored: one
INSERT and its commit, then 200 (no Redis, no broker: the workers' dispatcher
finds it, `telecom.callbacks.dispatch`); a worker processes it in its lane
(`telecom.callbacks.lanes`), in order with the same subscriber's others. Only
what its parser refuses is answered 400 (stored `rejected` by the same INSERT).

`rerun_callback` processes a stored event again, for operators.
"""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, transaction
from django.http.request import RawPostDataException
from django.utils import timezone

from telecom.bulk_sql import insert_one, update_each
from telecom.callbacks.app_cache import app_for_token
from telecom.callbacks.lanes import lane_of
from telecom.callbacks.registry import CallbackHandler, HandlerResult, handler_for
from telecom.errors import RejectedPayload
from telecom.models.callback_event import CallbackEvent
from telecom.models.provider_app import ProviderApp
from telecom.redaction import redact_headers

logger = logging.getLogger("telecom.callbacks")

# Request headers worth keeping; the rest is proxy noise.
_KEPT_HEADERS = ("CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_")


@dataclass
class CallbackOutcome:
    status: int
    body: dict
    response: object = None  # an HttpResponse that replaces the JSON answer


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a proxy the header it sets
    (CALLBACK_CLIENT_IP_HEADER). For the callbacks' IP allow-list and the
    login lockouts (AXES_CLIENT_IP_CALLABLE)."""
    from django.conf import settings

    header = getattr(settings, "CALLBACK_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        # The last entry is the one our proxy added; those before it (of an
        # X-Forwarded-For) are whatever the client sent, and can be forged.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    """The JSON error every callback answer uses."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


@dataclass
class Reception:
    """What `receive` did with one request.

    - `app` is None when the URI names no app (nothing was stored);
    - `event` is None when nothing was stored (no app, or an unreadable body);
    - `processed` says the kind's handler was asked (False when the request
      was refused before: an unreadable body, an address outside the allow-list);
    - `failure` is the exception that stopped it after the app was known (the
      database, a bug), which the view re-raises or answers in its own way.
    """

    app: ProviderApp | None
    outcome: CallbackOutcome
    event: CallbackEvent | None = None
    body: bytes = b""
    processed: bool = False
    failure: Exception | None = None

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure


def receive(
    request,
    *,
    token: str,
    kind: str,
    provider: str,
    transcode: Callable[[bytes], bytes] | None = None,
) -> Reception:
    """Token -> body -> raw record -> allow-list -> process, for one callback request.

    An unknown token, a token of another provider's app or a kind nobody
    handles is a 404 that stores nothing. `transcode` turns the body read into
    what is stored (the voice webhook's ISO-8859-1 bodies become UTF-8). The
    event is stored once, with its route (the path, the token masked), before
    any handler sees it."""
    app = app_for_token(token)
    handler = handler_for(kind, provider)
    if app is None or app.provider != provider or handler is None:
        return Reception(
            None, CallbackOutcome(404, error_body("not_found", "no such callback URI"))
        )
    try:
        body = request.body
    except RequestDataTooBig:
        return Reception(
            app, CallbackOutcome(413, error_body("too_large", "the request body is too large"))
        )
    except (RawPostDataException, ValueError):
        return Reception(
            app, CallbackOutcome(400, error_body("invalid", "the request body could not be read"))
        )
    if transcode is not None:
        body = transcode(body)
    reception = Reception(app, CallbackOutcome(500, {}), body=body)
    try:
        route = request.path_info.replace(token, "…", 1)
        event = build_callback(app=app, kind=kind, request=request, body=body, route=route)
        allowed = app.allows_ip(event.remote_addr)
        if allowed and event.method in handler.methods:
            deferred = _store_for_lane(handler, event)
            if deferred is not None:
                reception.event, reception.outcome = event, deferred
                return reception
        # Processed before the answer, whose commit (the processing's, or the
        # failure's) waits for the flush that this one's then gets too.
        insert_one(event, async_commit=True)
        reception.event = event
        if not allowed:
            reception.outcome = reject(
                reception.event, "the caller's address is not in the app's allow-list", status=403
            )
        else:
            reception.processed = True
            reception.outcome = process_callback(reception.event)
    except Exception as exc:
        reception.failure = exc
    return reception


def _store_for_lane(handler: CallbackHandler, event: CallbackEvent) -> CallbackOutcome | None:
    """Store a callback that is answered before it is processed, with its lane,
    in one INSERT; None when its handler must process it first."""
    try:
        key = handler.lane_key(event)
    except RejectedPayload as exc:
        _set_rejected(event, exc.message, exc.fields)
        event.save(force_insert=True)
        return CallbackOutcome(400, error_body("invalid", exc.message, exc.fields))
    except Exception:
        logger.exception("%s callback: no lane; processed before answering", event.kind)
        return None
    if key is None:
        return None
    event.lane = lane_of(key)
    insert_one(event)  # and nothing else: the dispatcher finds it (telecom.callbacks.dispatch)
    return CallbackOutcome(200, {"status": "ok"})


def build_callback(
    *, app: ProviderApp, kind: str, request, body: bytes, route: str = ""
) -> CallbackEvent:
    """The raw copy of a request, not yet saved."""
    headers = {
        key.removeprefix("HTTP_").replace("_", "-").title(): str(value)
        for key, value in request.META.items()
        if key.startswith(_KEPT_HEADERS)
    }
    return CallbackEvent(
        app=app,
        kind=kind,
        route=route[:300],
        method=request.method,
        query_string=request.META.get("QUERY_STRING", ""),
        body=body.decode("utf-8", errors="backslashreplace"),
        content_type=request.content_type or "",
        headers=redact_headers(headers),
        remote_addr=client_address(request),
    )


def _set_rejected(event: CallbackEvent, message: str, fields: dict | None = None) -> None:
    event.status = CallbackEvent.Status.REJECTED
    event.error = message if not fields else f"{message}: {fields}"
    event.attempts += 1
    event.processed_at = timezone.now()


def reject(event: CallbackEvent, message: str, fields: dict | None = None, status: int = 400):
    _set_rejected(event, message, fields)
    event.save(update_fields=["status", "error", "attempts", "processed_at"])
    return CallbackOutcome(status, error_body("invalid", message, fields))


_PROCESSED_FIELDS = ("status", "note", "error", "traceback", "attempts", "processed_at")


def process_callback(event: CallbackEvent) -> CallbackOutcome:
    handler = handler_for(event.kind, event.app.provider)
    if handler is None:
        return reject(event, f"no handler for {event.kind!r} callbacks", status=404)
    if event.method not in handler.methods:
        allowed = ", ".join(handler.methods)
        return reject(event, f"{event.method} is not accepted here; use {allowed}", status=405)
    try:
        with transaction.atomic():
            result: HandlerResult = handler.handle(event)
            event.status = CallbackEvent.Status.PROCESSED
            event.note = result.note[:200]
            event.error = event.traceback = ""
            event.attempts += 1
            event.processed_at = timezone.now()
            update_each([event], _PROCESSED_FIELDS)
    except RejectedPayload as exc:
        return reject(event, exc.message, exc.fields)
    except Exception as exc:
        logger.exception("%s callback %s failed", event.kind, event.pk)
        _mark_failed(event, exc)
        return CallbackOutcome(
            500, {"error": {"code": "processing_failed", "message": "stored; will be retried"}}
        )
    return CallbackOutcome(result.status, result.body, result.response)


def _mark_failed(event: CallbackEvent, exc: Exception) -> None:
    try:
        CallbackEvent.objects.filter(pk=event.pk).update(
            status=CallbackEvent.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            traceback=traceback.format_exc()[-8000:],
            attempts=event.attempts + 1,
            processed_at=timezone.now(),
        )
    except DatabaseError:
        # The database itself is what failed; the raw copy is already stored
        # as `received`, which the operator sees and can re-run.
        logger.exception("could not mark callback %s failed", event.pk)


def rerun_callback(event: CallbackEvent) -> CallbackOutcome:
    event.refresh_from_db()
    return process_callback(event)
