"""Calls through the Voicent gateway: text-to-speech and audio calls, their
status, their removal, and call-till-confirm escalations.

- `place_voicent_call` queues a call; `VoicentCallDelivery` sends it once
  (neither callText nor callAudio is idempotent): a lost answer leaves no
  request id to ask about, so the call is `unknown`, never placed twice.
- The gateway never calls back: `poll_call` asks callStatus every
  VOICENT_POLL_INTERVAL_SECONDS until the call is made or failed (or the
  deadline passes: `unknown`), then removes the request when asked to.
  `remove_call` removes it at any time (a call not made yet is cancelled).
- `start_escalation` calls a list of people in turn until one keys in the
  confirmation code (see `telecom.models.voicent`): one callTillConfirm run
  per attempt, each polled like a call; a run that is made names who
  confirmed, one that failed (or stayed silent past `attempt_timeout`, then
  removed) moves on to the next person, round after round. Its end is
  announced with `telecom.signals.escalation_finished`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from telecom.errors import OutcomeUnknown, ProviderConfigurationError, ProviderError, ServiceError
from telecom.models import ProviderApp, VoicentCall, VoicentEscalation
from telecom.msisdn import try_normalize
from telecom.send_once import SendOnceSender
from telecom.services import checks
from telecom.services.checks import require_app
from telecom.services.queueing import queue
from telecom.signals import escalation_finished
from telecom.voicent import CallState, VoicentClient

logger = logging.getLogger("telecom.voicent")
POLL_TASK = "telecom.tasks.poll_voicent_calls"
REMOVE_TASK = "telecom.tasks.remove_voicent_call"


@transaction.atomic
def place_voicent_call(
    *,
    app: ProviderApp,
    to: str,
    text: str = "",
    audio_file: str = "",
    selfdelete: bool = False,
    remove_when_done: bool = False,
    source: str = "api",
    partner=None,
    flow: str = "",
) -> VoicentCall:
    """Call `to` and speak `text`, or play `audio_file` (a WAV on the gateway's host);
    `flow` names the voice flow it plays, when it is one."""
    require_app(app, ProviderApp.Provider.VOICENT)
    if bool(text.strip()) == bool(audio_file.strip()):
        raise ServiceError("give either text or an audio file", field="text")
    return queue(
        VoicentCall,
        app=app,
        kind=VoicentCall.Kind.TEXT if text.strip() else VoicentCall.Kind.AUDIO,
        phone=checks.number(to, "to"),
        text=text.strip(),
        audio_file=audio_file.strip(),
        selfdelete=selfdelete,
        remove_when_done=remove_when_done,
        source=source,
        partner=partner,
        flow=flow,
    )


def _poll_later(ids: list[int]) -> None:
    delay = settings.VOICENT_POLL_INTERVAL_SECONDS
    transaction.on_commit(
        lambda: current_app.send_task(POLL_TASK, args=[list(ids)], countdown=delay)
    )


class VoicentCallDelivery(SendOnceSender):
    model = VoicentCall
    done_status = VoicentCall.Status.REQUESTED
    settled_status = VoicentCall.Status.MADE  # an operator's "it went through"

    def submit(self, row: VoicentCall) -> str:
        client = VoicentClient(row.app)
        if row.kind == VoicentCall.Kind.TILL_CONFIRM:
            escalation = row.escalation
            return client.call_till_confirm(
                vcast_program=settings.VOICENT_VCAST_PROGRAM,
                call_list=row.call_list,
                wavfile=escalation.audio_file,
                confirm_code=escalation.confirm_code,
                subject=row,
            )
        if row.kind == VoicentCall.Kind.TEXT:
            return client.call_text(
                phone=row.phone, text=row.text, selfdelete=row.selfdelete, subject=row
            )
        return client.call_audio(
            phone=row.phone, audiofile=row.audio_file, selfdelete=row.selfdelete, subject=row
        )

    def record(self, row: VoicentCall, req_id: str) -> dict:
        fields = {"req_id": req_id[:64]}
        if row.selfdelete:
            # The gateway deletes the request once made: there is nothing to poll.
            fields["gateway_status"] = "self-deleting: its status cannot be followed"
        else:
            _poll_later([row.pk])
        return fields

    def on_outcome_unknown(self, row: VoicentCall, exc: OutcomeUnknown) -> None:
        super().on_outcome_unknown(row, exc)
        if row.escalation_id:
            with transaction.atomic():
                ended = VoicentEscalation.objects.filter(
                    pk=row.escalation_id, status=VoicentEscalation.Status.RUNNING
                ).update(status=VoicentEscalation.Status.UNKNOWN, finished_at=timezone.now())
                if ended:
                    _announce(row.escalation_id)

    def on_failed(self, row: VoicentCall) -> None:
        if row.escalation_id:
            with transaction.atomic():
                advance_escalation(row.escalation_id)


# --- polling ---------------------------------------------------------------------------


def poll_calls(ids: list[int]) -> list[int]:
    """One callStatus for each call still at the gateway; the ids to poll again
    (a status query that failed is simply asked again next time)."""
    again = []
    for pk in ids:
        try:
            open_ = poll_call(pk)
        except (ProviderError, ProviderConfigurationError) as exc:
            logger.warning("polling Voicent call %s failed: %s", pk, exc)
            open_ = True
        if open_:
            again.append(pk)
    return again


def poll_call(pk: int) -> bool:
    """Poll one call; True while it stays open."""
    call = (
        VoicentCall.objects.select_related("app", "escalation")
        .filter(pk=pk, status=VoicentCall.Status.REQUESTED)
        .first()
    )
    if call is None or call.selfdelete or not call.req_id:
        return False
    page = VoicentClient(call.app).call_status(req_id=call.req_id, subject=call)
    now = timezone.now()
    fields = {
        "gateway_status": page.state.value or "in progress",
        "polls": call.polls + 1,
        "last_polled_at": now,
    }
    status = {CallState.MADE: VoicentCall.Status.MADE, CallState.FAILED: VoicentCall.Status.FAILED}
    new = status.get(page.state)
    started = call.submitted_at or call.created_at
    if new is None and call.escalation_id:
        timeout = timedelta(seconds=call.escalation.attempt_timeout)
        if now - started > timeout:
            new = VoicentCall.Status.FAILED
            fields["last_error"] = "nobody confirmed in time; removed from the gateway"
            call.remove_when_done = True
    if new is None and now - started > timedelta(seconds=settings.VOICENT_STATUS_DEADLINE_SECONDS):
        new = VoicentCall.Status.UNKNOWN
        fields["last_error"] = "still in progress at the gateway after the deadline"
    with transaction.atomic():
        if new is not None:
            fields.update(status=new, finished_at=now)
        updated = VoicentCall.objects.filter(pk=pk, status=VoicentCall.Status.REQUESTED).update(
            **fields
        )
        if updated and new is not None:
            if call.remove_when_done:
                _remove_later(pk)
            if call.escalation_id:
                advance_escalation(call.escalation_id)
    return bool(updated) and new is None


def poll_open_calls() -> int:
    """Beat: poll calls whose polling task was lost (a restart, a lost message)."""
    stale = timezone.now() - timedelta(seconds=3 * settings.VOICENT_POLL_INTERVAL_SECONDS)
    ids = list(
        VoicentCall.objects.filter(status=VoicentCall.Status.REQUESTED, selfdelete=False)
        .exclude(last_polled_at__gte=stale)
        .exclude(submitted_at__gte=stale)
        .values_list("pk", flat=True)[:500]
    )
    return len(poll_calls(ids))


# --- removal -------------------------------------------------------------------------------


def _remove_later(pk: int) -> None:
    transaction.on_commit(lambda: current_app.send_task(REMOVE_TASK, args=[pk]))


def remove_call(call: VoicentCall) -> bool:
    """Ask the gateway to remove the request (a call not made yet is not made)."""
    if not call.req_id or call.removed_at is not None:
        return False
    _remove_later(call.pk)
    return True


def send_removal(pk: int) -> None:
    """The worker's part of a removal: callRemove is idempotent, so it may repeat."""
    call = VoicentCall.objects.select_related("app").get(pk=pk)
    if call.removed_at is not None or not call.req_id:
        return
    VoicentClient(call.app).call_remove(req_id=call.req_id, subject=call)
    now = timezone.now()
    VoicentCall.objects.filter(pk=pk, status=VoicentCall.Status.REQUESTED).update(
        status=VoicentCall.Status.CANCELLED, finished_at=now, last_error="removed before made"
    )
    VoicentCall.objects.filter(pk=pk).update(removed_at=now)


# --- call till confirm ---------------------------------------------------------------------


@transaction.atomic
def start_escalation(
    *,
    app: ProviderApp,
    reason: str,
    contacts: list[str],
    audio_file: str,
    confirm_code: str,
    call_list: str,
    rounds: int = 1,
    attempt_timeout: int = 600,
    created_by=None,
    partner=None,
) -> VoicentEscalation:
    require_app(app, ProviderApp.Provider.VOICENT)
    numbers = list(dict.fromkeys(checks.number(n, "contacts") for n in contacts))
    if not numbers:
        raise ServiceError("give at least one number to call", field="contacts")
    if not confirm_code.isdigit() or not 1 <= len(confirm_code) <= 16:
        raise ServiceError("the confirmation code is 1 to 16 digits", field="confirm_code")
    if not call_list.strip() or not audio_file.strip():
        raise ServiceError("a call list and an audio file are needed", field="call_list")
    if not 1 <= rounds <= 10:
        raise ServiceError("rounds is 1 to 10", field="rounds")
    escalation = VoicentEscalation.objects.create(
        app=app,
        reason=reason.strip()[:200] or "escalation",
        contacts=numbers,
        audio_file=audio_file.strip(),
        confirm_code=confirm_code,
        call_list=call_list.strip(),
        rounds=rounds,
        attempt_timeout=attempt_timeout,
        created_by=created_by,
        partner=partner,
    )
    _next_attempt(escalation)
    return escalation


def _next_attempt(escalation: VoicentEscalation) -> VoicentCall | None:
    planned = escalation.planned_attempts()
    made = escalation.attempts_made
    # A contact erased since the start holds its pseudonym (erased:…), not a
    # number: its turns are passed over, never sent to the gateway.
    while made < len(planned) and planned[made] and try_normalize(planned[made]) is None:
        made += 1
    VoicentEscalation.objects.filter(pk=escalation.pk).update(
        attempts_made=min(made + 1, len(planned))
    )
    if made >= len(planned):
        return None
    number = planned[made]
    call_list = escalation.call_list.replace("{number}", number.removeprefix("+"))
    return queue(
        VoicentCall,
        app=escalation.app,
        kind=VoicentCall.Kind.TILL_CONFIRM,
        phone=number,
        call_list=call_list,
        remove_when_done=False,
        escalation=escalation,
        source="escalation",
        partner=escalation.partner,
    )


def advance_escalation(escalation_id: int) -> str:
    """After an attempt ended: confirmed, the next attempt, or nobody confirmed."""
    escalation = VoicentEscalation.objects.select_for_update().get(pk=escalation_id)
    if escalation.status != VoicentEscalation.Status.RUNNING:
        return escalation.status
    last = escalation.calls.order_by("-pk").first()
    now = timezone.now()
    if last is not None and last.status == VoicentCall.Status.MADE:
        escalation.status = VoicentEscalation.Status.CONFIRMED
        escalation.confirmed_by = last.phone
        escalation.confirmed_at = now
        escalation.finished_at = now
        escalation.save()
        _announce(escalation.pk)
        return escalation.status
    if last is not None and last.status not in VoicentCall.FINAL:
        return escalation.status  # still at the gateway
    if _next_attempt(escalation) is None:
        escalation.status = VoicentEscalation.Status.UNCONFIRMED
        escalation.finished_at = now
        escalation.save(update_fields=["status", "finished_at"])
        _announce(escalation.pk)
    return escalation.status


def _announce(escalation_id: int) -> None:
    """`escalation_finished`, once the transaction that ended it commits."""

    def send():
        escalation = VoicentEscalation.objects.get(pk=escalation_id)
        escalation_finished.send(sender=VoicentEscalation, escalation=escalation)

    transaction.on_commit(send)


@transaction.atomic
def cancel_escalation(escalation: VoicentEscalation) -> bool:
    cancelled = VoicentEscalation.objects.filter(
        pk=escalation.pk, status=VoicentEscalation.Status.RUNNING
    ).update(status=VoicentEscalation.Status.CANCELLED, finished_at=timezone.now())
    if cancelled:
        for call in escalation.calls.filter(status=VoicentCall.Status.REQUESTED):
            remove_call(call)
        escalation.calls.filter(status=VoicentCall.Status.QUEUED).update(
            status=VoicentCall.Status.CANCELLED, finished_at=timezone.now()
        )
        _announce(escalation.pk)
    return bool(cancelled)
