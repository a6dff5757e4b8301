"""Calls: each request the platform makes to a voice URL moves a call session
one step through its flow, once.

`receive_voice_request` takes the raw body of a request to
`/voice/<token>/[<flow>/[<step>/]]` (`?on=<event>` when it reports a step's
result for Hatid to route):

- a session (`{"session": ...}`) starts a call: an incoming call plays the
  flow's start step; one Hatid started (a token launch naming its trigger
  by `reference`) first rings the number (`engine.dial`);
- a result (`{"result": ...}`) keeps the answers it carries as variables,
  then plays the step of the URL, or the step its routes pick.

Each request is stored as a `CallExchange` (the voice token a token launch
carries redacted) keyed by its step, event and the result's `sequence`: a
repeated request is answered with the stored answer and nothing is applied
again (the step's action included). Steps of one call are applied one at a
time (the session row is locked).

A request that cannot be answered with the flow (an unknown session, flow
or step, an option a variable left empty) gets the app's error message and
a hangup; the session ends with the reason.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from subscribers.models import Subscriber
from telecom.models import ProviderApp
from telecom.msisdn import national_number, try_normalize
from telecom.redaction import redact_data, restore_path_token
from voiceflows import engine
from voiceflows.models import CallExchange, CallSession, CallTrigger, VoiceFlow, VoiceSettings
from voiceflows.models.flows import DEFAULT_ERROR_MESSAGE
from voiceflows.services import actions
from voiceflows.tropo import On, Result, Session, parse_result, parse_session, render_json
from voiceflows.tropo.payload import decode_json

# Session parameters that are the platform's or Hatid's own, not the flow's.
RESERVED_PARAMETERS = ("action", "reference")


@dataclass
class Answer:
    document: str  # the Tropo JSON to answer with
    note: str  # what happened, for the callback log


def settings_for(app: ProviderApp) -> VoiceSettings:
    found = VoiceSettings.objects.filter(app=app).first()
    return found or VoiceSettings(app=app)


def error_document(app: ProviderApp) -> str:
    """What a call that cannot go on hears: the app's error message, then a hangup."""
    message = settings_for(app).error_message if app else DEFAULT_ERROR_MESSAGE
    return engine.farewell(message).json()


def _stored_answer(app: ProviderApp, exchange: CallExchange) -> str:
    """A kept answer, to answer a repeated request with: it is stored with the
    callback token of its URLs redacted, so the app's token goes back in."""
    return restore_path_token(exchange.answer, app.callback_token.reveal())


def _answered_before(app: ProviderApp, row: CallSession, key: str, what: str) -> Answer | None:
    """The answer already given to this request (the platform repeats one whose
    answer it lost), answered again as it was; None for a new request."""
    repeat = row.exchanges.filter(request_key=key).first()
    if repeat is None:
        return None
    return Answer(
        _stored_answer(app, repeat), f"call {row.session_id[:12]}: repeated {what}, answered once"
    )


def urls_for(app: ProviderApp, flow: VoiceFlow) -> engine.UrlFor:
    token = app.callback_token.reveal()

    def url_for(step: str, event: str | None) -> str:
        path = reverse("voice-step", kwargs={"token": token, "flow": flow.slug, "step": step})
        return settings.PUBLIC_BASE_URL + path + (f"?on={event}" if event else "")

    return url_for


# --- the session row --------------------------------------------------------------


def _end(session: CallSession, status: str, reason: str) -> None:
    if session.is_over:
        return
    session.status, session.end_reason, session.ended_at = status, reason[:200], timezone.now()
    from voiceflows.services.escalations import call_ended

    call_ended(session)


def _exchange(session: CallSession, **fields) -> CallExchange:
    sequence = (session.exchanges.aggregate(n=Max("sequence"))["n"] or 0) + 1
    return CallExchange.objects.create(session=session, sequence=sequence, **fields)


def _flow_named(app: ProviderApp, slug: str | None) -> VoiceFlow | None:
    if not slug:
        return None
    return VoiceFlow.objects.filter(app=app, slug=slug).first()


def _subscriber(app: ProviderApp, msisdn: str) -> Subscriber | None:
    if not msisdn:
        return None
    subscriber, _ = Subscriber.objects.get_or_create(app=app, msisdn=msisdn)
    return subscriber


# --- entering a step ------------------------------------------------------------------


def _enter(
    session: CallSession,
    spec: engine.FlowSpec,
    key: str,
    exchange: CallExchange,
    *,
    say: str = "",
) -> str:
    """Play step `key`: render its document, then run its action. The JSON."""
    document = engine.render(
        spec, key, session.variables, urls_for(session.app, session.flow), say=say
    )
    exchange.note = actions.run_step_action(session, key, exchange)[:300]
    exchange.answered_steps = document.steps
    session.current_step, session.awaiting = key, document.steps
    if document.ends:
        _end(session, CallSession.Status.COMPLETED, f"the flow ended at {document.steps[-1]}")
    return document.json()


def _fail(session: CallSession, reason: str) -> str:
    _end(session, CallSession.Status.ERROR, reason)
    return error_document(session.app)


