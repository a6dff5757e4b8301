"""The telecom app's models, one module each."""

from telecom.models.audit import AuditEvent
from telecom.models.callback_event import CallbackEvent
from telecom.models.campaign import Campaign
from telecom.models.charging import Charge, ReconciliationReport, ReferenceCounter
from telecom.models.fax import Fax
from telecom.models.ivr import IvrSession, IvrStep
from telecom.models.keyword import KeywordRule
from telecom.models.message import InboundMultipart, Message
from telecom.models.message_template import MessageTemplate
from telecom.models.numbers import HoiioNumber, NumberConfiguration
from telecom.models.outbound_call import OutboundCall
from telecom.models.partner import ApiKey, IdempotencyRecord, Partner
from telecom.models.provider_app import ProviderApp
from telecom.models.rewards import Promo, Reward
from telecom.models.sms_bulk import SmsBulk
from telecom.models.traffic import TrafficCount, TrafficWatermark
from telecom.models.ussd import UssdExchange, UssdMenu, UssdOption, UssdScreen, UssdSession
from telecom.models.voice_calls import ConferenceRoom, VoiceCall
from telecom.models.voicent import VoicentCall, VoicentEscalation
from telecom.models.wallet import UsageDay, WalletSnapshot
from telecom.models.webhook import WebhookDelivery

__all__ = [
    "ApiKey",
    "AuditEvent",
    "CallbackEvent",
    "Campaign",
    "Charge",
    "ConferenceRoom",
    "Fax",
    "HoiioNumber",
    "IdempotencyRecord",
    "InboundMultipart",
    "IvrSession",
    "IvrStep",
    "KeywordRule",
    "Message",
    "MessageTemplate",
    "NumberConfiguration",
    "OutboundCall",
    "Partner",
    "Promo",
    "ProviderApp",
    "ReconciliationReport",
    "ReferenceCounter",
    "Reward",
    "SmsBulk",
    "TrafficCount",
    "TrafficWatermark",
    "UsageDay",
    "UssdExchange",
    "UssdMenu",
    "UssdOption",
    "UssdScreen",
    "UssdSession",
    "VoiceCall",
    "VoicentCall",
    "VoicentEscalation",
    "WalletSnapshot",
    "WebhookDelivery",
]
