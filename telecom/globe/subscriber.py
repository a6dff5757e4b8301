"""Subscriber data queries: prepaid balance and reload amount.

The API docs do not document these; the official SDK does (its
`subscriber.py`): `GET /location/v1/queries/balance` and
`/location/v1/queries/reload_amount` with access_token and address, answered
with a `terminalLocationList` whose entries carry `subBalance` or
`reloadAmount`.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from telecom.crypto import reveal
from telecom.errors import PermanentError
from telecom.msisdn import without_plus


@dataclass(frozen=True)
class SubscriberAmount:
    kind: str  # "balance" or "reload_amount"
    amount: Decimal


_FIELDS = {"balance": "subBalance", "reload_amount": "reloadAmount"}


class SubscriberApi:
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
            return SubscriberAmount(kind=kind, amount=Decimal(str(entry[_FIELDS[kind]])))
        except (KeyError, TypeError, IndexError, InvalidOperation) as exc:
            raise PermanentError(
                f"unexpected {kind} answer: {exc!r}",
                provider=self.provider,
                status=response.status,
                body=response.text,
            ) from None