# --- a call starts ---------------------------------------------------------------------


def _session_row(app: ProviderApp, session: Session, **defaults) -> tuple[CallSession, bool]:
    try:
        with transaction.atomic():
            row, created = CallSession.objects.get_or_create(
                app=app, session_id=session.id, defaults=defaults
            )
    except IntegrityError:
        created = False
    if not created:
        row = CallSession.objects.select_for_update().get(app=app, session_id=session.id)
    return row, created


def open_call(
    app: ProviderApp, flow_slug: str | None, step_key: str | None, session: Session, raw, event
) -> Answer:
    parameters = session.parameters
    trigger = None
    if session.triggered and parameters.get("reference"):
        trigger = CallTrigger.objects.filter(app=app, reference=parameters["reference"]).first()
    voice = settings_for(app)
    flow = (
        _flow_named(app, flow_slug)
        or (trigger.flow if trigger else None)
        or _flow_named(app, parameters.get("flow"))
        or voice.default_flow
    )
    outbound = session.triggered
    if outbound:
        msisdn = trigger.msisdn if trigger else try_normalize(parameters.get("numberToDial")) or ""
    else:
        msisdn = try_normalize(session.caller_number) or ""
    variables = {
        "caller": session.caller_number or "",
        "callee": session.callee_number or "",
        **{k: v for k, v in parameters.items() if k not in RESERVED_PARAMETERS},
        **(trigger.variables if trigger else {}),
    }
    row, created = _session_row(
        app,
        session,
        flow=flow,
        call_id=session.call_id or "",
        direction=CallSession.Direction.OUTBOUND if outbound else CallSession.Direction.INBOUND,
        caller=session.caller_number or "",
        callee=session.callee_number or (msisdn if outbound else ""),
        msisdn=msisdn,
        subscriber=_subscriber(app, msisdn),
        trigger=trigger,
        variables=variables,
        status=CallSession.Status.DIALING if outbound else CallSession.Status.ACTIVE,
    )
    repeated = None if created else _answered_before(app, row, "session", "session")
    if repeated is not None:
        return repeated
    exchange = _exchange(
        row,
        request_key="session",
        kind=CallExchange.Kind.SESSION,
        step=step_key or "",
        received=redact_data(raw),
        callback_event=event,
    )
    if trigger is not None and trigger.status == CallTrigger.Status.UNKNOWN:
        CallTrigger.objects.filter(pk=trigger.pk).update(
            status=CallTrigger.Status.TRIGGERED, last_error="confirmed by the call's session"
        )
    exchange.answer, note = _start(row, flow, step_key, voice, exchange)
    exchange.save(update_fields=["answer", "note", "answered_steps"])
    row.save()
    return Answer(exchange.answer, f"call {session.id[:12]} started: {note}")


def _start(row: CallSession, flow: VoiceFlow | None, step_key, voice: VoiceSettings, exchange):
    if flow is None or not flow.is_active:
        return _fail(row, "no active flow answers this call"), "no flow"
    spec = engine.FlowSpec.load(flow)
    start = step_key or spec.start
    try:
        if row.status == CallSession.Status.DIALING:
            row.current_step = start
            spec.step(start)
            number = (
                national_number(row.msisdn) if row.msisdn else row.variables.get("numberToDial")
            )
            if not number:
                return _fail(row, "an outbound call without a number to dial"), "no number"
            document = engine.dial(
                number,
                caller_id=voice.caller_id,
                timeout=voice.ring_timeout,
                url_for=urls_for(row.app, flow),
                start=start,
            )
            return document.json(), f"dialing {row.msisdn}"
        return _enter(row, spec, start, exchange), f"step {start}"
    except engine.FlowError as error:
        return _fail(row, str(error)), str(error)


# --- a result arrives ---------------------------------------------------------------------


def request_key(step_key: str | None, event: str | None, result: Result, raw) -> str:
    sequence = result.sequence
    if sequence is None:
        sequence = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:16]
    return f"{step_key or ''}|{event or ''}|{sequence}"[:120]


def _summary(result: Result) -> dict:
    action = result.actions[0] if result.actions else None
    if action is None:
        return {}
    recording = action.value if action.value and action.raw.get("uploadStatus") else ""
    return {
        "disposition": (action.disposition or "")[:16],
        "interpretation": (action.interpretation or "")[:200],
        "recording_url": (recording or "")[:500],
    }


def advance_call(
    app: ProviderApp, flow_slug: str | None, step_key: str | None, event_name, result, raw, event
) -> Answer:
    row = (
        CallSession.objects.select_for_update(of=("self",))
        .select_related("flow")
        .filter(app=app, session_id=result.session_id)
        .first()
    )
    if row is None:
        return Answer(error_document(app), f"result for an unknown call {result.session_id[:12]}")
    key = request_key(step_key, event_name, result, raw)
    repeated = _answered_before(app, row, key, "result")
    if repeated is not None:
        return repeated
    exchange = _exchange(
        row,
        request_key=key,
        kind=CallExchange.Kind.RESULT,
        step=step_key or "",
        event=event_name or "",
        tropo_sequence=result.sequence,
        state=(result.state or "")[:16],
        received=redact_data(raw),
        callback_event=event,
        **_summary(result),
    )
    row.last_activity_at = timezone.now()
    exchange.answer, note = _apply_result(row, flow_slug, step_key, event_name, result, exchange)
    exchange.save(update_fields=["answer", "note", "answered_steps"])
    row.save()
    return Answer(exchange.answer, f"call {row.session_id[:12]}: {note}")


