"""What things cost at Hoiio, and who the account is: asked at once (nothing
changes), for the console and the partner API to show before acting.

Sending an SMS (`sms.sms_rate`, shown in compose), receiving one or a
fax on a rented number, a call-back between two numbers (and the talk time
the balance buys), a fax to a number; the account's profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from telecom.hoiio import HoiioClient
from telecom.hoiio.account import AccountInfo
from telecom.hoiio.records import Rate
from telecom.models import HoiioNumber, ProviderApp
from telecom.services.checks import number, require_app


def _client(app: ProviderApp) -> HoiioClient:
    return HoiioClient(require_app(app, ProviderApp.Provider.HOIIO))


@dataclass(frozen=True)
class ReceivingRates:
    sms: Rate
    fax: Rate


def receiving_rates(number: HoiioNumber) -> ReceivingRates:
    """What each SMS and each fax arriving on the number costs."""
    client = _client(number.app)
    return ReceivingRates(
        sms=client.sms_rate_in(incoming=number.number),
        fax=client.fax_rate_in(incoming=number.number),
    )


def call_rate(app: ProviderApp, dest1: str, dest2: str) -> Rate:
    """A call-back's rate per minute, and the talk time the balance buys."""
    return _client(app).call_rate(dest1=number(dest1, "dest1"), dest2=number(dest2, "dest2"))


def fax_rate(app: ProviderApp, dest: str) -> Rate:
    return _client(app).fax_rate(dest=number(dest, "dest"))


def account(app: ProviderApp) -> AccountInfo:
    return _client(app).account_info()
