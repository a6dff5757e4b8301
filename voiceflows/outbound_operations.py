"""The voiceflows app's outbound operations: for each outbox row, its
sender, its task and its queue (see `telecom.outbound`)."""

from telecom.outbound import OutboundOperation
from voiceflows.models import CallTrigger
from voiceflows.services.outbound import CallTriggerDelivery

OPERATIONS = (
    OutboundOperation(CallTrigger, CallTriggerDelivery, "voiceflows.tasks.deliver_call_triggers"),
)
