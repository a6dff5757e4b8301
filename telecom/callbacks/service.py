"""Recording and processing provider callbacks (the dj-stripe pattern).

`record_callback` stores the raw request and commits it before anything else
happens. `process_callback` runs the kind's handler inside one transaction
together with the event's status change, so an effect and its "processed"
mark commit or vanish together:

- the handler succeeds: `processed`, 200 with the handler's body;
- `RejectedPayload`: `rejected`, 400 with a JSON error naming the fields;
- any other exception (a bug, a lost database connection): `failed` with the
  traceback, and a 500 so that the platform retries.

`rerun_callback` processes a stored event again, for operators.
"""

import logging
import traceback
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils import timezone

from telecom.callbacks.registry import HandlerResult, RejectedPayload, handler_for
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


def record_callback(*, app: ProviderApp, kind: str, request, body: bytes) -> CallbackEvent:
    headers = {
        key.removeprefix("HTTP_").replace("_", "-").title(): str(value)
        for key, value in request.META.items()
        if key.startswith(_KEPT_HEADERS)
    }
    return CallbackEvent.objects.create(
        app=app,
        kind=kind,
        method=request.method,
        query_string=request.META.get("QUERY_STRING", ""),
        body=body.decode("utf-8", errors="backslashreplace"),
        content_type=request.content_type or "",
        headers=redact_headers(headers),
        remote_addr=client_address(request),
    )


def reject(event: CallbackEvent, message: str, fields: dict | None = None, status: int = 400):
    event.status = CallbackEvent.Status.REJECTED
    event.error = message if not fields else f"{message}: {fields}"
    event.attempts += 1
    event.processed_at = timezone.now()
    event.save(update_fields=["status", "error", "attempts", "processed_at"])
    body = {"error": {"code": "invalid", "message": message, "fields": fields or {}}}
    return CallbackOutcome(status, body)


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
            event.save(
                update_fields=["status", "note", "error", "traceback", "attempts", "processed_at"]
            )
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
