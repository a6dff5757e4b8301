"""The voiceflows app: voice flows as data, the Tropo renderer, call webhooks,
outbound calls and escalations."""

from django.apps import AppConfig


class VoiceflowsConfig(AppConfig):
    name = "voiceflows"
    verbose_name = "Voice flows"
    operator_permissions: tuple[str, ...] = (
        "voiceflows.add_voiceflow",
        "voiceflows.change_voiceflow",
        "voiceflows.add_step",
        "voiceflows.change_step",
        "voiceflows.delete_step",
        "voiceflows.add_route",
        "voiceflows.change_route",
        "voiceflows.delete_route",
        "voiceflows.change_voicesettings",
        "voiceflows.start_call",
        "voiceflows.resolve_calltrigger",
        "voiceflows.add_callcampaign",
        "voiceflows.start_escalation",
    )

    def ready(self):
        from telecom.models import IvrSession, VoicentEscalation
        from telecom.rollups import register_attention, register_source
        from telecom.signals import escalation_finished, hoiio_ivr_event
        from voiceflows import retention, rollups  # noqa: F401 - retention registers its kinds
        from voiceflows.services.escalations import on_gateway_escalation_finished
        from voiceflows.services.hoiio_calls import on_hoiio_ivr_event

        register_source(rollups.calls)
        from subscribers.personal_data import register as register_places
        from voiceflows.personal_data import PLACES

        register_places(*PLACES)  # where voice rows hold a number (docs/privacy.md)
        register_attention(rollups.stuck_calls)

        escalation_finished.connect(
            on_gateway_escalation_finished,
            sender=VoicentEscalation,
            dispatch_uid="voiceflows.follow_gateway_escalation",
        )
        hoiio_ivr_event.connect(
            on_hoiio_ivr_event, sender=IvrSession, dispatch_uid="voiceflows.run_hoiio_calls"
        )
        from subscribers.signals import number_erasing
        from voiceflows.services.erasure_stops import stop_calls_for_erasure

        number_erasing.connect(stop_calls_for_erasure, dispatch_uid="voiceflows.stop-on-erasure")
