"""Numbers and account: `number/get_countries`, `number/get_choices`,
`number/get_rates`, `number/subscribe`, `number/update_forwarding`,
`number/get_active`, `user/get_balance`, `user/get_info`.

The catalogue of numbers on offer (a few in the US, Singapore and Hong Kong,
the countries the SDK guide names) is laid out the first time it is
needed after a reset; the control API can add more. A subscription debits
`hoiio_number` per month (12 months cost 10) and sets the expiry;
`update_forwarding` replaces the forwarding whole (absent fields are
cleared), voice and fax being exclusive modes.
"""

import calendar
from datetime import date

from django.utils import timezone

from sandbox import conf
from sandbox.hoiio.common import Call, HoiioError, hoiio_endpoint, invalid, money, page_of
from sandbox.hoiio.models import HoiioNumber, HoiioTransaction
from sandbox.rows import attributes

COUNTRIES = {
    "US": ("USA", "1", [("AL", "Alabama"), ("CA", "California")]),
    "SG": ("Singapore", "65", []),
    "HK": ("Hong Kong", "852", []),
}
CATALOGUE = [
    *[(f"+1205555010{i}", "US", "AL") for i in range(5)],
    *[(f"+1415555010{i}", "US", "CA") for i in range(5)],
    *[(f"+653159100{i}", "SG", "") for i in range(5)],
    *[(f"+852212345{60 + i}", "HK", "") for i in range(5)],
]
MONTHS = {"1": 1, "3": 3, "12": 12, "auto_extend": 1}


def ensure_catalogue() -> None:
    if not HoiioNumber.objects.exists():
        HoiioNumber.objects.bulk_create(
            [HoiioNumber(number=n, country=c, state=s) for n, c, s in CATALOGUE],
            ignore_conflicts=True,
        )


def add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def price_for(months: int):
    monthly = conf.price("hoiio_number")
    return monthly * (10 if months == 12 else months)


def number_entry(number: HoiioNumber) -> dict:
    return {
        **attributes(number, "number", "country", "state", "forward_to", "forward_sms_to"),
        "expiry": number.expiry.isoformat() if number.expiry else "",
        "auto_extend_status": "enabled" if number.auto_extend else "disabled",
        "mode": number.mode,
    }


@hoiio_endpoint("number/get_countries")
def countries(call: Call) -> dict:
    entries = []
    for code, (name, prefix, states) in COUNTRIES.items():
        entry = {"code": code, "name": name, "prefix": prefix}
        if states:
            entry["states"] = [{"code": c, "name": n} for c, n in states]
        entries.append(entry)
    return {"entries_count": len(entries), "entries": entries}


def _country(call: Call) -> str:
    country = call.required("country").upper()
    if country not in COUNTRIES:
        raise invalid("country")
    return country


@hoiio_endpoint("number/get_choices")
def choices(call: Call) -> dict:
    ensure_catalogue()
    country = _country(call)
    found = HoiioNumber.objects.filter(country=country, account__isnull=True)
    if COUNTRIES[country][2]:
        state = call.required("state").upper()
        found = found.filter(state=state)
    return page_of(
        found.order_by("number"),
        call,
        lambda n: {"number": n.number, "country": n.country, "state": n.state},
    )


@hoiio_endpoint("number/get_rates")
def rates(call: Call) -> dict:
    _country(call)
    return {
        "currency": call.account.currency,
        "entries": [{"duration": str(m), "rate": money(price_for(m))} for m in (1, 3, 12)],
    }


def _owned(call: Call) -> HoiioNumber:
    number = HoiioNumber.objects.filter(number=call.number("number"), account=call.account).first()
    if number is None:
        raise invalid("number")
    return number


@hoiio_endpoint("number/subscribe")
def subscribe(call: Call) -> dict:
    ensure_catalogue()
    wanted = call.number("number")
    duration = call.required("duration")
    if duration not in MONTHS:
        raise invalid("duration")
    number = HoiioNumber.objects.select_for_update().filter(number=wanted).first()
    if number is None or number.account_id is not None:
        raise HoiioError("error_number_not_available")
    months = MONTHS[duration]
    cost = price_for(months)
    number.account = call.account
    number.auto_extend = duration == "auto_extend"
    number.expiry = add_months(timezone.now().date(), months)
    number.save()
    call.record(
        HoiioTransaction.Kind.NUMBER,
        dest=wanted,
        debit=cost,
        rate=cost,
        request=call.logged(),
    )
    return {"currency": call.account.currency, "debit": money(cost), "expiry": number.expiry}


@hoiio_endpoint("number/update_forwarding")
def update_forwarding(call: Call) -> dict:
    number = _owned(call)
    mode = call.optional("mode") or "voice"
    if mode not in ("voice", "fax"):
        raise invalid("mode")
    number.forward_to = call.optional("forward_to")
    number.forward_sms_to = call.optional("forward_sms_to")
    number.mode = mode
    number.save(update_fields=["forward_to", "forward_sms_to", "mode"])
    return {}


@hoiio_endpoint("number/get_active")
def active(call: Call) -> dict:
    found = HoiioNumber.objects.filter(account=call.account).order_by("number")
    return page_of(found, call, number_entry)


@hoiio_endpoint("user/get_balance", fault="hoiio_account")
def balance(call: Call) -> dict:
    account = call.account
    return {
        "currency": account.currency,
        "balance": money(account.balance),
        "points": money(account.points),
        "bonus": money(account.bonus),
    }


@hoiio_endpoint("user/get_info", fault="hoiio_account")
def info(call: Call) -> dict:
    account = call.account
    prefix = {"SG": "65", "US": "1", "HK": "852", "PH": "63"}.get(account.country, "")
    return {
        "uid": account.uid or f"AA-{account.pk}",
        "name": account.name,
        "mobile_number": account.mobile_number,
        "email": account.email,
        "country": account.country,
        "currency": account.currency,
        "prefix": f"+{prefix}" if prefix else "",
    }
