"""The voiceflows app's models, one module per concern: flows as data
(`flows`), the calls they answer (`calls`), calls Hatid starts (`outbound`)
and escalation calling (`escalation`)."""

from voiceflows.models.calls import CallExchange, CallSession
from voiceflows.models.escalation import Escalation, EscalationAttempt
from voiceflows.models.flows import Route, Step, VoiceFlow, VoiceSettings
from voiceflows.models.outbound import CallCampaign, CallTrigger

__all__ = [
    "CallCampaign",
    "CallExchange",
    "CallSession",
    "CallTrigger",
    "Escalation",
    "EscalationAttempt",
    "Route",
    "Step",
    "VoiceFlow",
    "VoiceSettings",
]
