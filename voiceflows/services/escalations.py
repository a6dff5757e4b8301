"""Escalation calling: call the numbers in order, round after round, until
one of them keys in the confirmation code.

Each attempt is an outbound call (`start_call`) playing the escalation's
flow (by default the app's "call-till-confirm" flow, made on first use):
the message, then an ask for the code. The right code reaches a step whose
action is "confirm": the escalation is confirmed by that number and nothing
more is called. Any other end of the call (no answer, a wrong or no code,
a hang-up, a call that could not be made, no news by the attempt's
deadline) calls the next number, and after the last round the escalation
is exhausted.

Everything that moves an escalation takes its row's lock, and an attempt
ends once (a conditional update), so a late hang-up, a watchdog and a
confirmation arriving together move it once.

Through the Voicent gateway (`provider="voicent"`) the gateway's own
call-till-confirm does the calling (`telecom.services.voicent`); the
escalation follows it on `telecom.signals.escalation_finished`, and the
watchdog catches up with any end whose signal was lost to a crash.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.models import ProviderApp, VoicentEscalation
from telecom.services import voicent
from voiceflows.models import (
    CallSession,
    CallTrigger,
    Escalation,
    EscalationAttempt,
    VoiceFlow,
    VoiceSettings,
)
from voiceflows.services.flows import ask_step, import_flow, say_step
from voiceflows.services.outbound import parse_numbers, start_call

ESCALATION_FLOW_SLUG = "call-till-confirm"
ESCALATION_FLOW = {
    "slug": ESCALATION_FLOW_SLUG,
    "name": "Call till confirm",
    "start": "message",
    "steps": [
        say_step("message", "{message}", "code"),
        ask_step(
            "code",
            choices={"value": "[1-12 DIGITS]", "mode": "dtmf", "terminator": "#"},
            say=[
                {"value": "To confirm, key in your code, then press the hash key."},
                {"value": "Sorry, I did not hear anything.", "event": "timeout"},
            ],
            attempts=2,
            timeout=10,
            name="code",
            routes=[
                {"on": "answer", "value": "{confirmation_code}", "goto": "confirmed"},
                {"on": "continue", "goto": "wrong"},
                {"on": "incomplete", "goto": "missed"},
            ],
        ),
        say_step(
            "confirmed",
            "Thank you. Your confirmation is recorded. Goodbye.",
            "bye",
            action="confirm",
        ),
        say_step("wrong", "That code is not right. Goodbye.", "bye"),
        say_step("missed", "No code was entered. Goodbye.", "bye"),
        {"key": "bye", "verb": "hangup"},
    ],
}

OUTCOME_OF_SESSION = {
    CallSession.Status.NO_ANSWER: EscalationAttempt.Status.NO_ANSWER,
    CallSession.Status.ERROR: EscalationAttempt.Status.FAILED,
}


def escalation_flow(app: ProviderApp) -> VoiceFlow:
    """The app's call-till-confirm flow, made from ESCALATION_FLOW on first use."""
    flow = VoiceFlow.objects.filter(app=app, slug=ESCALATION_FLOW_SLUG).first()
    return flow or import_flow(app=app, data=ESCALATION_FLOW)


