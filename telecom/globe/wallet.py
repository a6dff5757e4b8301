"""The developer wallet's balance (API docs: "Wallet Balance")."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from telecom.crypto import reveal
from telecom.dates import parse_globe_datetime
from telecom.errors import PermanentError, ProviderConfigurationError
from telecom.globe.api import GlobeApi


@dataclass(frozen=True)
class WalletBalance:
    balance: Decimal
    as_of: datetime | None


class WalletApi(GlobeApi):
    def wallet_balance(self, *, token=None) -> WalletBalance:
        """With the app's passphrase when it has one, otherwise with a subscriber's
        access token, as the docs' two variants say."""
        if self.app.passphrase:
            request = {
                "app_id": self.app_id,
                "app_secret": self.app_secret,
                "passphrase": reveal(self.app.passphrase),
            }
        elif token:
            request = {"access_token": reveal(token)}
        else:
            raise ProviderConfigurationError(
                f"the app {self.app} has no passphrase and no subscriber token to ask with"
            )
        response = self.call(
            "wallet",
            "POST",
            self.api("/wallet/v1/balance/"),
            json={"walletBalanceRequest": request},
        )
        data = response.json() or {}
        try:
            balance = Decimal(str(data["wallet_balance"]))
        except (KeyError, InvalidOperation):
            raise PermanentError(
                "unexpected wallet answer", provider=self.provider, body=response.text
            ) from None
        as_of = data.get("as_of")
        try:
            parsed = parse_globe_datetime(as_of) if as_of else None
        except ValueError:
            parsed = None
        return WalletBalance(balance=balance, as_of=parsed)
