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
