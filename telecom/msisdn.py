"""MSISDN normalization: every accepted way of writing a number, to E.164.

Accepted: `09171234567`, `9171234567`, `639171234567`, `+639171234567`,
`tel:+639171234567`, with any spaces, dashes or dots (`0917 123 4567`). Numbers
without a country code are read as Philippine (PHONE_REGION). Each provider
client turns the E.164 form into what its endpoint asks for; nothing else
does.
"""

from functools import lru_cache

import phonenumbers
from django.conf import settings


class InvalidMsisdn(ValueError):
    """The input is not a valid mobile number; the message says why."""


def _region() -> str:
    return getattr(settings, "PHONE_REGION", "PH")


def parse_msisdn(value: object, region: str | None = None) -> phonenumbers.PhoneNumber:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise InvalidMsisdn("a mobile number must be text, like 09171234567 or +639171234567")
    text = str(value).strip()
    if text.lower().startswith("tel:"):
        text = text[4:].strip()
    if not text:
        raise InvalidMsisdn("the mobile number is empty")
    if len(text) > 32:
        raise InvalidMsisdn("the mobile number is too long")
    try:
        number = phonenumbers.parse(text, region or _region())
    except phonenumbers.NumberParseException:
        raise InvalidMsisdn(f"{text!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidMsisdn(
            f"{text!r} is not a valid mobile number (expected e.g. 09171234567 or +639171234567)"
        )
    return number


def normalize_msisdn(value: object) -> str:
    """E.164 (`+639171234567`) for any accepted form; InvalidMsisdn otherwise."""
    if isinstance(value, str):
        return _normalized(value, _region())
    return phonenumbers.format_number(parse_msisdn(value), phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=8192)
def _normalized(value: str, region: str) -> str:
    # phonenumbers costs ~100 us a number, and a lane's callbacks come from
    # the same few senders again and again. (An invalid one raises: not kept.)
    number = parse_msisdn(value, region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_number(e164: str) -> str:
    """The national significant number (`9171234567`), as Globe sends subscriber_number."""
    return str(parse_msisdn(e164).national_number)


def without_plus(value: object) -> str:
    """`639171234567`: the form Globe's USSD and subscriber-query APIs use, from
    any accepted form (`09171234567` too), as `national_number` does."""
    return normalize_msisdn(value).removeprefix("+")


def try_normalize(value: object) -> str | None:
    """E.164, or None when the input is not a number (for search boxes)."""
    try:
        return normalize_msisdn(value)
    except InvalidMsisdn:
        return None
