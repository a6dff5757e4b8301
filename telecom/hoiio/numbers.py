"""Numbers (SDK: `hoiio.service.number`): countries and numbers on offer,
subscription rates, subscribe, configure forwarding, the active list.

`configure` sets where Hoiio posts what arrives on the number: `forward_to`
for calls (voice) or faxes (fax mode: voice and fax are exclusive),
`forward_sms_to` for SMS. The SDK guide's examples misspell both as
`foward_to`/`foward_sms_to`, which Hoiio would ignore.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Model

from telecom.hoiio import wire
from telecom.hoiio.records import NumberRecord, Page

DURATIONS = ("1", "3", "12", "auto_extend")
MODES = ("voice", "fax")


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    prefix: str
    states: list[tuple[str, str]]  # (code, name)


@dataclass(frozen=True)
class NumberRates:
    currency: str
    rates: list[tuple[int, Decimal]]  # (months, price)


@dataclass(frozen=True)
class Subscribed:
    currency: str
    debit: Decimal | None
    expiry: date | None


class NumberApi:
    def available_countries(self) -> list[Country]:
        data = self.request("number.countries", "number/get_countries", {})
        countries = []
        for entry in data.get("entries") or []:
            if not isinstance(entry, dict):
                continue
            states = [
                (wire.text(s.get("code")), wire.text(s.get("name")))
                for s in entry.get("states") or []
                if isinstance(s, dict)
            ]
            countries.append(
                Country(
                    code=wire.text(entry.get("code")),
                    name=wire.text(entry.get("name")),
                    prefix=wire.text(entry.get("prefix")),
                    states=states,
                )
            )
        return countries

    def available_numbers(self, *, country: str, state: str = "", page: int = 1) -> Page:
        data = self.request(
            "number.choices",
            "number/get_choices",
            {"country": country, "state": state, "page": page},
        )
        return Page.from_json(data, NumberRecord.from_json)

    def number_rates(self, *, country: str) -> NumberRates:
        data = self.request("number.rates", "number/get_rates", {"country": country})
        rates = [
            (wire.integer(e.get("duration")) or 0, wire.decimal(e.get("rate")) or Decimal("0"))
            for e in data.get("entries") or []
            if isinstance(e, dict)
        ]
        return NumberRates(currency=wire.text(data.get("currency")), rates=rates)

    def subscribe_number(
        self, *, number: str, duration: str, subject: Model | None = None
    ) -> Subscribed:
        """Rent `number` for 1, 3 or 12 months, or `auto_extend` (renewed monthly)."""
        if str(duration) not in DURATIONS:
            raise ValueError(f"duration must be one of {', '.join(DURATIONS)}")
        data = self.request(
            "number.subscribe",
            "number/subscribe",
            {"number": wire.dest(number), "duration": duration},
            correlation=wire.dest(number),
            subject=subject,
        )
        return Subscribed(
            currency=wire.text(data.get("currency")),
            debit=wire.decimal(data.get("debit")),
            expiry=wire.parse_date(data.get("expiry")),
        )

    def configure_number(
        self,
        *,
        number: str,
        forward_to: str = "",
        forward_sms_to: str = "",
        mode: str = "",
        subject: Model | None = None,
    ) -> None:
        if mode and mode not in MODES:
            raise ValueError("mode must be voice or fax")
        self.request(
            "number.configure",
            "number/update_forwarding",
            {
                "number": wire.dest(number),
                "forward_to": forward_to,
                "forward_sms_to": forward_sms_to,
                "mode": mode,
            },
            subject=subject,
        )

    def active_numbers(self) -> Page:
        data = self.request("number.active", "number/get_active", {})
        return Page.from_json(data, NumberRecord.from_json)
