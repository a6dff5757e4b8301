"""The Load / Rewards API (API docs: "Load API"; the SDK calls it AMAX).

The request is answered at once with a `transaction_id`; the outcome arrives
later as a callback to the app's rewards URI. There is no idempotency key, so
callers never resend a reward whose answer was lost.
"""

from dataclasses import dataclass

from telecom.crypto import reveal
from telecom.globe.api import GlobeApi
from telecom.msisdn import national_number


@dataclass(frozen=True)
class RewardAccepted:
    transaction_id: str
    status: str


class RewardsApi(GlobeApi):
    def send_reward(self, *, address: str, promo: str, subject=None) -> RewardAccepted:
        response = self.call(
            "reward.send",
            "POST",
            self.api("/rewards/v1/transactions/send"),
            json={
                "outboundRewardRequest": {
                    "app_id": self.app_id,
                    "app_secret": self.app_secret,
                    "rewards_token": reveal(self._require("rewards_token")),
                    "address": national_number(address),
                    "promo": promo,
                }
            },
            subject=subject,
        )
        request = (response.json() or {}).get("outboundRewardRequest") or {}
        transaction_id = request.get("transaction_id")
        return RewardAccepted(
            transaction_id=str(transaction_id) if transaction_id is not None else "",
            status=str(request.get("status") or ""),
        )
