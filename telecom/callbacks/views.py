"""The endpoint every provider callback reaches: `/callbacks/<provider>/<token>/<kind>/`
(`globe` for Globe Labs, `hoiio` for Hoiio's notifications).

Authenticate (the path token, which must be an app of that provider, then the
optional IP allow-list), store the raw request, process it, answer with
JSON. An unknown token or kind is a 404 and stores nothing: no app owns it.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.http.request import RawPostDataException
from django.views.decorators.csrf import csrf_exempt

from telecom.callbacks.registry import handler_for
from telecom.callbacks.service import client_address, process_callback, record_callback, reject
from telecom.models.provider_app import ProviderApp


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


@csrf_exempt
def provider_callback(request, token: str, kind: str, provider: str = "globe"):
    app = ProviderApp.for_callback_token(token)
    if app is None or app.provider != provider or handler_for(kind, provider) is None:
        return _error(404, "not_found", "no such callback URI")
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, "too_large", "the request body is too large")
    except (RawPostDataException, ValueError):
        return _error(400, "invalid", "the request body could not be read")
    event = record_callback(app=app, kind=kind, request=request, body=body)
    if not app.allows_ip(client_address(request)):
        outcome = reject(event, "the caller's address is not in the app's allow-list", status=403)
    else:
        outcome = process_callback(event)
    if outcome.response is not None:
        return outcome.response
    return JsonResponse(outcome.body, status=outcome.status)
