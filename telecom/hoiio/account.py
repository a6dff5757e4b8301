"""Account (SDK: `hoiio.service.account`): the credit balance and the profile."""

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
        return AccountInfo(
            uid=wire.text(data.get("uid")),
            name=wire.text(data.get("name")),
            mobile_number=wire.text(data.get("mobile_number")),
            email=wire.text(data.get("email")),
            country=wire.text(data.get("country")),
            currency=wire.text(data.get("currency")),
            # As the SDK does: "To be consistent ... we remove +".
            prefix=wire.text(data.get("prefix")).lstrip("+"),
        )
