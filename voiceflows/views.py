"""The voice webhook: `/voice/<token>/[<flow>/[<step>/]]`, where the platform
posts each call's session and results and takes Tropo JSON back.

`receive` (the callbacks' one entry point) authenticates (the path token of a
Globe app, then the app's optional IP allow-list), stores the raw request as
a `CallbackEvent` (kind `voice`, its route the path without the token) and
processes it through the callback registry; this view answers Tropo JSON.
Whatever goes wrong after the token is known (a body that is no session or
result, an unknown step, a bug, the database) is answered 200 with Tropo JSON
that says the app's error message and hangs up: the platform would otherwise
play its own error or drop the caller in silence. The stored event keeps the
failure for operators. An unknown token (or one of an app that is not Globe's)
is a 404 and stores nothing.
"""

import logging

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from telecom.callbacks.service import receive
from telecom.models import ProviderApp
from voiceflows.callback_handlers import tropo_response
from voiceflows.engine import farewell
from voiceflows.models.flows import DEFAULT_ERROR_MESSAGE
from voiceflows.services import calls

logger = logging.getLogger("voiceflows.webhook")


def _readable(body: bytes) -> bytes:
    """UTF-8, as stored: a body that is not UTF-8 is ISO-8859-1 (the Tropo session
    reference: "passed to your app as ISO-8859-1 encoded in the JSON")."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("latin-1").encode("utf-8")
    return body


def fallback_answer() -> HttpResponse:
    """The default error message and a hangup, needing nothing from the database."""
    return tropo_response(farewell(DEFAULT_ERROR_MESSAGE).json())


def _error(app: ProviderApp) -> HttpResponse:
    try:
        return tropo_response(calls.error_document(app))
    except Exception:  # the database is what failed: the default message still works
        logger.exception("could not read the voice settings of %s", app.pk)
        return fallback_answer()


@csrf_exempt
def voice(request, token: str, flow: str | None = None, step: str | None = None):
    # `flow` and `step` are read back from the stored route by the handler.
    reception = receive(request, token=token, kind="voice", provider="globe", transcode=_readable)
    app, outcome = reception.app, reception.outcome
    if app is None:
        return JsonResponse(
            {"error": {"code": "not_found", "message": "no such voice URI", "fields": {}}},
            status=404,
        )
    if reception.failure is not None:
        logger.error(
            "voice request for app %s could not be processed",
            app.pk,
            exc_info=reception.failure,
        )
        return _error(app)
    if outcome.response is not None:
        return outcome.response
    if reception.processed:
        try:
            calls.abandon(
                app, reception.body, f"the request was not processed: {outcome.body}"[:200]
            )
        except Exception:
            logger.exception("could not end the call of a failed voice request")
    return _error(app)
