"""Outbound calls: `start_call` queues one on the app's provider (`STARTERS`:
Globe Labs here, a Voicent gateway in `voicent_flows`, Hoiio's IVR in
`hoiio_calls`);
`CallTriggerDelivery` asks the Globe platform for it once;
`start_call_campaign` queues one per number of a list.

The platform starts an outbound call when asked at its session API
(`GET /1.0/sessions?action=create&token=<voice token>&...`, API docs:
"Voice", call trigger endpoint) and then POSTs the new session to the app's
Voice URI with the request's parameters: `numberToDial`, the flow's slug and
the trigger's `reference`, which is how the session finds its trigger (the
flow's variables stay in Hatid). The session API has no idempotency key, so
a request whose answer was lost is never repeated: the trigger waits,
`unknown`, for its session or for an operator's decision.
"""

from django.db import transaction
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.globe import GlobeClient
from telecom.models import IvrSession, ProviderApp
from telecom.msisdn import InvalidMsisdn, national_number, normalize_msisdn
from telecom.send_once import SendOnceSender
from telecom.services import checks
from telecom.services.queueing import queue
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


def _start_globe_call(*, app, to, flow, variables, source, partner, campaign) -> CallTrigger:
    return queue(
        CallTrigger,
        app=app,
        flow=flow,
        msisdn=to,
        variables=variables,
        source=source,
        partner=partner,
        campaign=campaign,
    )


def _start_hoiio_call(*, app, to, flow, variables, source, partner, campaign) -> IvrSession:
    from voiceflows.services.hoiio_calls import start_hoiio_call

    if campaign is not None:
        raise ServiceError("call campaigns run on Globe Labs apps", field="app")
    call = start_hoiio_call(app=app, to=to, flow=flow, variables=variables)
    # The call as the calls API lists it: the IVR session whose dial plays the flow.
    return IvrSession.objects.get(app=app, tag=call.session_id)


def _start_voicent_call(**arguments):
    from voiceflows.services.voicent_flows import start_voicent_flow_call

    return start_voicent_flow_call(**arguments)


# One starter per voice provider: what a call that plays a flow becomes there
# (a Tropo session, Hoiio IVR blocks, one Voicent text or audio call).
STARTERS = {
    ProviderApp.Provider.GLOBE: _start_globe_call,
    ProviderApp.Provider.HOIIO: _start_hoiio_call,
    ProviderApp.Provider.VOICENT: _start_voicent_call,
}


def _default_flow(app: ProviderApp) -> VoiceFlow | None:
    voice = VoiceSettings.objects.filter(app=app).select_related("default_flow").first()
    return voice.default_flow if voice else None


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
):
    """Queue an outbound call that plays `flow` (the app's default flow if None)
    to `to`, on the app's provider (`STARTERS`): a `CallTrigger` on Globe Labs,
    a `telecom.VoicentCall` through a Voicent gateway, a `telecom.IvrSession`
    whose dial plays the flow on Hoiio."""
    if not app.is_active:
        raise ServiceError(f"the app {app} is inactive", field="app")
    starter = STARTERS.get(app.provider)
    if starter is None:
        raise ServiceError(f"{app.get_provider_display()} apps make no voice calls", field="app")
    if app.provider == ProviderApp.Provider.GLOBE:
        _voice_settings(app)  # refused first: without the voice token nothing can be called
    flow = flow or _default_flow(app)
    if flow is None:
        raise ServiceError("name a flow: this app has no default flow", field="flow")
    if flow.app_id != app.pk:
        raise ServiceError("this flow belongs to another app", field="flow")
    if not flow.is_active:
        raise ServiceError(f"the flow {flow.slug} is inactive", field="flow")
    return starter(
        app=app,
        to=checks.number(to, "to"),
        flow=flow,
        variables=_variables(variables),
        source=source,
        partner=partner,
        campaign=campaign,
    )


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


class CallTriggerDelivery(SendOnceSender):
    model = CallTrigger
    done_status = CallTrigger.Status.TRIGGERED
    unknown_note = "outcome unknown, not sent again"

    deadline_setting = "CALL_TRIGGER_DEADLINE_SECONDS"

    def send(self, row: CallTrigger):
        row.voice_settings = _voice_settings(row.app)  # refused before anything leaves
        return super().send(row)

    def submit(self, row: CallTrigger):
        return GlobeClient(row.app).trigger_call(
            voice_token=row.voice_settings.voice_token,
            parameters={
                "numberToDial": national_number(row.msisdn),
                "flow": row.flow.slug,
                "reference": row.reference,
            },
            subject=row,
        )

    def record(self, row: CallTrigger, session_id) -> dict:
        return {"platform_session_id": (session_id or "")[:64]}

    def on_failed(self, row: CallTrigger) -> None:
        from voiceflows.services.escalations import trigger_failed

        trigger_failed(row)

    on_settled_failed = on_failed  # an operator's "it never started" fails it the same way
