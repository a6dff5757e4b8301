"""Voice (Tropo Web API): a handset calls an app, or an app starts a session
with its voice token; the platform posts the session to the app's voice URI
and plays the Tropo JSON the app answers, posting each result to the `next`
URL of the handler that fired and playing the answer, until the call waits
for the handset (an ask, a record, a conference, a ringing phone) or ends.

How a document is played is `voiceflows.tropo.platform.PlatformCall`'s
job (see its docstring for the rules, from the Tropo WebAPI reference); how
it is read is the sandbox's own (`sandbox.tropo_document`), so that a
document Hatid renders wrong is refused here as the platform would refuse it;
this module keeps each call's state in a `VoiceCall` row and does the HTTP
(through `callbacks.send`, so every request to the app is in
`/_sandbox/callbacks`, and the `callbacks` fault's duplicates apply).

- `dial`: the handset calls the app's number (its short code). The session
  is posted at once and the control call returns when the call waits.
- `launch`: the app's `GET /1.0/sessions?action=create&token=..`; the
  session (its `parameters` the query, token included, as Tropo sends it)
  is posted from the background worker, after the API answered.
- `give`: the handset answers a ringing call (or declines it, or lets it
  ring out), keys digits, speaks, stays silent (a timeout) or hangs up.

A `call` verb rings the handset of its `to` number: it rings for the verb's
`timeout` (or the `voice_ring_timeout` knob), then counts as not answered.
One call moves at a time (a lock per call: the sandbox is one process), and
no database transaction is held while an app is asked.
"""

import json
import secrets
import threading

from django.utils import timezone

from sandbox import callbacks, conf, tropo_document, worker
from sandbox.models import App, Callback, Subscriber, VoiceCall
from sandbox.services.accounts import app_for_shortcode
from sandbox.services.handsets import subscriber_for
from telecom.msisdn import InvalidMsisdn, national_number, normalize_msisdn
from voiceflows.tropo.platform import POST, WAITING, CallError, PlatformCall, Step

_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


class VoiceError(ValueError):
    """What the handset cannot do now (no call to answer, already in a call...)."""


def _lock(pk: int) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(pk, threading.Lock())


def _timestamp() -> str:
    return timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


def current_call(subscriber: Subscriber) -> VoiceCall | None:
    """The handset's call that has not ended, if any."""
    return (
        VoiceCall.objects.select_related("app", "subscriber")
        .filter(subscriber=subscriber)
        .exclude(state=VoiceCall.State.ENDED)
        .order_by("-id")
        .first()
    )


def last_call(subscriber: Subscriber) -> VoiceCall | None:
    return (
        VoiceCall.objects.select_related("app", "subscriber")
        .filter(subscriber=subscriber)
        .order_by("-id")
        .first()
    )


def _new_call(app: App, **fields) -> tuple[VoiceCall, PlatformCall]:
    session_id, call_id = secrets.token_hex(16), secrets.token_hex(16)
    inbound = fields.get("direction") == VoiceCall.Direction.INBOUND
    platform = PlatformCall(session_id=session_id, call_id=call_id, answered=inbound)
    call = VoiceCall.objects.create(
        session_id=session_id, call_id=call_id, app=app, platform=platform.to_dict(), **fields
    )
    return call, platform


# --- starting calls ------------------------------------------------------------------


def dial(subscriber: Subscriber, to: str) -> tuple[VoiceCall, list[Callback]]:
    """The handset calls the app whose short code (or its last four digits) is `to`."""
    app = app_for_shortcode(to)
    if app is None:
        raise VoiceError(f"no app answers calls to {to}")
    if current_call(subscriber) is not None:
        raise VoiceError("the handset is already in a call; hang up first")
    call, platform = _new_call(
        app,
        subscriber=subscriber,
        direction=VoiceCall.Direction.INBOUND,
        state=VoiceCall.State.ACTIVE,
    )
    platform.note(called=app.shortcode, caller=subscriber.number)
    body = {
        "session": {
            "id": call.session_id,
            "accountId": str(app.pk),
            "timestamp": _timestamp(),
            "userType": "HUMAN",
            "initialText": None,
            "callId": call.call_id,
            "to": {
                "id": app.shortcode,
                "name": app.shortcode,
                "channel": "VOICE",
                "network": "PSTN",
            },
            "from": {
                "id": national_number(subscriber.number),
                "name": subscriber.number,
                "channel": "VOICE",
                "network": "PSTN",
            },
            "headers": {"x-sid": call.session_id, "To": f"<sip:{app.shortcode}@sandbox>"},
        }
    }
    with _lock(call.pk):
        sent = _start(call, platform, body)
    call.refresh_from_db()
    return call, sent


