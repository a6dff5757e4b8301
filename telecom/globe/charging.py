"""Charging (API docs: "Charge Subscriber", "Get Last Reference Code").

A charge carries its referenceCode from birth (the shortcode suffix and a
7-digit counter); the platform never charges one referenceCode twice, which is
what makes retrying safe. After a lost answer, `last_reference_code` says how
far the platform got.
"""

from dataclasses import dataclass
from decimal import Decimal

from telecom.crypto import reveal
from telecom.globe.api import GlobeApi
from telecom.globe.sms import tel
from telecom.money import format_amount


@dataclass(frozen=True)
class ChargeResult:
    reference_code: str
    server_reference_code: str
    amount: Decimal | None
    total_amount_charged: Decimal | None


@dataclass(frozen=True)
class LastReferenceCode:
    reference_code: str
    status: str
    shortcode: str


class ChargingApi(GlobeApi):
    def charge(
        self,
        *,
        token,
        address: str,
        amount: Decimal,
        description: str,
        reference_code: str,
        duration_days: int = 0,
        subject=None,
    ) -> ChargeResult:
        response = self.call(
            "charge",
            "POST",
            self.api("/payment/v1/transactions/amount"),
            params={"access_token": reveal(token)},
            data={
                "amount": format_amount(amount),
                "description": description,
                "endUserId": tel(address),
                "referenceCode": reference_code,
                "transactionOperationStatus": "Charged",
                "duration": str(duration_days),
            },
            correlation=reference_code,
            subject=subject,
        )
        transaction = (response.json() or {}).get("amountTransaction") or {}
        payment = transaction.get("paymentAmount") or {}
        info = payment.get("chargingInformation") or {}
        return ChargeResult(
            reference_code=str(transaction.get("referenceCode") or reference_code),
            server_reference_code=str(transaction.get("serverReferenceCode") or ""),
            amount=_money(info.get("amount")),
            total_amount_charged=_money(payment.get("totalAmountCharged")),
        )

    def last_reference_code(self) -> LastReferenceCode:
        response = self.call(
            "refcode",
            "GET",
            self.api("/payment/v1/transactions/getLastRefCode"),
            params={"app_id": self.app_id, "app_secret": self.app_secret},
        )
        data = response.json() or {}
        return LastReferenceCode(
            reference_code=str(data.get("referenceCode") or ""),
            status=str(data.get("status") or ""),
            shortcode=str(data.get("shortcode") or ""),
        )


def _money(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None
    except ArithmeticError:
        return None
