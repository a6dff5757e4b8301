"""Hoiio's value formats, read and written in one place.

Dates are `YYYY-MM-DD HH:MM:SS` in GMT+8 (the SDK notes the API sometimes
adds microseconds after a dot); a number's `expiry` is a date `YYYY-MM-DD`.
Money (`rate`, `total_cost`, `debit`, `balance`, `points`, `bonus`) is read
as `Decimal`, never float (the SDK uses float). `txn_refs` is one
comma-separated string. Numbers are E.164 with `+`.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from telecom.msisdn import normalize_msisdn

HOIIO_TZ = timezone(timedelta(hours=8), "GMT+8")
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")


def parse_datetime(value) -> datetime | None:
    """An aware UTC datetime from Hoiio's GMT+8 text; None when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    for fmt in _FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).replace(tzinfo=HOIIO_TZ).astimezone(UTC)
        except ValueError:
            continue
    return None


def format_datetime(moment: datetime) -> str:
    """`2012-01-31 12:06:15`: a moment as Hoiio writes it (GMT+8)."""
    return moment.astimezone(HOIIO_TZ).strftime("%Y-%m-%d %H:%M:%S")


def parse_date(value) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.strptime(value.strip()[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


def decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def text(value) -> str:
    return "" if value is None else str(value)


def split_refs(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in text(value).split(",") if part.strip()]


def dest(number: str) -> str:
    """E.164 with `+`, as every Hoiio number parameter wants it."""
    return normalize_msisdn(number)


def dests(numbers: list[str]) -> str:
    return ",".join(dest(n) for n in numbers)


# How a field of each declared type is read (the declarations are strings:
# the modules that use `read_fields` say `from __future__ import annotations`).
_READERS = {
    "str": text,
    "int | None": integer,
    "Decimal | None": decimal,
    "datetime | None": parse_datetime,
    "date | None": parse_date,
}


def read_fields(cls, data: dict, **given):
    """An instance of the dataclass `cls` from an answer: each field not `given`
    is read from the answer's field of the same name, by its declared type
    (`str`, `int | None`, `Decimal | None`, `datetime | None`, `date | None`)."""
    values = {
        f.name: _READERS[f.type](data.get(f.name))
        for f in dataclasses.fields(cls)
        if f.name not in given
    }
    return cls(**values, **given)