def launch(app: App, parameters: dict[str, str]) -> VoiceCall:
    """A token launch: the session is posted to the app's voice URI shortly."""
    call, platform = _new_call(app, direction=VoiceCall.Direction.OUTBOUND, parameters=parameters)
    platform.note(launched={k: v for k, v in parameters.items() if k != "token"})
    VoiceCall.objects.filter(pk=call.pk).update(platform=platform.to_dict())
    worker.schedule(0.0, _post_launch, call.pk)
    return call


def _post_launch(pk: int) -> None:
    call = VoiceCall.objects.select_related("app").filter(pk=pk).first()
    if call is None:
        return
    body = {
        "session": {
            "id": call.session_id,
            "accountId": str(call.app.pk),
            "timestamp": _timestamp(),
            "userType": "NONE",
            "initialText": None,
            "callId": None,
            "parameters": call.parameters,
        }
    }
    with _lock(call.pk):
        call.refresh_from_db()
        _start(call, PlatformCall.from_dict(call.platform), body)


def _start(call: VoiceCall, platform: PlatformCall, body: dict) -> list[Callback]:
    url = call.app.voice_uri
    callback = callbacks.send(call.app, Callback.Kind.VOICE, url, body=body)
    sent = [callback, *_drive(call, platform, _answered(platform, callback, url))]
    _save(call, platform)
    return sent


# --- playing what the app answers -----------------------------------------------------


def _answered(platform: PlatformCall, callback: Callback, url: str) -> Step:
    if callback.status != Callback.Status.DELIVERED:
        what = callback.response_status or callback.error or callback.get_status_display()
        return platform.app_failed(f"the app did not answer {url or 'its voice URI'}: {what}")
    try:
        document = json.loads(callback.response_body)
    except ValueError:
        return platform.app_failed(f"the app's answer from {url} is not JSON")
    return platform.play(document, url, read=tropo_document.read)


def _drive(call: VoiceCall, platform: PlatformCall, step: Step) -> list[Callback]:
    """Post results and play the answers until the call waits or ends."""
    sent = []
    while step.kind == POST:
        callback = callbacks.send(call.app, Callback.Kind.VOICE, step.url, body=step.body)
        sent.append(callback)
        step = _answered(platform, callback, step.url)
    if step.kind == WAITING and step.waiting_for == "answer":
        sent += _ring(call, platform)
    return sent


def _ring(call: VoiceCall, platform: PlatformCall) -> list[Callback]:
    """The app's `call` verb: ring the handset of its number."""
    options = platform.waiting["options"]
    try:
        number = normalize_msisdn(platform.waiting_to(options))
    except InvalidMsisdn:
        return _drive(call, platform, platform.give("decline"))
    handset = subscriber_for(number)
    if current_call(handset) not in (None, call):
        return _drive(call, platform, platform.give("busy"))
    call.subscriber = handset
    timeout = options.get("timeout") or conf.option("voice_ring_timeout")
    worker.schedule(float(timeout), _ring_out, call.pk, len(platform.transcript))
    return []


def _ring_out(pk: int, mark: int) -> None:
    """Nobody answered before the ring timeout."""
    with _lock(pk):
        call = VoiceCall.objects.select_related("app", "subscriber").filter(pk=pk).first()
        if call is None or call.waiting_for != "answer":
            return
        platform = PlatformCall.from_dict(call.platform)
        if len(platform.transcript) != mark:
            return
        _drive(call, platform, platform.give("no_answer"))
        _save(call, platform)


def _save(call: VoiceCall, platform: PlatformCall) -> None:
    waiting = (platform.waiting or {}).get("kind", "")
    call.platform, call.waiting_for = platform.to_dict(), waiting
    if platform.ended:
        call.state, call.end_reason = VoiceCall.State.ENDED, platform.end_reason[:300]
        call.ended_at = call.ended_at or timezone.now()
        call.waiting_for = ""
    else:
        call.state = VoiceCall.State.RINGING if waiting == "answer" else VoiceCall.State.ACTIVE
    call.save()


# --- the handset ---------------------------------------------------------------------------


def give(subscriber: Subscriber, kind: str, text: str = "") -> tuple[VoiceCall, list[Callback]]:
    """The handset's input to its call (see `PlatformCall.give` for the kinds)."""
    found = current_call(subscriber)
    if found is None:
        raise VoiceError("the handset is not in a call")
    with _lock(found.pk):
        call = VoiceCall.objects.select_related("app", "subscriber").get(pk=found.pk)
        if call.state == VoiceCall.State.STARTING:
            raise VoiceError("the call is still starting; try again in a moment")
        platform = PlatformCall.from_dict(call.platform)
        try:
            step = platform.give(kind, text)
        except CallError as exc:
            raise VoiceError(str(exc)) from None
        sent = _drive(call, platform, step)
        _save(call, platform)
    return call, sent
