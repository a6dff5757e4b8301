"""The consent workflow's platform side (API docs: "Opt-in via Webform",
"Charging" opt-in): the consent dialog URL, the code exchange, and the
developer-triggered charging SMS opt-in."""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from telecom.globe.api import GlobeApi
from telecom.money import format_amount
from telecom.msisdn import national_number


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    subscriber_number: str


class OAuthApi(GlobeApi):
    def consent_dialog_url(self, amount: Decimal | None = None) -> str:
        """Where to send a visitor to grant the app (`/dialog/oauth/<app_id>`);
        with an amount, the charging variant (`?amount=1.00`)."""
        url = self.oauth(f"/dialog/oauth/{self.app_id}")
        if amount is not None:
            url += "?" + urlencode({"amount": format_amount(amount)})
        return url

    def exchange_code(self, code: str) -> TokenGrant:
        """POST /oauth/access_token with app_id, app_secret and code as query
        parameters (the .txt docs; the .md says "parameters" without saying
        where, and the SDK puts them in the query too)."""
        response = self.call(
            "oauth.exchange",
            "POST",
            self.oauth("/oauth/access_token"),
            params={"app_id": self.app_id, "app_secret": self.app_secret, "code": code},
        )
        data = response.json() or {}
        token, number = data.get("access_token"), data.get("subscriber_number")
        if not token or not number:
            raise self.unexpected_answer(
                response, "the platform answered without access_token and subscriber_number"
            )
        return TokenGrant(access_token=str(token), subscriber_number=str(number))

    def charging_sms_optin(self, *, to: str, amount: Decimal, duration_days: int) -> None:
        """POST /payment/v1/smsoptin: the platform texts the subscriber an opt-in
        with a keyword; their YES brings `code` and `amount` to the Notify URI."""
        self.call(
            "smsoptin",
            "POST",
            self.api("/payment/v1/smsoptin"),
            params={
                "app_id": self.app_id,
                "app_secret": self.app_secret,
                "subscriber_number": national_number(to),
                "duration": str(duration_days),
                "amount": format_amount(amount),
            },
        )