@transaction.atomic
def start_escalation(
    *,
    app: ProviderApp,
    numbers,
    confirmation_code: str,
    message: str,
    rounds: int = 2,
    flow: VoiceFlow | None = None,
    name: str = "",
    provider: str = Escalation.Provider.GLOBE,
    audio_file: str = "",
    call_list: str = "",
    source: str = "admin",
    partner=None,
    created_by=None,
) -> Escalation:
    """Start calling. Through Voicent, `audio_file` (the WAV played) and
    `call_list` (on the gateway's host, `{number}` for one list per person)
    are needed, and the gateway's own prompt asks for the code."""
    if provider not in Escalation.Provider.values:
        raise ServiceError("the provider is globe or voicent", field="provider")
    if isinstance(numbers, str):
        numbers = [numbers]
    valid, invalid = parse_numbers("\n".join(str(n) for n in numbers or []))
    if invalid:
        raise ServiceError(f"not mobile numbers: {', '.join(invalid)}", field="numbers")
    if not valid:
        raise ServiceError("give at least one number to call", field="numbers")
    code = (confirmation_code or "").strip()
    if not code.isdigit() or len(code) > 12:
        raise ServiceError("the confirmation code is 1 to 12 digits", field="confirmation_code")
    if not (message or "").strip():
        raise ServiceError("say what the call is about", field="message")
    if not isinstance(rounds, int) or not 1 <= rounds <= 10:
        raise ServiceError("rounds are 1 to 10", field="rounds")
    if flow is not None and flow.app_id != app.pk:
        raise ServiceError("this flow belongs to another app", field="flow")
    if provider == Escalation.Provider.VOICENT:
        if flow is not None:
            raise ServiceError("the Voicent gateway plays an audio file, not a flow", field="flow")
        gateway = voicent.start_escalation(
            app=app,
            reason=name or message,
            contacts=valid,
            audio_file=audio_file,
            confirm_code=code,
            call_list=call_list,
            rounds=rounds,
            created_by=created_by,
            partner=partner,
        )
        return Escalation.objects.create(
            app=app,
            provider=provider,
            voicent=gateway,
            name=name,
            message=message.strip(),
            numbers=gateway.contacts,
            rounds=rounds,
            confirmation_code=code,
            source=source,
            partner=partner,
        )
    escalation = Escalation.objects.create(
        app=app,
        flow=flow or escalation_flow(app),
        name=name,
        message=message.strip(),
        numbers=valid,
        rounds=rounds,
        confirmation_code=code,
        source=source,
        partner=partner,
    )
    _call_next(escalation)
    return escalation


def _deadline(app: ProviderApp):
    voice = VoiceSettings.objects.filter(app=app).first()
    ring = voice.ring_timeout if voice else 30
    return timezone.now() + timedelta(seconds=ring + settings.ESCALATION_CALL_SECONDS)


def _call_next(escalation: Escalation) -> EscalationAttempt | None:
    """Call the next number, or end the escalation after its last round."""
    while escalation.status == Escalation.Status.RUNNING:
        done = escalation.attempts.count()
        if done >= len(escalation.numbers) * escalation.rounds:
            escalation.status = Escalation.Status.EXHAUSTED
            escalation.finished_at = timezone.now()
            escalation.save(update_fields=["status", "finished_at"])
            return None
        round_index, position = divmod(done, len(escalation.numbers))
        number = escalation.numbers[position]
        attempt = EscalationAttempt(
            escalation=escalation,
            round=round_index + 1,
            position=position,
            msisdn=number,
            deadline_at=_deadline(escalation.app),
        )
        try:
            attempt.trigger = start_call(
                app=escalation.app,
                to=number,
                flow=escalation.flow,
                variables={
                    "message": escalation.message,
                    "confirmation_code": escalation.confirmation_code,
                },
                source=CallTrigger.Source.ESCALATION,
                partner=escalation.partner,
            )
        except ServiceError as exc:
            attempt.status, attempt.note = EscalationAttempt.Status.FAILED, exc.message[:200]
            attempt.ended_at = timezone.now()
            attempt.save()
            continue
        attempt.save()
        return attempt
    return None


def _locked(pk: int) -> Escalation:
    return (
        Escalation.objects.select_for_update(of=("self",)).select_related("app", "flow").get(pk=pk)
    )


def _end_attempt(attempt: EscalationAttempt, status: str, note: str) -> None:
    """End a calling attempt and call the next number; nothing if it had ended."""
    escalation = _locked(attempt.escalation_id)
    ended = EscalationAttempt.objects.filter(
        pk=attempt.pk, status=EscalationAttempt.Status.CALLING
    ).update(status=status, note=note[:200], ended_at=timezone.now())
    if ended:
        _call_next(escalation)


def _attempt_of(trigger_id) -> EscalationAttempt | None:
    if trigger_id is None:
        return None
    return EscalationAttempt.objects.filter(trigger_id=trigger_id).first()


def call_ended(session: CallSession) -> None:
    """A call ended (in the transaction that ended it): its attempt's outcome."""
    attempt = _attempt_of(session.trigger_id)
    if attempt is None:
        return
    status = OUTCOME_OF_SESSION.get(session.status, EscalationAttempt.Status.NOT_CONFIRMED)
    _end_attempt(attempt, status, session.end_reason or session.get_status_display())


