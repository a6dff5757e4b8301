"""What Hoiio's answers say, as typed values (see `wire` for the formats).

Each `from_json` reads the fields the SDK documents for that answer (by their
declared types: `wire.read_fields`) and keeps the whole answer in `raw`, so
nothing Hoiio sent is lost to a field Hatid does not know yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Self

from telecom.hoiio import wire


@dataclass(frozen=True)
class Charge:
    """The cost fields every chargeable transaction record carries."""

    currency: str = ""
    rate: Decimal | None = None
    debit: Decimal | None = None

    @classmethod
    def read(cls, data: dict) -> Charge:
        return wire.read_fields(cls, data)


@dataclass(frozen=True)
class Record:
    """A transaction's record (an SMS, a call, a fax): a subclass declares the
    fields its answer has; every record also carries its `charge`, and the
    whole answer in `raw`."""

    charge: Charge = field(kw_only=True)
    raw: dict = field(default_factory=dict, compare=False, repr=False, kw_only=True)

    @classmethod
    def from_json(cls, data: dict) -> Self:
        return wire.read_fields(cls, data, charge=Charge.read(data), raw=data)


@dataclass(frozen=True)
class SmsRecord(Record):
    """`sms/query_status`, and each entry of `sms/get_history`."""

    txn_ref: str
    sms_status: str
    dest: str
    date: datetime | None
    tag: str
    split_count: int | None
    bulk_txn_ref: str = ""
    msg: str = ""


@dataclass(frozen=True)
class CallRecord(Record):
    """`voice/query_status`, and each entry of `voice/get_history`."""

    txn_ref: str
    tag: str
    date: datetime | None
    dest1: str
    dest2: str
    call_status_dest1: str
    call_status_dest2: str
    duration: int | None
    room: str = ""


@dataclass(frozen=True)
class FaxRecord(Record):
    """`fax/query_status`, and each entry of `fax/get_history`."""

    txn_ref: str
    fax_status: str
    src: str
    dest: str
    date: datetime | None
    fax_pages: int | None
    fax_url: str
    tag: str


@dataclass(frozen=True)
class Page:
    """One page of a history or list: `total_entries_count`, `entries_count`, `entries`."""

    total_entries_count: int
    entries: list

    @classmethod
    def from_json(cls, data: dict, entry) -> Page:
        entries = data.get("entries") or []
        if not isinstance(entries, list):
            entries = []
        parsed = [entry(item) for item in entries if isinstance(item, dict)]
        total = wire.integer(data.get("total_entries_count"))
        return cls(total_entries_count=total if total is not None else len(parsed), entries=parsed)


@dataclass(frozen=True)
class Rate:
    """`*/get_rate`: what something costs (fields vary by service)."""

    currency: str
    rate: Decimal | None
    split_count: int | None = None
    total_cost: Decimal | None = None
    is_unicode: bool | None = None
    talktime: int | None = None

    @classmethod
    def from_json(cls, data: dict) -> Rate:
        unicode = data.get("is_unicode")
        is_unicode = None if unicode is None else str(unicode).lower() in ("true", "1")
        return wire.read_fields(cls, data, is_unicode=is_unicode)


@dataclass(frozen=True)
class NumberRecord:
    """An entry of `number/get_active` (and of `number/get_choices`)."""

    number: str
    country: str
    state: str
    forward_to: str
    forward_sms_to: str
    expiry: date | None
    auto_extend: bool | None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: dict) -> NumberRecord:
        status = data.get("auto_extend_status")
        # The SDK reads "disabled" as True; the word means what it says.
        auto_extend = None if status is None else str(status).lower() == "enabled"
        return wire.read_fields(cls, data, auto_extend=auto_extend, raw=data)


@dataclass(frozen=True)
class Balance:
    """`user/get_balance`: the balance is points plus bonus (bonus is spent first)."""

    currency: str
    balance: Decimal
    points: Decimal | None
    bonus: Decimal | None

    @classmethod
    def from_json(cls, data: dict) -> Balance:
        balance = wire.decimal(data.get("balance")) or Decimal("0")
        return wire.read_fields(cls, data, balance=balance)
