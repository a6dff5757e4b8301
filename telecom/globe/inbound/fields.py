"""What Globe's inbound parsers share: the rejection naming a field, and the
loosely typed values the platform sends (counts as numbers or strings,
numbers as `tel:+63...` or bare digits, its own shortcode in three forms)."""

from typing import NoReturn

from telecom.errors import RejectedPayload
from telecom.msisdn import InvalidMsisdn, normalize_msisdn


def reject(field: str, message: str) -> NoReturn:
    raise RejectedPayload(f"{field}: {message}", {field: [message]})


def count(value, field: str) -> int | None:
    """A count the platform sends as a number or a string; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        reject(field, "must be a number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        reject(field, "must be a number")
    if not 0 <= number <= 1000:
        reject(field, "is out of range")
    return number


def subscriber_number(value, field: str) -> str:
    """The E.164 form of a subscriber's number, or a rejection naming the field."""
    try:
        return normalize_msisdn(value)
    except InvalidMsisdn as exc:
        reject(field, str(exc))


def app_destination(value, shortcode: str, prefix: str) -> str:
    """The `destinationAddress` (`tel:21581234`, `21581234` or its last digits),
    or a rejection when it names another app's code: a callback for another
    app was sent to this one's URI. SMS MO and USSD both check it."""
    destination = str(value or "").removeprefix("tel:").lstrip("+")
    if destination and not (destination == shortcode or shortcode.endswith(destination)):
        reject(f"{prefix}.destinationAddress", f"{destination} is not this app's shortcode")
    return destination
