"""Account (SDK: `hoiio.service.account`): the credit balance and the profile."""

from __future__ import annotations

from dataclasses import dataclass

from telecom.hoiio import wire
from telecom.hoiio.records import Balance


@dataclass(frozen=True)
class AccountInfo:
    uid: str
    name: str
    mobile_number: str
    email: str
    country: str
    currency: str
    prefix: str


class AccountApi:
    def balance(self) -> Balance:
        return Balance.from_json(self.request("account.balance", "user/get_balance", {}))

    def account_info(self) -> AccountInfo:
        data = self.request("account.info", "user/get_info", {})
        # As the SDK does: "To be consistent ... we remove +".
        prefix = wire.text(data.get("prefix")).lstrip("+")
        return wire.read_fields(AccountInfo, data, prefix=prefix)
