"""The sandbox's knobs, with their defaults, in one place: prices and timings.

Prices are what the simulated developer wallet is debited. Where the docs
give a price it is used and cited; elsewhere the value is a sensible
placeholder (the docs only say "standard rates apply"). Every knob can be
overridden for a deployment with `settings.SANDBOX_OPTIONS` and at run time
with `POST /_sandbox/settings`; `POST /_sandbox/reset` restores them.

The sandbox is one process, so the run-time values live in memory here.
"""

import threading
from copy import deepcopy
from decimal import Decimal, InvalidOperation

from django.conf import settings

DEFAULTS: dict = {
    "prices": {
        # "Standard SMS API rates apply": one rate per 160-character part
        # ("you will be charged per 160 characters", Multi-Part SMS).
        "sms": "0.50",
        # "Error response with 400 series will deduct 0.50 from your wallet balance."
        "sms_error": "0.50",
        "binary": "0.50",
        "binary_error": "0.50",
        # LBS: "201, 400 or 401 will be chargeable ... Standard LBS API rates apply".
        "location": "1.00",
        "location_error": "0.50",
        # The SDK's subscriber balance and reload amount queries (undocumented price).
        "subscriber_query": "0.50",
        # Charging and getLastRefCode: "Non 200 and 500 series will deduct 0.50".
        "charge_error": "0.50",
        "refcode_error": "0.50",
        # USSD: one debit per message the app sends (send or reply).
        "ussd": "0.10",
        # A reward costs the price of its promo (see the app's `promos`);
        # promos registered by name only cost this.
        "reward_default": "5.00",
        # The Hoiio twin's rates, in the account's currency (placeholders: Hoiio
        # published its prices on its pricing page, not in the API).
        "hoiio_sms": "0.05",  # per part
        "hoiio_sms_in": "0.01",
        "hoiio_call": "0.04",  # per minute and leg
        "hoiio_fax": "0.10",  # per page
        "hoiio_fax_in": "0.02",
        "hoiio_number": "4.00",  # per month
    },
    # "sessions time out": seconds of silence after which a USSD session ends.
    "ussd_session_timeout": 120.0,
    # How long a handset rings for an app's `call` that sets no timeout (Tropo's
    # call reference: "the default timeout is 30 seconds").
    "voice_ring_timeout": 30.0,
    # Wallet Balance API: a second query from one app sooner than this is a 429.
    "wallet_min_interval": 5.0,
    # How a multi-part SMS MO reaches the app: in_order, reverse or shuffled.
    "mo_part_order": "in_order",
    # Seconds between accepting a reward and POSTing its final status.
    "reward_callback_delay": 0.2,
    # Callbacks the platform sends to apps: (connect, read) timeouts in seconds.
    "callback_connect_timeout": 3.0,
    "callback_read_timeout": 10.0,
    # What a new app's wallet and a new handset's prepaid load start with.
    "default_wallet_balance": "1000.00",
    "default_subscriber_balance": "100.00",
    # What a new Hoiio account's credit starts with.
    "default_hoiio_credit": "100.00",
    # Hoiio: seconds between a call's, fax's or SMS's status changes (and so
    # before each notification), and how long an answered call lasts unless
    # it is hung up.
    "hoiio_progress_delay": 0.2,
    "hoiio_call_seconds": 30.0,
    # The Voicent gateway: seconds between a call's attempts, how many attempts
    # a busy or unanswered number gets, how many rounds a call till confirm
    # goes through its list.
    "voicent_progress_delay": 0.2,
    "voicent_attempts": 3.0,
    "voicent_till_confirm_rounds": 2.0,
}

# Promos every app may be provisioned for; apps add their own at registration.
DEFAULT_PROMOS: dict[str, str] = {
    "LOAD 10": "10.00",
    "LOAD 50": "50.00",
    "LOAD 100": "100.00",
    "FREE10MB": "5.00",
}

PART_ORDERS = ("in_order", "reverse", "shuffled")

_lock = threading.Lock()
_current: dict = {}


def _defaults() -> dict:
    merged = deepcopy(DEFAULTS)
    _merge(merged, getattr(settings, "SANDBOX_OPTIONS", {}) or {})
    return merged


def _merge(target: dict, changes: dict) -> None:
    for key, value in changes.items():
        if key not in target:
            raise ValueError(f"unknown sandbox setting {key!r}")
        if key == "prices":
            if not isinstance(value, dict):
                raise ValueError("prices must be an object of name: amount")
            for name, given in value.items():
                if name not in target["prices"]:
                    raise ValueError(f"unknown price {name!r}")
                target["prices"][name] = str(_decimal(given, name))
        elif key == "mo_part_order":
            if value not in PART_ORDERS:
                raise ValueError(f"mo_part_order must be one of {', '.join(PART_ORDERS)}")
            target[key] = value
        elif isinstance(DEFAULTS[key], float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{key} must be a number of seconds, not {value!r}")
            target[key] = float(value)
        else:
            target[key] = str(_decimal(value, key))


def amount(value, name: str) -> Decimal:
    """`value` (a number or its text) as a Decimal, finite and not negative;
    ValueError naming `name` otherwise. The twins' settings and accounts use it."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ValueError(f"{name} must be an amount like 1.00, not {value!r}")
    return number


def _decimal(value, name: str) -> Decimal:
    return amount(value, name).quantize(Decimal("0.01"))


def options() -> dict:
    """The knobs in force (a copy)."""
    with _lock:
        if not _current:
            _current.update(_defaults())
        return deepcopy(_current)


def option(name: str):
    with _lock:
        if not _current:
            _current.update(_defaults())
        return _current[name]


def price(name: str) -> Decimal:
    with _lock:
        if not _current:
            _current.update(_defaults())
        return Decimal(_current["prices"][name])


def update(changes: dict) -> dict:
    """Apply `changes` (validated whole before any is applied); return the new knobs."""
    with _lock:
        candidate = deepcopy(_current or _defaults())
        _merge(candidate, changes)
        _current.clear()
        _current.update(candidate)
        return deepcopy(_current)


def reset() -> None:
    with _lock:
        _current.clear()