def trigger_failed(trigger: CallTrigger) -> None:
    """The platform refused to start the call (or an operator decided it never started)."""
    attempt = _attempt_of(trigger.pk)
    if attempt is not None:
        with transaction.atomic():
            _end_attempt(attempt, EscalationAttempt.Status.FAILED, trigger.last_error or "failed")


def confirm(session: CallSession) -> str:
    """The call's person keyed in the right code: the escalation is confirmed."""
    attempt = _attempt_of(session.trigger_id)
    if attempt is None:
        return "confirm: this call belongs to no escalation"
    escalation = _locked(attempt.escalation_id)
    if escalation.status != Escalation.Status.RUNNING:
        return f"escalation {escalation.pk} already {escalation.status}"
    now = timezone.now()
    EscalationAttempt.objects.filter(pk=attempt.pk).update(
        status=EscalationAttempt.Status.CONFIRMED, ended_at=now, note="confirmed"
    )
    escalation.status = Escalation.Status.CONFIRMED
    escalation.confirmed_by, escalation.confirmed_at = attempt.msisdn, now
    escalation.finished_at = now
    escalation.save(update_fields=["status", "confirmed_by", "confirmed_at", "finished_at"])
    return f"escalation {escalation.pk} confirmed by {attempt.msisdn}"


@transaction.atomic
def cancel_escalation(escalation: Escalation, *, by: str) -> bool:
    escalation = _locked(escalation.pk)
    if escalation.status != Escalation.Status.RUNNING:
        return False
    if escalation.voicent_id:
        voicent.cancel_escalation(escalation.voicent)
    now = timezone.now()
    escalation.attempts.filter(status=EscalationAttempt.Status.CALLING).update(
        status=EscalationAttempt.Status.CANCELLED, ended_at=now, note=f"cancelled by {by}"
    )
    escalation.status, escalation.finished_at = Escalation.Status.CANCELLED, now
    escalation.save(update_fields=["status", "finished_at"])
    return True


STATUS_OF_GATEWAY = {
    VoicentEscalation.Status.CONFIRMED: Escalation.Status.CONFIRMED,
    VoicentEscalation.Status.UNCONFIRMED: Escalation.Status.EXHAUSTED,
    VoicentEscalation.Status.CANCELLED: Escalation.Status.CANCELLED,
    VoicentEscalation.Status.UNKNOWN: Escalation.Status.UNKNOWN,
}


def follow_gateway(gateway: VoicentEscalation) -> bool:
    """Copy how the gateway's escalation ended onto the escalation it runs.

    An unknown outcome can still be settled later by an operator, so an
    escalation shown as unknown follows again."""
    status = STATUS_OF_GATEWAY.get(gateway.status)
    if status is None:
        return False
    return bool(
        Escalation.objects.filter(
            voicent=gateway, status__in=[Escalation.Status.RUNNING, Escalation.Status.UNKNOWN]
        )
        .exclude(status=status)
        .update(
            status=status,
            confirmed_by=gateway.confirmed_by,
            confirmed_at=gateway.confirmed_at,
            finished_at=gateway.finished_at or timezone.now(),
        )
    )


def on_gateway_escalation_finished(sender, escalation: VoicentEscalation, **kwargs) -> None:
    follow_gateway(escalation)


def watch_escalations() -> int:
    """Attempts whose call never reported an end by their deadline give way to the
    next; escalations run by the gateway catch up with how it ended."""
    behind = Escalation.objects.filter(
        status__in=[Escalation.Status.RUNNING, Escalation.Status.UNKNOWN], voicent__isnull=False
    ).exclude(voicent__status=F("status"))
    caught_up = sum(follow_gateway(e.voicent) for e in behind.select_related("voicent")[:200])
    overdue = EscalationAttempt.objects.filter(
        status=EscalationAttempt.Status.CALLING, deadline_at__lt=timezone.now()
    )
    moved = 0
    for attempt in list(overdue[:200]):
        with transaction.atomic():
            _end_attempt(attempt, EscalationAttempt.Status.NO_ANSWER, "no outcome by the deadline")
            moved += 1
    return moved + caught_up
