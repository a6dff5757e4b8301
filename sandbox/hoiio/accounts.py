"""Hoiio accounts on the twin: upserted by `app_id` (the control API and the
`--seed` file both use this). Fields given replace the stored ones; a new
account needs its `access_token` and gets `default_hoiio_credit`.

`numbers` (a list of `{"number", "forward_to", "forward_sms_to", "mode"}`)
rents each number to the account, as if subscribed, with that forwarding:
how `make run`'s seed gives the demo Hoiio app its number."""

from decimal import Decimal

from django.utils import timezone

from sandbox import conf
from sandbox.hoiio.models import HoiioAccount, HoiioNumber
from sandbox.hoiio.numbers import add_months, ensure_catalogue
from sandbox.services.accounts import RegistrationError
from telecom.msisdn import InvalidMsisdn, normalize_msisdn

TEXT = ("access_token", "currency", "country", "name", "mobile_number", "email", "uid")
FIELDS = {"app_id", "points", "bonus", "numbers", *TEXT}
NUMBER_FIELDS = {"number", "forward_to", "forward_sms_to", "mode"}


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
    if "numbers" in data:
        _rent(account, data["numbers"])
    return account, created


def _rent(account: HoiioAccount, numbers) -> None:
    if not isinstance(numbers, list):
        raise RegistrationError("numbers must be a list of objects")
    ensure_catalogue()
    for entry in numbers:
        if not isinstance(entry, dict) or not isinstance(entry.get("number"), str):
            raise RegistrationError("each of numbers needs a number")
        unknown = sorted(set(entry) - NUMBER_FIELDS)
        if unknown:
            raise RegistrationError(f"unknown number fields: {', '.join(unknown)}")
        mode = entry.get("mode") or "voice"
        if mode not in ("voice", "fax"):
            raise RegistrationError("a number's mode is voice or fax")
        try:
            number = normalize_msisdn(entry["number"])
        except InvalidMsisdn as exc:
            raise RegistrationError(f"numbers: {exc}") from None
        HoiioNumber.objects.update_or_create(
            number=number,
            defaults={
                "account": account,
                "country": account.country,
                "expiry": add_months(timezone.now().date(), 1),
                "auto_extend": True,
                "mode": mode,
                "forward_to": str(entry.get("forward_to") or ""),
                "forward_sms_to": str(entry.get("forward_sms_to") or ""),
            },
        )
