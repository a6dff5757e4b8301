"""IVR sessions through Hoiio: Hatid dials, then runs the session's plan one
block at a time, each when Hoiio's notification says the last one is done.

- `start_ivr` validates the plan (`telecom.hoiio.ivr_steps`) and queues the
  dial (`IvrSessionDelivery`: sent once, tagged with the session's tag).
- `apply_ivr_event` reads each notification: the dial answered (`ongoing`,
  with the session id) starts the first step; a step's notification (its
  own tag) records what the caller did (digits, a recording, a transfer's
  outcome) under the step's `name`, follows a gather's matching `choices`,
  and queues the next step; `ended` completes the session. Repeated
  notifications change nothing.
- Every block is an `IvrStep` outbox row sent once: a block whose answer was
  lost is settled by its notification, which says it ran.
- Calls arriving on a number in voice mode (its forwarding points at the
  `ivr` URL) come as `ringing`: an inbound session opens, with no plan.
- A session with no plan is run by someone else: `dial` queues such a dial
  (a voice flow's outbound call), and every notification is handed on
  (`telecom.signals.hoiio_ivr_event`) once kept, so the voice flow that
  runs the call queues its next block (`queue_block`).
- `watch_sessions` marks sessions that heard nothing for
  HOIIO_IVR_STEP_TIMEOUT_SECONDS `stuck`, for an operator; a dial whose
  outcome is unknown is looked up in the voice history.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.hoiio import HoiioClient
from telecom.hoiio.ivr_steps import (
    PlanError,
    check_block,
    next_after_gather,
    send_step,
    validate_plan,
)
from telecom.hoiio.notifications import IvrEvent
from telecom.models import CallbackEvent, IvrSession, IvrStep, ProviderApp
from telecom.send_once import SendOnceSender, new_tag
from telecom.services import checks
from telecom.services.checks import require_app
from telecom.services.hoiio import history
from telecom.services.queueing import queue
from telecom.signals import hoiio_ivr_event

OPEN = [IvrSession.Status.DIALLED, IvrSession.Status.RUNNING]
SESSION_GONE = "error_invalid_session_param"


@transaction.atomic
def start_ivr(
    *,
    app: ProviderApp,
    dest: str,
    steps: list[dict],
    greeting: str = "",
    caller_id: str = "",
    max_duration: int | None = None,
    source: str = "api",
    partner=None,
) -> IvrSession:
    require_app(app, ProviderApp.Provider.HOIIO)
    number = checks.number(dest, "dest")
    try:
        plan = validate_plan(steps)
    except PlanError as exc:
        raise ServiceError(str(exc), field="steps") from None
    return queue(
        IvrSession,
        app=app,
        dest=number,
        greeting=greeting,
        caller_id=caller_id or app.caller_id,
        max_duration=max_duration,
        plan=plan,
        tag=new_tag("i"),
        source=source,
        partner=partner,
    )


@transaction.atomic
def dial(*, app: ProviderApp, dest: str, caller_id: str = "", source: str = "flow") -> IvrSession:
    """Queue a dial with no plan: whoever asked runs the call, block by block
    (`queue_block`), as its notifications arrive (`hoiio_ivr_event`)."""
    require_app(app, ProviderApp.Provider.HOIIO)
    return queue(
        IvrSession,
        app=app,
        dest=checks.number(dest, "to"),
        caller_id=caller_id or app.caller_id,
        plan=[],
        tag=new_tag("i"),
        source=source,
    )


def queue_block(session: IvrSession, block: dict) -> IvrStep:
    """Queue one block on a running session (PlanError for a block Hoiio would
    refuse); it is sent once, tagged `<session tag>-<n>`."""
    created = _queue_step(session, check_block(block))
    IvrSession.objects.filter(pk=session.pk).update(position=session.position)
    return created


class IvrSessionDelivery(SendOnceSender):
    """The dial."""

    model = IvrSession
    done_status = IvrSession.Status.DIALLED

    def submit(self, row: IvrSession):
        return HoiioClient(row.app).ivr_dial(
            dest=row.dest,
            msg=row.greeting,
            caller_id=row.caller_id,
            max_duration=row.max_duration,
            tag=row.tag,
            notify_url=row.app.callback_uri("ivr"),
            subject=row,
        )

    def record(self, row: IvrSession, dialled) -> dict:
        return {"txn_ref": dialled.txn_ref[:64], "session": dialled.session[:64]}


class IvrStepDelivery(SendOnceSender):
    """One block of a running session."""

    model = IvrStep
    done_status = IvrStep.Status.SENT

    def send(self, row: IvrStep):
        if row.session.status != IvrSession.Status.RUNNING:
            raise ServiceError(f"the session is {row.session.status}: not sent")
        return super().send(row)

    def submit(self, row: IvrStep):
        session = row.session
        return send_step(
            HoiioClient(session.app),
            session=session.session,
            step={"kind": row.kind, **row.params},
            tag=row.tag,
            notify_url=session.app.callback_uri("ivr"),
            subject=row,
        )

    def on_failed(self, row: IvrStep) -> None:
        # Hoiio refuses a block for a session whose call has ended (the callee
        # hung up): the session is over, not broken.
        ended = SESSION_GONE in row.last_error
        IvrSession.objects.filter(pk=row.session_id, status__in=OPEN).update(
            status=IvrSession.Status.COMPLETED if ended else IvrSession.Status.FAILED,
            call_state="ended" if ended else F("call_state"),
            last_error=f"step {row.index} ({row.kind}) failed: {row.last_error}"[:2000],
            finished_at=timezone.now(),
        )


def _queue_next(session: IvrSession) -> IvrStep | None:
    if session.position >= len(session.plan):
        return None
    return _queue_step(session, session.plan[session.position])


def _queue_step(session: IvrSession, step: dict) -> IvrStep:
    """The session's next step, queued at its position (which moves on, in
    memory: the caller saves it), tagged `<session tag>-<n>`."""
    created = queue(
        IvrStep,
        session=session,
        index=session.position,
        kind=step["kind"],
        params={k: v for k, v in step.items() if k != "kind"},
        tag=f"{session.tag}-{session.position}",
    )
    session.position += 1
    return created


def _find(app: ProviderApp, event: IvrEvent) -> tuple[IvrSession | None, IvrStep | None]:
    sessions = IvrSession.objects.select_for_update().filter(app=app)
    step = None
    if event.tag:
        step = IvrStep.objects.filter(tag=event.tag, session__app=app).first()
    session = sessions.filter(session=event.session).first() if event.session else None
    if session is None and step is not None:
        session = sessions.filter(pk=step.session_id).first()
    if session is None and event.tag:
        session = sessions.filter(tag=event.tag).first()  # the dial, before its answer was kept
    return session, step


def _ringing(app: ProviderApp, event: IvrEvent) -> IvrSession:
    """A call arriving on one of the app's numbers: a running inbound session
    with no plan, waiting for its first block (which answers the call)."""
    return IvrSession.objects.create(
        app=app,
        direction=IvrSession.Direction.IN,
        dest=event.caller or event.dest,
        plan=[],
        tag=new_tag("i"),
        session=event.session[:64],
        txn_ref=event.txn_ref[:64],
        status=IvrSession.Status.RUNNING,
        source="number",
    )


def apply_ivr_event(app: ProviderApp, event: IvrEvent, callback_event: CallbackEvent) -> str:
    session, step = _find(app, event)
    if session is None and event.ringing:
        session = _ringing(app, event)
    if session is None:
        return f"no session matches {event.session}"
    note = _apply(session, step, event)
    for _receiver, said in hoiio_ivr_event.send(
        sender=IvrSession, session=session, step=step, event=event, callback_event=callback_event
    ):
        if said:
            note += f"; {said}"
    return note


def _apply(session: IvrSession, step: IvrStep | None, event: IvrEvent) -> str:
    now = timezone.now()
    session.session = session.session or event.session[:64]
    session.txn_ref = session.txn_ref or event.txn_ref[:64]
    session.call_state = event.call_state
    session.last_event_at = now
    note = f"session {session.pk}: {event.call_state}"
    if step is not None:
        note += _step_done(session, step, event)
    if event.ended:
        if session.status not in (IvrSession.Status.COMPLETED, IvrSession.Status.FAILED):
            session.status = IvrSession.Status.COMPLETED
            session.finished_at = now
            session.lease_until = None
    elif session.status in (
        IvrSession.Status.SENDING,
        IvrSession.Status.DIALLED,
        IvrSession.Status.UNKNOWN,
    ) and event.tag in ("", session.tag):
        session.status = IvrSession.Status.RUNNING
        session.lease_until = None
        _queue_next(session)
        note += ", answered"
    session.save()
    return note


def _step_done(session: IvrSession, step: IvrStep, event: IvrEvent) -> str:
    if step.status == IvrStep.Status.DONE:
        return f", step {step.index} already done"
    result = {
        k: v
        for k, v in {
            "digits": event.digits,
            "record_url": event.record_url,
            "transfer_status": event.transfer_status,
        }.items()
        if v not in (None, "")
    }
    IvrStep.objects.filter(pk=step.pk).update(
        status=IvrStep.Status.DONE, result=result, finished_at=timezone.now(), lease_until=None
    )
    if step.params.get("name") and result:
        session.results = {**session.results, step.params["name"]: result}
    if step.kind == "gather":
        chosen = next_after_gather(step.params, event.digits)
        if chosen:
            session.plan = [
                *session.plan[: session.position],
                *chosen,
                *session.plan[session.position :],
            ]
    if not event.ended and session.status == IvrSession.Status.RUNNING:
        _queue_next(session)
    return f", step {step.index} ({step.kind}) done"


def _dialled(session: IvrSession, entries) -> int:
    """The history lists the dial: it went out; its notification will say more."""
    return IvrSession.objects.filter(pk=session.pk, status=IvrSession.Status.UNKNOWN).update(
        status=IvrSession.Status.DIALLED,
        txn_ref=entries[0].txn_ref[:64],
        last_error="found in Hoiio's history; waiting for its notification",
    )


def watch_sessions(app: ProviderApp, client: HoiioClient) -> int:
    """Dials of unknown outcome from the history; silent sessions shown as stuck."""
    changed = 0
    unknown = list(IvrSession.objects.filter(app=app, status=IvrSession.Status.UNKNOWN)[:100])
    if unknown:
        found = history.find_by_tag(
            client.call_history, {s.tag for s in unknown}, history.earliest(unknown)
        )
        changed += history.settle(unknown, found, _dialled)
    silent = timezone.now() - timedelta(seconds=settings.HOIIO_IVR_STEP_TIMEOUT_SECONDS)
    changed += IvrSession.objects.filter(app=app, status__in=OPEN, updated_at__lt=silent).update(
        status=IvrSession.Status.STUCK, last_error="no notification from Hoiio came"
    )
    return changed
