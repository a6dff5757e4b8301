"""Subscriber data queries: prepaid balance and reload amount.

The API docs do not document these; the official SDK does (its
`subscriber.py`): `GET /location/v1/queries/balance` and
`/location/v1/queries/reload_amount` with access_token and address, answered
with a `terminalLocationList` whose entries carry `subBalance` or
`reloadAmount`.

Units: the SDK's samples are `subBalance: "60200"` and `reloadAmount:
"30000"`, whole numbers, where every peso amount elsewhere in the docs is in
decimal format ("Must be in decimal format. eg. 1.00, 2.50, 10.00", API docs,
"Charging"); a prepaid balance of PHP 60,200 and a reload of PHP 30,000 are
far beyond what a prepaid line holds, PHP 602.00 and 300.00 are not. So a
whole number is centavos, and Hatid keeps and shows pesos (a value written
with a decimal point is already pesos).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from telecom.crypto import reveal
from telecom.globe.api import GlobeApi
from telecom.msisdn import without_plus


@dataclass(frozen=True)
class SubscriberAmount:
    kind: str  # "balance" or "reload_amount"
    amount: Decimal


_FIELDS = {"balance": "subBalance", "reload_amount": "reloadAmount"}
CENT = Decimal("0.01")


def _pesos(value) -> Decimal:
    """`"60200"` (centavos) or `"602.00"` (pesos) as pesos: Decimal("602.00")."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"expected a number, not {value!r}")
    text = str(value).strip()
    amount = Decimal(text)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not an amount: {text!r}")
    return (amount if "." in text else amount * CENT).quantize(CENT)


class SubscriberApi(GlobeApi):
    def subscriber_amount(self, *, token, address: str, kind: str, subject=None):
        """The subscriber's balance or last reload amount, as the platform reports it."""
        response = self.call(
            f"subscriber.{kind}",
            "GET",
            self.api(f"/location/v1/queries/{kind}"),
            params={"access_token": reveal(token), "address": without_plus(address)},
            subject=subject,
        )
        try:
            entries = response.json()["terminalLocationList"]["terminalLocation"]
            entry = entries[0] if isinstance(entries, list) else entries
            return SubscriberAmount(kind=kind, amount=_pesos(entry[_FIELDS[kind]]))
        except (KeyError, TypeError, IndexError, InvalidOperation, ValueError) as exc:
            raise self.unexpected_answer(response, f"unexpected {kind} answer: {exc!r}") from None
