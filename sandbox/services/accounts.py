"""Registering apps and subscribers (the control API and `--seed` both use this).

`register_app` upserts by `app_id`: fields given replace the stored ones,
fields absent keep theirs (a new app gets the defaults). `promos` is a list
of promo names (priced from the default catalogue, or `reward_default`) or
an object of name -> price; `subscribers`, a list in the
`POST /_sandbox/subscribers` format, creates handsets with it (demo data).
`upsert_subscriber` upserts by number the same way.
"""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from sandbox import conf, tokens
from sandbox.models import App, Subscriber
from sandbox.router import SANDBOX_DB
from telecom.msisdn import InvalidMsisdn, normalize_msisdn

APP_TEXT = (
    "app_secret",
    "name",
    "description",
    "support_email",
    "passphrase",
    "rewards_token",
    "voice_token",
)
APP_URIS = ("redirect_uri", "notify_uri", "ussd_notify_uri", "rewards_uri", "voice_uri")
APP_FLAGS = ("active", "blocked", "ussd_provisioned", "rewards_provisioned")
APP_FIELDS = {
    "app_id",
    "shortcode",
    "promos",
    "charging_keywords",
    "wallet_balance",
    "subscribers",
    *APP_TEXT,
    *APP_URIS,
    *APP_FLAGS,
}
SUBSCRIBER_FLAGS = ("postpaid", "charging_allowed", "balance_check_fails", "blacklisted")
SUBSCRIBER_FIELDS = {
    "number",
    "balance",
    "reload_amount",
    "latitude",
    "longitude",
    "brand",
    "reward_outcome",
    *SUBSCRIBER_FLAGS,
}


