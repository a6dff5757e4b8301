"""Stable pseudonyms for erased numbers, and the forms a number is written in.

`pseudonym("+639171234567")` is `erased:` and 9 base32 characters of an HMAC
of the E.164 number under `settings.PSEUDONYM_KEY`: always the same for the
same number (an erased subscriber's charges and rewards still add up, a
second erasure finds what the first left), never the number back without the
key. 16 characters: it fits every column that holds a number.

`number_forms` are the ways Hatid and the providers write one number
(`+639171234567`, `tel:+639171234567`, `639171234567`, `09171234567`,
`9171234567`); `replace_number` rewrites every one of them inside a text.
"""

import base64
import hashlib
import hmac
import re
from functools import lru_cache

import phonenumbers
from django.conf import settings

from telecom.msisdn import normalize_msisdn, parse_msisdn

PREFIX = "erased:"


def pseudonym(number: str) -> str:
    """The pseudonym of a number in any accepted form."""
    e164 = normalize_msisdn(number)
    digest = hmac.new(settings.PSEUDONYM_KEY.encode(), e164.encode(), hashlib.sha256).digest()
    return PREFIX + base64.b32encode(digest).decode()[:9]


def is_pseudonym(value: str) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def number_forms(number: str) -> list[str]:
    """Every way one number is written, longest first."""
    parsed = parse_msisdn(number)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    national = str(parsed.national_number)
    forms = [f"tel:{e164}", e164, e164.removeprefix("+")]
    home = phonenumbers.country_code_for_region(getattr(settings, "PHONE_REGION", "PH"))
    if parsed.country_code == home:
        forms.append("0" + national)  # the local form (09171234567)
    forms.append(national)
    return forms


def national_digits(number: str) -> str:
    """The digits every form contains: a text that lacks them mentions no form."""
    return str(parse_msisdn(number).national_number)


@lru_cache(maxsize=64)
def _pattern(number: str) -> re.Pattern:
    parsed = parse_msisdn(number)
    national = re.escape(str(parsed.national_number))
    code = str(parsed.country_code)
    # Any of: +63…, 63…, 0…, or the bare national number, not inside a longer
    # run of digits (another number that merely contains these digits).
    return re.compile(rf"(?<!\d)(?:\+?{code}|0)?{national}(?!\d)")


def replace_number(text: str, number: str, replacement: str) -> str:
    return _pattern(normalize_msisdn(number)).sub(replacement, text)


def mentions(text: str, number: str) -> bool:
    return bool(_pattern(normalize_msisdn(number)).search(text))
