"""Tropo's session API (API docs: "Voice", call trigger endpoint):
`GET /1.0/sessions?action=create&token=<VOICE_TOKEN>&<name>=<value>...`
starts a session of the app the token names; the platform then posts the
session, whose `parameters` are the query, to the app's voice URI.

The answer is Tropo's (tropo.com/docs/rest/sessions): `{"success": true,
"token": ..., "id": <session id>}` when the request accepts JSON, the same
as `<session>` XML otherwise. The Tropo reference also allows a POST with the
token and parameters in a JSON body; the sandbox takes both. The docs give
no wording for a wrong token; the sandbox answers 401 "Invalid token", and
400 "Missing parameters" without `action=create` and a token.
"""

import json
from xml.sax.saxutils import escape

from django.http import HttpResponse, JsonResponse

from sandbox.platform.common import MISSING_PARAMETERS, PlatformError, platform_endpoint
from sandbox.services import voice
from sandbox.services.accounts import app_for_voice_token

INVALID_TOKEN = "Invalid token"  # noqa: S105 (an error message)


def _parameters(request) -> dict[str, str]:
    if request.method == "GET":
        return request.GET.dict()
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise PlatformError(400, MISSING_PARAMETERS) from None
    if not isinstance(data, dict):
        raise PlatformError(400, MISSING_PARAMETERS)
    return {"action": "create", **{str(k): str(v) for k, v in data.items()}}


@platform_endpoint("voice", methods=("GET", "POST"))
def sessions(request):
    parameters = _parameters(request)
    token = parameters.get("token")
    if parameters.get("action") != "create" or not token:
        raise PlatformError(400, MISSING_PARAMETERS)
    app = app_for_voice_token(token)
    if app is None:
        raise PlatformError(401, INVALID_TOKEN)
    request.sandbox_app = app
    call = voice.launch(app, parameters)
    if "json" in request.headers.get("Accept", ""):
        return JsonResponse({"success": True, "token": token, "id": call.session_id})
    xml = (
        "<session><success>true</success>"
        f"<token>{escape(token)}</token><id>{call.session_id}</id></session>"
    )
    return HttpResponse(xml, content_type="text/xml")
