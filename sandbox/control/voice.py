"""Control: act as a handset on a voice call, and read what it heard.

- `POST /_sandbox/handsets/<number>/call`: `{"to": "21581234"}` calls the app
  with that short code; `{}` or `{"answer": true}` answers the handset's
  ringing call (an app's `call`), `{"answer": false}` declines it;
  `{"hangup": true}` hangs up. `GET` shows the handset's last call.
- `POST /_sandbox/handsets/<number>/keys`: `{"keys": "1#"}` (touch tones),
  `{"speech": "yes"}` (words), `{"timeout": true}` (silence until the verb
  times out), `{"no_answer": true}` (let a ringing call ring out now),
  `{"hangup": true}`.
- `GET /_sandbox/calls?number=&app_id=&state=`: every call, oldest first.

Each POST answers once the app answered everything the platform asked
meanwhile: the call as it stands (state, what it waits for, its
transcript: what was said, asked, heard, recorded, where it was
transferred) and those requests (`callbacks`), with the app's answers.
"""

from django.http import JsonResponse

from sandbox.control.common import (
    ControlError,
    body,
    callback_json,
    control_view,
    number_of,
)
from sandbox.models import Subscriber, VoiceCall
from sandbox.services import handsets, voice


def call_json(call: VoiceCall | None) -> dict | None:
    if call is None:
        return None
    platform = call.platform or {}
    return {
        "session_id": call.session_id,
        "call_id": call.call_id,
        "app_id": call.app.app_id,
        "shortcode": call.app.shortcode,
        "direction": call.direction,
        "number": call.subscriber.number if call.subscriber_id else None,
        "state": call.state,
        "waiting_for": call.waiting_for or None,
        "transcript": platform.get("transcript", []),
        "results_posted": platform.get("sequence", 0),
        "end_reason": call.end_reason,
        "parameters": {k: v for k, v in call.parameters.items() if k != "token"},
        "created_at": call.created_at.isoformat(),
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
    }


def _answer(call: VoiceCall, sent) -> JsonResponse:
    fresh = VoiceCall.objects.select_related("app", "subscriber").get(pk=call.pk)
    return JsonResponse({"call": call_json(fresh), "callbacks": [callback_json(c) for c in sent]})


def _acting(number: str, kind: str, text: str = ""):
    subscriber = handsets.subscriber_for(number_of(number))
    try:
        return voice.give(subscriber, kind, text)
    except voice.VoiceError as exc:
        raise ControlError(409, str(exc)) from None


@control_view("GET", "POST")
def call(request, number: str):
    if request.method == "GET":
        subscriber = Subscriber.objects.filter(number=number_of(number)).first()
        return JsonResponse({"call": call_json(subscriber and voice.last_call(subscriber))})
    data = body(request)
    if "to" in data:
        subscriber = handsets.subscriber_for(number_of(number))
        try:
            placed, sent = voice.dial(subscriber, str(data["to"]))
        except voice.VoiceError as exc:
            raise ControlError(409, str(exc)) from None
        return _answer(placed, sent)
    if data.get("hangup"):
        return _answer(*_acting(number, "hangup"))
    answer = data.get("answer", True)
    if not isinstance(answer, bool):
        raise ControlError(400, 'answer is true or false; or give {"to": ...} or {"hangup": true}')
    return _answer(*_acting(number, "answer" if answer else "decline"))


@control_view("POST")
def keys(request, number: str):
    data = body(request)
    if isinstance(data.get("keys"), str) and data["keys"]:
        return _answer(*_acting(number, "keys", data["keys"]))
    if isinstance(data.get("speech"), str) and data["speech"].strip():
        return _answer(*_acting(number, "speech", data["speech"].strip()))
    for flag in ("timeout", "no_answer", "hangup"):
        if data.get(flag) is True:
            return _answer(*_acting(number, flag))
    raise ControlError(
        400,
        'give {"keys": "1#"}, {"speech": "..."}, {"timeout": true}, {"no_answer": true} '
        'or {"hangup": true}',
    )


@control_view("GET")
def calls(request):
    found = VoiceCall.objects.select_related("app", "subscriber").order_by("id")
    if request.GET.get("number"):
        found = found.filter(subscriber__number=number_of(request.GET["number"]))
    if request.GET.get("app_id"):
        found = found.filter(app__app_id=request.GET["app_id"])
    if request.GET.get("state"):
        found = found.filter(state=request.GET["state"])
    return JsonResponse({"calls": [call_json(c) for c in found]})
