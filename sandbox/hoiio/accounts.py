"""Hoiio accounts on the twin: upserted by `app_id` (the control API and the
`--seed` file both use this). Fields given replace the stored ones; a new
account needs its `access_token` and gets `default_hoiio_credit`."""

from decimal import Decimal

from sandbox import conf
from sandbox.hoiio.models import HoiioAccount
from sandbox.services.accounts import RegistrationError

TEXT = ("access_token", "currency", "country", "name", "mobile_number", "email", "uid")
FIELDS = {"app_id", "points", "bonus", *TEXT}


def _amount(value, name: str) -> Decimal:
    try:
        return conf.amount(value, name)
    except ValueError as error:
        raise RegistrationError(str(error)) from None


def upsert_account(data: dict) -> tuple[HoiioAccount, bool]:
    if not isinstance(data, dict):
        raise RegistrationError("a Hoiio account is a JSON object")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise RegistrationError(f"unknown account fields: {', '.join(unknown)}")
    app_id = data.get("app_id")
    if not isinstance(app_id, str) or not app_id:
        raise RegistrationError("app_id is required")
    account = HoiioAccount.objects.filter(app_id=app_id).first()
    created = account is None
    if created:
        if not data.get("access_token"):
            raise RegistrationError("access_token is required for a new account")
        account = HoiioAccount(app_id=app_id, points=Decimal(conf.option("default_hoiio_credit")))
    for name in TEXT:
        if name in data:
            if not isinstance(data[name], str):
                raise RegistrationError(f"{name} must be text")
            setattr(account, name, data[name])
    for name in ("points", "bonus"):
        if name in data:
            setattr(account, name, _amount(data[name], name))
    account.save()
    return account, created
