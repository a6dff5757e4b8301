"""The simulated platform's state, one module per concern.

Everything here lives in the `sandbox` database alias (see
`sandbox.router`) and is wiped by `POST /_sandbox/reset`.
"""

# The Hoiio and Voicent twins keep their models beside their views; imported
# here so that the sandbox app (and its migrations) owns them.
from sandbox.hoiio.models import (
    HoiioAccount,
    HoiioNumber,
    HoiioRoom,
    HoiioSession,
    HoiioTransaction,
)
from sandbox.models.accounts import App, Subscriber
from sandbox.models.callbacks import Callback
from sandbox.models.consent import AuthCode, ChargingOptIn, Grant, PinChallenge
from sandbox.models.phones import Phone
from sandbox.models.traffic import Delivery, HandsetMessage, UssdSession
from sandbox.models.voice import VoiceCall
from sandbox.models.wallet import WalletEntry
from sandbox.voicent.models import VoicentCallList, VoicentRequest

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