class RegistrationError(ValueError):
    """A registration that cannot be stored; the message says which field and why."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise RegistrationError(message)


def _amount(value, name: str, places: str = "0.01") -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal(places))
    except (InvalidOperation, ValueError):
        raise RegistrationError(f"{name} must be a number like 100.00, not {value!r}") from None
    _require(amount.is_finite(), f"{name} must be a number")
    return amount


def amount(value, name: str) -> Decimal:
    """`value` as money (two places), or a RegistrationError naming `name`."""
    return _amount(value, name)


def _promos(value) -> dict[str, str]:
    if isinstance(value, list):
        _require(all(isinstance(v, str) and v for v in value), "promos must be names")
        return {
            name: conf.DEFAULT_PROMOS.get(name, conf.option("prices")["reward_default"])
            for name in value
        }
    _require(isinstance(value, dict), "promos must be a list of names or an object name: price")
    return {str(name): str(_amount(price, f"the price of {name}")) for name, price in value.items()}


def app_for_shortcode(value) -> App | None:
    """The app with this short code, or the one whose code ends with these 4 digits."""
    text = str(value or "").strip().removeprefix("tel:")
    app = App.objects.filter(shortcode=text).first()
    if app is None and len(text) == 4:
        app = App.objects.filter(shortcode__endswith=text).order_by("id").first()
    return app


def app_for_voice_token(token) -> App | None:
    """The app a token launch names (`GET /1.0/sessions?token=`)."""
    if not isinstance(token, str) or not token:
        return None
    return App.objects.filter(voice_token=token).first()


def register_app(data: dict) -> tuple[App, bool]:
    """Create or update the app `data["app_id"]`; (app, created)."""
    _require(isinstance(data, dict), "an app registration is a JSON object")
    unknown = sorted(set(data) - APP_FIELDS)
    _require(not unknown, f"unknown app fields: {', '.join(unknown)}")
    app_id = data.get("app_id")
    _require(isinstance(app_id, str) and app_id.strip(), "app_id is required")
    app = App.objects.filter(app_id=app_id).first()
    created = app is None
    if created:
        _require(bool(data.get("app_secret")), "app_secret is required for a new app")
        _require(bool(data.get("shortcode")), "shortcode is required for a new app")
        app = App(app_id=app_id, wallet_balance=Decimal(conf.option("default_wallet_balance")))
    if "shortcode" in data:
        shortcode = str(data["shortcode"])
        _require(shortcode.isdigit() and 4 <= len(shortcode) <= 16, "shortcode is digits only")
        app.shortcode = shortcode
    for name in APP_TEXT:
        if name in data:
            _require(isinstance(data[name], str), f"{name} must be text")
            setattr(app, name, data[name])
    for name in APP_URIS:
        if name in data:
            uri = data[name] or ""
            if uri:
                try:
                    URLValidator(schemes=["http", "https"])(uri)
                except ValidationError:
                    raise RegistrationError(f"{name} must be an http(s) URL") from None
            setattr(app, name, uri)
    for name in APP_FLAGS:
        if name in data:
            _require(isinstance(data[name], bool), f"{name} must be true or false")
            setattr(app, name, data[name])
    if "promos" in data:
        app.promos = _promos(data["promos"])
    if "charging_keywords" in data:
        keywords = data["charging_keywords"]
        _require(isinstance(keywords, dict), "charging_keywords must be an object keyword: amount")
        app.charging_keywords = {
            str(k).upper(): str(_amount(v, f"the amount of {k}")) for k, v in keywords.items()
        }
    if "wallet_balance" in data:
        app.wallet_balance = _amount(data["wallet_balance"], "wallet_balance")
    subscribers = data.get("subscribers", [])
    _require(isinstance(subscribers, list), "subscribers must be a list")
    try:
        with transaction.atomic(using=SANDBOX_DB):
            app.save()
            for subscriber in subscribers:
                upsert_subscriber(subscriber)
    except IntegrityError:
        raise RegistrationError(f"short code {app.shortcode} belongs to another app") from None
    tokens.forget()
    return app, created


def upsert_subscriber(data: dict) -> tuple[Subscriber, bool]:
    _require(isinstance(data, dict), "a subscriber is a JSON object")
    unknown = sorted(set(data) - SUBSCRIBER_FIELDS)
    _require(not unknown, f"unknown subscriber fields: {', '.join(unknown)}")
    try:
        number = normalize_msisdn(data.get("number"))
    except InvalidMsisdn as exc:
        raise RegistrationError(f"number: {exc}") from None
    subscriber = Subscriber.objects.filter(number=number).first()
    created = subscriber is None
    if created:
        subscriber = Subscriber(
            number=number, balance=Decimal(conf.option("default_subscriber_balance"))
        )
    for name in ("balance", "reload_amount"):
        if name in data:
            setattr(subscriber, name, _amount(data[name], name))
    for name in ("latitude", "longitude"):
        if name in data:
            value = data[name]
            setattr(subscriber, name, None if value is None else _amount(value, name, "0.0000001"))
    for name in SUBSCRIBER_FLAGS:
        if name in data:
            _require(isinstance(data[name], bool), f"{name} must be true or false")
            setattr(subscriber, name, data[name])
    if "brand" in data:
        _require(data["brand"] in Subscriber.Brand.values, "brand must be ghp or tm")
        subscriber.brand = data["brand"]
    if "reward_outcome" in data:
        outcome = data["reward_outcome"]
        _require(outcome in Subscriber.RewardOutcome.values, "reward_outcome: SUCCESS or FAILED")
        subscriber.reward_outcome = outcome
    subscriber.save()
    tokens.forget()
    return subscriber, created


def load_seed(path: Path) -> list[App]:
    """Register every app in a seed file: a JSON list in the `POST /_sandbox/apps` format
    (an entry `{"hoiio_account": {...}}` is an account of the Hoiio twin instead, in
    the `POST /_sandbox/hoiio/accounts` format). Returns the Globe Labs apps."""
    from sandbox.hoiio.accounts import upsert_account

    entries = json.loads(Path(path).read_text())
    _require(isinstance(entries, list), f"{path}: a seed file is a JSON list of apps")
    apps = []
    for entry in entries:
        if isinstance(entry, dict) and "hoiio_account" in entry:
            upsert_account(entry["hoiio_account"])
        else:
            apps.append(register_app(entry)[0])
    return apps
