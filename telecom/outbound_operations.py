"""The telecom app's outbound operations: for each outbox row, its sender,
its task and its queue (see `telecom.outbound`)."""

from telecom.models import (
    Charge,
    Fax,
    HoiioNumber,
    IvrSession,
    IvrStep,
    Message,
    NumberConfiguration,
    Reward,
    SmsBulk,
    UssdExchange,
    VoiceCall,
    VoicentCall,
    WebhookDelivery,
)
from telecom.outbound import OutboundOperation
from telecom.services.charging import ChargeDelivery
from telecom.services.fax import FaxDelivery
from telecom.services.hoiio.ivr import IvrSessionDelivery, IvrStepDelivery
from telecom.services.hoiio.numbers import NumberConfigurationDelivery, NumberSubscriptionDelivery
from telecom.services.hoiio.sms import SmsBulkDelivery
from telecom.services.hoiio.voice import VoiceCallDelivery
from telecom.services.message_delivery import MessageDelivery
from telecom.services.rewards import RewardDelivery
from telecom.services.ussd import UssdReplyDelivery
from telecom.services.voicent import VoicentCallDelivery
from telecom.services.webhooks import WebhookDeliveryRunner

OPERATIONS = (
    OutboundOperation(Message, MessageDelivery, "telecom.tasks.deliver_messages"),
    OutboundOperation(Charge, ChargeDelivery, "telecom.tasks.deliver_charges"),
    OutboundOperation(Reward, RewardDelivery, "telecom.tasks.deliver_rewards"),
    # Replies are useless once the screen timed out: their own queue, behind no backlog.
    OutboundOperation(
        UssdExchange, UssdReplyDelivery, "telecom.tasks.deliver_ussd_replies", queue="ussd"
    ),
    OutboundOperation(WebhookDelivery, WebhookDeliveryRunner, "telecom.tasks.deliver_webhooks"),
    OutboundOperation(SmsBulk, SmsBulkDelivery, "telecom.tasks.deliver_sms_bulks"),
    OutboundOperation(VoiceCall, VoiceCallDelivery, "telecom.tasks.deliver_voice_calls"),
    OutboundOperation(IvrSession, IvrSessionDelivery, "telecom.tasks.deliver_ivr_sessions"),
    OutboundOperation(IvrStep, IvrStepDelivery, "telecom.tasks.deliver_ivr_steps"),
    # A received fax's document is fetched by the same task (`fax.deliver_faxes`).
    OutboundOperation(Fax, FaxDelivery, "telecom.tasks.deliver_faxes"),
    OutboundOperation(
        HoiioNumber, NumberSubscriptionDelivery, "telecom.tasks.deliver_number_subscriptions"
    ),
    OutboundOperation(
        NumberConfiguration,
        NumberConfigurationDelivery,
        "telecom.tasks.deliver_number_configurations",
    ),
    OutboundOperation(VoicentCall, VoicentCallDelivery, "telecom.tasks.deliver_voicent_calls"),
)
