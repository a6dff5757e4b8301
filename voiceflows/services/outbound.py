"""Outbound calls: `start_call` queues one; `CallTriggerDelivery` asks the
platform for it once; `start_call_campaign` queues one per number of a list.

The platform starts an outbound call when asked at its session API
(`GET /1.0/sessions?action=create&token=<voice token>&...`, API docs:
"Voice", call trigger endpoint) and then POSTs the new session to the app's
Voice URI with the request's parameters: `numberToDial`, the flow's slug and
the trigger's `reference`, which is how the session finds its trigger (the
flow's variables stay in Hatid). The session API has no idempotency key, so
a request whose answer was lost is never repeated: the trigger waits,
`unknown`, for its session or for an operator's decision.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from telecom import outbox
from telecom.delivery import Delivery
from telecom.errors import OutcomeUnknown
from telecom.globe import GlobeClient
from telecom.models import ProviderApp
from telecom.msisdn import InvalidMsisdn, national_number, normalize_msisdn
from telecom.services import checks
from telecom.services.errors import ServiceError
from voiceflows.models import CallCampaign, CallTrigger, VoiceFlow, VoiceSettings


def _voice_settings(app: ProviderApp) -> VoiceSettings:
    voice = VoiceSettings.objects.filter(app=app).first()
    if voice is None or not voice.voice_token:
        raise ServiceError("this app has no voice token configured", field="app")
    return voice


def _variables(variables) -> dict[str, str]:
    if variables is None:
        return {}
    if not isinstance(variables, dict) or not all(
        isinstance(k, str) and k.isidentifier() for k in variables
    ):
        raise ServiceError("variables are names (letters, digits, _) and values", field="variables")
    return {name: str(value) for name, value in variables.items()}


@transaction.atomic
def start_call(
    *,
    app: ProviderApp,
    to,
    flow: VoiceFlow | None = None,
    variables: dict | None = None,
    source: str = CallTrigger.Source.API,
    partner=None,
    campaign: CallCampaign | None = None,
) -> CallTrigger:
    """Queue an outbound call that plays `flow` (the app's default flow if None) to `to`."""
    if not app.is_active:
        raise ServiceError(f"the app {app} is inactive", field="app")
    voice = _voice_settings(app)
    flow = flow or voice.default_flow
    if flow is None:
        raise ServiceError("name a flow: this app has no default flow", field="flow")
    if flow.app_id != app.pk:
        raise ServiceError("this flow belongs to another app", field="flow")
    if not flow.is_active:
        raise ServiceError(f"the flow {flow.slug} is inactive", field="flow")
    number = checks.number(to, "to")
    trigger = CallTrigger.objects.create(
        app=app,
        flow=flow,
        msisdn=number,
        variables=_variables(variables),
        source=source,
        partner=partner,
        campaign=campaign,
    )
    outbox.enqueue_on_commit(CallTrigger, [trigger.pk])
    return trigger


def parse_numbers(text: str) -> tuple[list[str], list[str]]:
    """The numbers in a pasted list (one per line, or separated by commas), in
    order and once each, and the lines that are not numbers."""
    numbers, skipped = [], []
    for line in text.replace(",", "\n").splitlines():
        if not line.strip():
            continue
        try:
            number = normalize_msisdn(line)
        except InvalidMsisdn:
            skipped.append(line.strip())
            continue
        if number not in numbers:
            numbers.append(number)
    return numbers, skipped


@transaction.atomic
def start_call_campaign(campaign: CallCampaign) -> int:
    """Queue a call to every number of a draft campaign; how many were queued."""
    campaign = CallCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CallCampaign.Status.DRAFT:
        raise ServiceError("this campaign has already started", field="status")
    numbers, skipped = parse_numbers(campaign.numbers)
    if not numbers:
        raise ServiceError("the campaign has no valid number", field="numbers")
    for number in numbers:
        start_call(
            app=campaign.app,
            to=number,
            flow=campaign.flow,
            source=CallTrigger.Source.CAMPAIGN,
            campaign=campaign,
        )
    campaign.status = CallCampaign.Status.STARTED
    campaign.calls, campaign.skipped = len(numbers), "\n".join(skipped)
    campaign.started_at = timezone.now()
    campaign.save(update_fields=["status", "calls", "skipped", "started_at"])
    return len(numbers)


@transaction.atomic
def resolve_unknown_call(trigger: CallTrigger, *, started: bool, by: str) -> bool:
    """An operator's decision on a trigger whose outcome stayed unknown."""
    status = CallTrigger.Status.TRIGGERED if started else CallTrigger.Status.FAILED
    updated = CallTrigger.objects.filter(pk=trigger.pk, status=CallTrigger.Status.UNKNOWN).update(
        status=status, last_error=f"resolved by {by}", finished_at=timezone.now()
    )
    if updated and not started:
        from voiceflows.services.escalations import trigger_failed

        trigger_failed(CallTrigger.objects.get(pk=trigger.pk))
    return bool(updated)


class CallTriggerDelivery(Delivery):
    model = CallTrigger
    done_status = CallTrigger.Status.TRIGGERED
    retry_unknown = False

    @property
    def deadline_seconds(self) -> float:
        return settings.CALL_TRIGGER_DEADLINE_SECONDS

    def send(self, row: CallTrigger):
        voice = _voice_settings(row.app)
        CallTrigger.objects.filter(pk=row.pk).update(sent_at=timezone.now())
        return GlobeClient(row.app).trigger_call(
            voice_token=voice.voice_token,
            parameters={
                "numberToDial": national_number(row.msisdn),
                "flow": row.flow.slug,
                "reference": row.reference,
            },
            subject=row,
        )

    def record(self, row: CallTrigger, session_id) -> dict:
        return {"platform_session_id": (session_id or "")[:64]}

    def on_outcome_unknown(self, row: CallTrigger, exc: OutcomeUnknown) -> None:
        outbox.finish(
            row,
            CallTrigger.Status.UNKNOWN,
            last_error=f"outcome unknown, not sent again: {exc.reason}",
        )

    def on_failed(self, row: CallTrigger) -> None:
        from voiceflows.services.escalations import trigger_failed

        trigger_failed(row)
