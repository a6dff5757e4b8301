"""The simulated platform's state, one module per concern.

Everything here lives in the `sandbox` database alias (see
`telecom.sandbox.router`) and is wiped by `POST /_sandbox/reset`.
"""

# The Hoiio and Voicent twins keep their models beside their views; imported
# here so that the sandbox app (and its migrations) owns them.
from telecom.sandbox.hoiio.models import (
    HoiioAccount,
    HoiioNumber,
    HoiioRoom,
    HoiioSession,
    HoiioTransaction,
)
from telecom.sandbox.models.accounts import App, Subscriber
from telecom.sandbox.models.callbacks import Callback
from telecom.sandbox.models.consent import AuthCode, ChargingOptIn, Grant, PinChallenge
from telecom.sandbox.models.phones import Phone
from telecom.sandbox.models.traffic import Delivery, HandsetMessage, UssdSession
from telecom.sandbox.models.voice import VoiceCall
from telecom.sandbox.models.wallet import WalletEntry
from telecom.sandbox.voicent.models import VoicentCallList, VoicentRequest

__all__ = [
    "App",
    "AuthCode",
    "Callback",
    "ChargingOptIn",
    "Delivery",
    "Grant",
    "HandsetMessage",
    "HoiioAccount",
    "HoiioNumber",
    "HoiioRoom",
    "HoiioSession",
    "HoiioTransaction",
    "Phone",
    "PinChallenge",
    "Subscriber",
    "UssdSession",
    "VoiceCall",
    "VoicentCallList",
    "VoicentRequest",
    "WalletEntry",
]
