"""One error shape for the whole partner API:

    {"error": {"code": "invalid", "message": "...", "fields": {"to": ["..."]}}}

`exception_handler` is DRF's hook; `json_bad_request`, `json_page_not_found` and
`json_server_error` give the same shape to errors Django raises outside DRF for
`/api/` paths.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from telecom.errors import ServiceError


def envelope(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


class IdempotencyConflict(exceptions.APIException):
    status_code = 409
    default_code = "idempotency_key_in_use"
    default_detail = "a request with this Idempotency-Key is still in progress; retry shortly"


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"
    default_detail = "the request body is larger than this API accepts"


class IdempotencyMismatch(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = "this Idempotency-Key was used with a different request"


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for name, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    out[f"{name}.{sub}"] = messages
            else:
                out[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return out
    messages = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [str(v) for v in messages]}


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        exc_out = exceptions.APIException(exc.message)
        exc_out.status_code = exc.status
        response = drf_exception_handler(exc_out, context)
        response.data = envelope(exc.code, exc.message, exc.fields)
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Django's own answer is an HTML 400 page; DATA_UPLOAD_MAX_MEMORY_SIZE is the limit.
        exc = RequestTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.items()), ("", ["invalid input"]))
        message = f"{first[0]}: {first[1][0]}" if first[0] != "non_field_errors" else first[1][0]
        response.data = envelope("invalid", message, fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = envelope(code if isinstance(code, str) else "error", str(detail))
    return response


def json_page_not_found(request, exception=None):
    return JsonResponse(envelope("not_found", "no such endpoint"), status=404)


def json_bad_request(request, exception=None):
    """Django's 400 (a SuspiciousOperation outside DRF), in the envelope; 413 for size."""
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(envelope("too_large", RequestTooLarge.default_detail), status=413)
    return JsonResponse(envelope("bad_request", "the request could not be read"), status=400)


def json_server_error(request):
    return JsonResponse(
        envelope("server_error", "an internal error occurred; it has been logged"), status=500
    )