def _apply_result(row, flow_slug, step_key, event_name, result: Result, exchange):
    flow = row.flow if row.flow and row.flow.slug == flow_slug else _flow_named(row.app, flow_slug)
    flow = flow or row.flow
    if flow is None:
        return _fail(row, "the call has no flow"), "no flow"
    spec = engine.FlowSpec.load(flow)
    # A route may hand the call to another flow of the app (by its URL): the
    # answers belong to the steps of the flow that asked.
    asked = spec if row.flow in (None, flow) else engine.FlowSpec.load(row.flow)
    row.variables = {**row.variables, **engine.capture(asked, row.awaiting, result)}
    row.flow = flow
    if row.is_over:
        return engine.farewell("").json(), f"after the call ended ({row.status})"
    key = step_key or spec.start
    try:
        if row.status == CallSession.Status.DIALING:
            return _dialed(row, spec, key, event_name, result, exchange)
        turn = engine.turn(spec, key, event_name, result, row.variables)
        if turn.hung_up:
            if turn.goto:
                exchange.note = actions.run_step_action(row, turn.goto, exchange)[:300]
            _end(row, CallSession.Status.HUNG_UP, turn.ends)
            return engine.farewell("").json(), turn.ends
        if turn.url:
            _end(row, CallSession.Status.COMPLETED, turn.ends)
            return render_json([On("continue", next=turn.url)]), turn.ends
        if not turn.goto:
            _end(row, CallSession.Status.COMPLETED, turn.ends)
            return engine.farewell("").json(), turn.ends
        return _enter(row, spec, turn.goto, exchange, say=turn.say), f"{key} → {turn.goto}"
    except engine.FlowError as error:
        return _fail(row, str(error)), str(error)


def _dialed(row, spec, key, event_name, result: Result, exchange):
    """The first result of a call Hatid started: answered, or not."""
    if event_name == "incomplete" or (result.state or "").upper() == "FAILED":
        action = result.actions[0] if result.actions else None
        disposition = action.disposition if action and action.disposition else "FAILED"
        _end(row, CallSession.Status.NO_ANSWER, f"not answered ({disposition})")
        return engine.farewell("").json(), f"not answered ({disposition})"
    row.status = CallSession.Status.ACTIVE
    return _enter(row, spec, key, exchange), f"answered; step {key}"


# --- the entry point -------------------------------------------------------------------------


@transaction.atomic
def receive_voice_request(
    *,
    app: ProviderApp,
    flow_slug: str | None,
    step_key: str | None,
    event_name: str | None,
    body,
    callback_event=None,
) -> Answer:
    """Apply one request of the platform; TropoError when the body is not a
    session or a result."""
    data = decode_json(body, "body")
    if isinstance(data, dict) and "session" in data:
        return open_call(app, flow_slug, step_key, parse_session(data), data, callback_event)
    result = parse_result(data)
    event_name = event_name if event_name in engine.EVENTS else None
    return advance_call(app, flow_slug, step_key, event_name, result, data, callback_event)


def abandon(app: ProviderApp, body: bytes, reason: str) -> bool:
    """A request that could not be processed ended its call: mark the session so."""
    try:
        data = decode_json(body, "body")
    except ValueError:
        return False
    inner = (data.get("result") or data.get("session")) if isinstance(data, dict) else None
    if not isinstance(inner, dict):
        return False
    session_id = inner.get("sessionId") or inner.get("id")
    if not isinstance(session_id, str) or not session_id:
        return False
    with transaction.atomic():
        row = CallSession.objects.select_for_update().filter(app=app, session_id=session_id).first()
        if row is None or row.is_over:
            return False
        _end(row, CallSession.Status.ERROR, reason)
        row.save()
    return True


def expire_sessions() -> int:
    """Calls the platform stopped telling Hatid about (no hangup handler, a lost
    request) end here, so statistics and escalations do not wait for ever."""
    cutoff = timezone.now() - timedelta(seconds=settings.VOICE_SESSION_TIMEOUT_SECONDS)
    expired = 0
    stale = CallSession.objects.filter(
        status__in=CallSession.OPEN,
        last_activity_at__lt=cutoff,
    ).values_list("pk", flat=True)
    for pk in list(stale[:500]):
        with transaction.atomic():
            row = CallSession.objects.select_for_update().get(pk=pk)
            if not row.is_over:
                _end(row, CallSession.Status.EXPIRED, "no request from the platform in time")
                row.save()
                expired += 1
    return expired
