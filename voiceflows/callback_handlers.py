"""The voice webhook's handler in the callback registry (kind `voice`), so a
request to a Voice URL is kept raw as a `CallbackEvent` first, shows in the
callback log, and can be re-run like any callback.

The request's route (flow and step) is not in the event's kind: it is the
event's `route` (`/voice/…/<flow>/<step>/`, the token masked), and `?on=`
stays in its query string.
"""

from django.http import HttpResponse

from telecom.callbacks.registry import CallbackHandler, HandlerResult, register
from telecom.errors import RejectedPayload
from voiceflows.services.calls import receive_voice_request
from voiceflows.tropo import TropoError

VOICE_ROUTE = "/voice/"


def route_of(event) -> tuple[str | None, str | None]:
    """(flow slug, step key) from the stored route `/voice/…/<flow>/<step>/`."""
    parts = [part for part in event.route.split("/") if part]
    return (parts[2] if len(parts) > 2 else None), (parts[3] if len(parts) > 3 else None)


def tropo_response(document: str) -> HttpResponse:
    return HttpResponse(document, content_type="application/json")


@register
class VoiceHandler(CallbackHandler):
    kind = "voice"
    methods = ("POST",)

    def handle(self, event) -> HandlerResult:
        if not event.route.startswith(VOICE_ROUTE):
            raise RejectedPayload("voice requests go to the app's Voice URI, /voice/<token>/")
        flow, step = route_of(event)
        try:
            answer = receive_voice_request(
                app=event.app,
                flow_slug=flow,
                step_key=step,
                event_name=event.query_params.get("on"),
                body=event.body_text,
                callback_event=event,
            )
        except TropoError as error:
            raise RejectedPayload(str(error)) from None
        return HandlerResult(note=answer.note, response=tropo_response(answer.document))
