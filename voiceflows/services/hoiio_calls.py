"""Voice flows on Hoiio: the same flows, sessions, transcripts, actions and
statistics as on Globe Labs, run through Hoiio's IVR blocks.

Tropo takes a document of verbs per request; Hoiio takes one block at a
time and notifies when it ran. So a flow runs here one step per block:

- entering a step renders its verb as on Globe (`engine.step_verb`, the
  variables filled in), maps it onto its block
  (`telecom.hoiio.ivr_steps.block_from_tropo`: say -> play, ask -> gather,
  record -> record, transfer -> transfer, hangup -> hangup, startRecording ->
  monitor), runs the step's action, and queues the block
  (`telecom.services.hoiio.ivr.queue_block`, sent once by a worker);
- the block's notification comes back as a Tropo-like result (a gather's
  `digits` matched against the ask's choices: SUCCESS, NOMATCH or TIMEOUT;
  a record's `record_url`; a failed transfer's status), and the engine's
  own routing (`engine.turn`) picks the next step; the answers become
  variables (`engine.capture`);
- `call_state=ended` ends the call: hung up (the `hangup` route's action
  runs), or completed after the flow's own hangup or a transfer.

Calls arriving on a number (`ringing`) play the app's default flow (its
`VoiceSettings`); `start_hoiio_call` dials and plays a flow once answered.
Each call is a `CallSession` (its `session_id` the Hoiio IVR session's tag,
`call_id` Hoiio's session id) with one `CallExchange` per notification,
keyed by the block's tag and call state: a repeated notification changes
nothing and runs no action twice.

Hoiio has no block for a conference, a wait, an outbound call or message
inside a call, reject, redirect or stopRecording, and cannot hand a call to
another Tropo app's URL: `hoiio_problems` names such steps, and a flow with
any is refused where it is given to a Hoiio app.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.hoiio.ivr_steps import PlanError, block_from_tropo
from telecom.hoiio.notifications import IvrEvent
from telecom.models import IvrSession, IvrStep, ProviderApp
from telecom.services import checks
from telecom.services.hoiio import ivr as hoiio_ivr
from telecom.steps import templating
from voiceflows import engine
from voiceflows.models import CallExchange, CallSession, VoiceFlow
from voiceflows.models.flows import DEFAULT_ERROR_MESSAGE
from voiceflows.services import actions
from voiceflows.services.calls import _end, _exchange, _subscriber, settings_for
from voiceflows.services.outbound import _variables
from voiceflows.tropo import Action, Result
from voiceflows.tropo.grammar import match

# The verbs a Hoiio block plays (`block_from_tropo`).
HOIIO_VERBS = frozenset({"say", "ask", "record", "transfer", "hangup", "startRecording"})
# Hoiio's transfer_status, as Tropo's dispositions: how the engine routes it.
TRANSFER_DISPOSITIONS = {
    "answered": "SUCCESS",
    "busy": "BUSY",
    "unanswered": "TIMEOUT",
    "failed": "FAILED",
}


# --- what Hoiio can run ----------------------------------------------------------------


def hoiio_problems(flow: VoiceFlow) -> list[str]:
    """Why each step of `flow` cannot run on Hoiio, naming the step (none: it can)."""
    spec = engine.FlowSpec.load(flow)
    problems = []
    for step in spec.steps.values():
        if step.verb not in HOIIO_VERBS:
            problems.append(f"step {step.key}: Hoiio has no IVR block for a {step.verb}")
        for route in step.routes:
            if route.url:
                problems.append(
                    f"step {step.key}: a route to a URL (another Tropo app) cannot be "
                    "followed on Hoiio"
                )
    return problems


def refuse_unless_runs_on_hoiio(flow: VoiceFlow, field: str = "flow") -> None:
    """A ServiceError on `field` naming the steps Hoiio cannot run."""
    problems = hoiio_problems(flow)
    if problems:
        raise ServiceError(f"{flow.slug} cannot run on Hoiio: " + "; ".join(problems), field=field)


def block_for(spec: engine.FlowSpec, key: str, variables: dict, *, say: str = "") -> dict:
    """Step `key` as its Hoiio block (FlowError when it has none). An ask's
    `attempts` stay in Hatid, which asks again itself (`_ask_again`), on a
    nomatch as on a timeout, as Tropo does."""
    step = spec.step(key)
    if step.verb not in HOIIO_VERBS:
        raise engine.FlowError(f"step {key}: Hoiio has no IVR block for a {step.verb}")
    verb = engine.step_verb(step, variables)
    try:
        block = block_from_tropo(verb, say=templating.render(say, variables))
    except PlanError as error:
        raise engine.FlowError(f"step {key}: {error}") from None
    block.pop("attempts", None)
    return block


# --- outbound ----------------------------------------------------------------------------


@transaction.atomic
def start_hoiio_call(
    *, app: ProviderApp, to, flow: VoiceFlow | None = None, variables: dict | None = None
) -> CallSession:
    """Dial `to` through Hoiio's IVR and play `flow` (the app's default flow if
    None) once answered. The dial is an outbox row sent once by a worker
    (`IvrSessionDelivery`); the call is the returned session, `dialing`."""
    checks.require_app(app, ProviderApp.Provider.HOIIO)
    flow = flow or settings_for(app).default_flow
    if flow is None:
        raise ServiceError("no flow given and the app has no default flow", field="flow")
    if flow.app_id != app.pk:
        raise ServiceError("that flow belongs to another app", field="flow")
    if not flow.is_active:
        raise ServiceError(f"the flow {flow.slug} is inactive", field="flow")
    refuse_unless_runs_on_hoiio(flow)
    number = checks.number(to, "to")
    given = _variables(variables)
    voice = settings_for(app)
    dial = hoiio_ivr.dial(app=app, dest=number, caller_id=voice.caller_id)
    return CallSession.objects.create(
        app=app,
        session_id=dial.tag,
        flow=flow,
        direction=CallSession.Direction.OUTBOUND,
        callee=number,
        msisdn=number,
        subscriber=_subscriber(app, number),
        variables={"caller": dial.caller_id, "callee": number, **given},
        status=CallSession.Status.DIALING,
    )


# --- notifications -------------------------------------------------------------------------


def on_hoiio_ivr_event(sender, *, session: IvrSession, step, event: IvrEvent, **kwargs):
    """`telecom.signals.hoiio_ivr_event`: run the call's flow one block further.
    None for sessions no flow runs (telecom's own plans)."""
    callback_event = kwargs.get("callback_event")
    call = (
        CallSession.objects.select_for_update(of=("self",))
        .select_related("flow")
        .filter(app=session.app, session_id=session.tag)
        .first()
    )
    if call is None:
        if session.direction == IvrSession.Direction.IN and event.ringing and not session.plan:
            return _answer(session, event, callback_event)
        return None
    key = f"{event.tag or '-'}|{event.call_state}"[:120]
    if call.exchanges.filter(request_key=key).exists():
        return f"call {call.pk}: repeated notification, applied once"
    exchange = _exchange(
        call,
        request_key=key,
        kind=CallExchange.Kind.RESULT,
        step=call.current_step,
        event=event.call_state[:12],
        state=event.call_state[:16],
        received=_received(event),
        callback_event=callback_event,
    )
    call.last_activity_at = timezone.now()
    call.call_id = call.call_id or event.session[:64]
    note = _advance(call, session, step, event, exchange)
    exchange.note = (exchange.note or note)[:300]
    exchange.save()
    call.save()
    return f"call {call.pk}: {note}"


def _received(event: IvrEvent) -> dict:
    fields = {
        "session": event.session,
        "call_state": event.call_state,
        "tag": event.tag,
        "digits": event.digits,
        "record_url": event.record_url,
        "transfer_status": event.transfer_status,
        "call_status": event.call_status,
        "from": event.caller,
        "to": event.to,
    }
    return {k: v for k, v in fields.items() if v not in (None, "")}


def _answer(session: IvrSession, event: IvrEvent, callback_event) -> str:
    """A call ringing on one of the app's numbers: the default flow answers it."""
    app = session.app
    voice = settings_for(app)
    flow = voice.default_flow
    call = CallSession.objects.create(
        app=app,
        session_id=session.tag,
        call_id=event.session[:64],
        flow=flow,
        direction=CallSession.Direction.INBOUND,
        caller=event.caller,
        callee=event.to,
        msisdn=event.caller,
        subscriber=_subscriber(app, event.caller),
        variables={"caller": event.caller, "callee": event.to},
        status=CallSession.Status.ACTIVE,
    )
    exchange = _exchange(
        call,
        request_key=f"-|{event.call_state}",
        kind=CallExchange.Kind.SESSION,
        event=event.call_state[:12],
        state=event.call_state[:16],
        received=_received(event),
        callback_event=callback_event,
    )
    problems = hoiio_problems(flow) if flow is not None and flow.is_active else []
    if flow is None or not flow.is_active:
        note = _fail(call, session, exchange, "no active flow answers this call")
    elif problems:
        note = _fail(call, session, exchange, problems[0])
    else:
        spec = engine.FlowSpec.load(flow)
        note = _enter_or_fail(call, session, spec, spec.start, exchange)
    exchange.note = (exchange.note or note)[:300]
    exchange.save()
    call.save()
    return f"call {call.pk} from {event.caller or 'an unknown number'}: {note}"


def _advance(call: CallSession, session: IvrSession, step, event: IvrEvent, exchange) -> str:
    if call.is_over:
        return f"after the call ended ({call.status})"
    if call.flow is None:  # deleted during the call
        return _fail(call, session, exchange, "the call has no flow")
    if call.status == CallSession.Status.DIALING:
        if event.ended:
            _end(
                call, CallSession.Status.NO_ANSWER, f"not answered ({event.call_status or 'ended'})"
            )
            return call.end_reason
        if event.tag not in ("", session.tag):
            return "a block before the call was answered"
        call.status = CallSession.Status.ACTIVE
        spec = engine.FlowSpec.load(call.flow)
        return "answered; " + _enter_or_fail(call, session, spec, spec.start, exchange)
    latest = session.steps.order_by("-index").first()
    current = step is not None and latest is not None and step.pk == latest.pk
    spec = engine.FlowSpec.load(call.flow)
    result = _result(spec, call, step, event) if current else Result(session_id=call.session_id)
    if current and call.current_step in spec.steps:
        found = engine.capture(spec, [call.current_step], result)
        call.variables = {**call.variables, **found}
        _summarize(exchange, result)
    if event.ended:
        if current and step.kind == "hangup":
            _end(call, CallSession.Status.COMPLETED, f"the flow ended at {call.current_step}")
        elif current and event.transfer_status == "answered":
            _end(call, CallSession.Status.COMPLETED, f"transferred at {call.current_step}")
        else:
            turn = engine.turn(spec, call.current_step, "hangup", result, call.variables)
            if turn.goto:
                exchange.note = actions.run_step_action(call, turn.goto, exchange)[:300]
            _end(call, CallSession.Status.HUNG_UP, turn.ends)
        return call.end_reason
    if not current:
        return "a notification of an earlier block: nothing to do"
    if step.kind == "gather" and exchange.disposition in ("NOMATCH", "TIMEOUT"):
        again = _ask_again(call, session, spec, exchange)
        if again:
            return again
    try:
        turn = engine.turn(spec, call.current_step, "continue", result, call.variables)
    except engine.FlowError as error:
        return _fail(call, session, exchange, str(error))
    if not turn.goto:
        reason = turn.ends or "the flow ended"
        _hang_up(session, exchange, "")
        _end(call, CallSession.Status.COMPLETED, reason)
        return reason
    previous = call.current_step
    return f"{previous} → " + _enter_or_fail(call, session, spec, turn.goto, exchange, say=turn.say)


def _result(spec: engine.FlowSpec, call: CallSession, step: IvrStep, event: IvrEvent) -> Result:
    """The block's notification as the result Tropo would have posted for the step."""
    flow_step = spec.steps.get(call.current_step)
    name = flow_step.variable if flow_step else None
    if step.kind == "gather":
        said = event.digits or ""
        grammar = (flow_step.options.get("choices") or {}) if flow_step else {}
        found = match(str(grammar.get("value", "")) if isinstance(grammar, dict) else "", said)
        if not said:
            action = Action(name=name, disposition="TIMEOUT")
        elif found is None:
            action = Action(name=name, disposition="NOMATCH", utterance=said)
        else:
            action = Action(
                name=name,
                disposition="SUCCESS",
                interpretation=found.interpretation,
                utterance=found.utterance,
                value=found.interpretation,
            )
    elif step.kind == "record":
        url = event.record_url
        action = Action(
            name=name,
            disposition="SUCCESS" if url else "FAILED",
            value=url or None,
            raw={"uploadStatus": "success"} if url else {},
        )
    elif step.kind == "transfer" and event.transfer_status:
        disposition = TRANSFER_DISPOSITIONS.get(event.transfer_status, "FAILED")
        action = Action(name=name, disposition=disposition)
    else:
        return Result(session_id=call.session_id, state="ANSWERED")
    return Result(session_id=call.session_id, state="ANSWERED", actions=(action,))


def _prompt_for(options: dict, event: str, count: int) -> str:
    """The ask's prompt tied to `nomatch:<count>`, `nomatch` or `timeout` (as
    the Tropo platform picks it, `voiceflows.tropo.platform`)."""
    prompts = options.get("say")
    prompts = prompts if isinstance(prompts, list) else [prompts]
    for wanted in (f"{event}:{count}", event):
        for prompt in prompts:
            if isinstance(prompt, dict) and wanted in str(prompt.get("event", "")).split():
                return str(prompt.get("value", ""))
    return ""


def _ask_again(call, session, spec: engine.FlowSpec, exchange) -> str | None:
    """A nomatch or a timeout with attempts left: the gather again, after the
    prompt tied to the event. None when the attempts are spent."""
    key = call.current_step
    options = spec.step(key).options
    attempts = options.get("attempts") if isinstance(options.get("attempts"), int) else 1
    elsewhere = call.exchanges.exclude(step=key).order_by("-sequence").first()
    earlier = list(
        call.exchanges.filter(
            step=key,
            disposition__in=("NOMATCH", "TIMEOUT"),
            sequence__gt=elsewhere.sequence if elsewhere else 0,
        )
        .exclude(pk=exchange.pk)
        .values_list("disposition", flat=True)
    )
    made = len(earlier) + 1
    if made >= attempts:
        return None
    event = exchange.disposition.lower()
    count = earlier.count("NOMATCH") + 1 if event == "nomatch" else made
    prompt = _prompt_for(options, event, count)
    try:
        block = block_for(spec, key, call.variables, say=prompt)
    except engine.FlowError as error:
        return _fail(call, session, exchange, str(error))
    _send(session, exchange, block, [key])
    return f"{key}: {event}, asked again (attempt {made + 1} of {attempts})"


def _summarize(exchange: CallExchange, result: Result) -> None:
    action = result.actions[0] if result.actions else None
    if action is None:
        return
    exchange.disposition = (action.disposition or "")[:16]
    exchange.interpretation = (action.interpretation or "")[:200]
    if action.raw.get("uploadStatus") and action.value:
        exchange.recording_url = action.value[:500]


# --- blocks --------------------------------------------------------------------------------


def _send(session: IvrSession, exchange: CallExchange, block: dict, steps: list[str]) -> None:
    hoiio_ivr.queue_block(session, block)
    exchange.answer = json.dumps(block)
    exchange.answered_steps = steps


def _enter(call, session, spec: engine.FlowSpec, key: str, exchange, *, say: str = "") -> str:
    """Play step `key`: its block, then its action (as `calls._enter` does on Globe)."""
    block = block_for(spec, key, call.variables, say=say)
    exchange.note = actions.run_step_action(call, key, exchange)[:300]
    call.current_step, call.awaiting = key, [key]
    _send(session, exchange, block, [key])
    if block["kind"] == "hangup":
        _end(call, CallSession.Status.COMPLETED, f"the flow ended at {key}")
    return f"step {key} ({block['kind']})"


def _enter_or_fail(call, session, spec, key: str, exchange, *, say: str = "") -> str:
    try:
        return _enter(call, session, spec, key, exchange, say=say)
    except engine.FlowError as error:
        return _fail(call, session, exchange, str(error))


def _hang_up(session: IvrSession, exchange: CallExchange, message: str) -> None:
    _send(
        session, exchange, {"kind": "hangup", "msg": message} if message else {"kind": "hangup"}, []
    )


def _fail(call: CallSession, session: IvrSession, exchange, reason: str) -> str:
    """The call cannot go on: the app's error message, then a hangup."""
    message = settings_for(call.app).error_message or DEFAULT_ERROR_MESSAGE
    if session.status == IvrSession.Status.RUNNING:
        _hang_up(session, exchange, message)
    _end(call, CallSession.Status.ERROR, reason)
    return reason
