"""What every Hoiio endpoint shares: the wrapper (method, faults, credentials,
errors, the answer), the parameters, the dates, the money.

Answers are JSON, every value a string as Hoiio sends them (the SDK converts
`split_count`, `rate`... itself), with `"status": "success_ok"` or an error
code. Error codes follow the pattern of the ones the SDK names
(`error_invalid_http_method`, `error_insufficient_credit`,
`error_rate_limit_exceeded`): `error_<param>_param_missing`,
`error_invalid_<param>_param`, and a few more where nothing fits
(`error_room_full`, `error_number_not_available`). Like Hoiio, the answer to
an API error is an HTTP 200: the status is in the body. Only faults injected
through the control API answer other HTTP statuses.

Like the platform's, each endpoint's fault (`hoiio_sms`, `hoiio_voice`...)
is taken before anything else, and `after_apply` faults act once the
request is applied (see `sandbox.faults`).
"""

import functools
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, JsonResponse, QueryDict
from django.utils import timezone as django_timezone

from sandbox import conf, faults, worker
from sandbox.hoiio.models import HoiioAccount, HoiioTransaction
from sandbox.platform.common import AFTER_APPLY_KEY, one_writer
from sandbox.router import SANDBOX_DB
from telecom.msisdn import InvalidMsisdn, normalize_msisdn

SUCCESS = "success_ok"
GMT8 = timezone(timedelta(hours=8))
PAGE_SIZE = 100


class HoiioError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def missing(name: str) -> HoiioError:
    return HoiioError(f"error_{name}_param_missing")


def invalid(name: str) -> HoiioError:
    return HoiioError(f"error_invalid_{name}_param")


def hoiio_date(moment) -> str:
    """`YYYY-MM-DD HH:MM:SS` in GMT+8, as Hoiio writes dates."""
    return moment.astimezone(GMT8).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def parse_hoiio_date(value: str, name: str):
    try:
        return (
            django_timezone.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
            .replace(tzinfo=GMT8)
            .astimezone(UTC)
        )
    except ValueError:
        raise invalid(name) from None


def money(amount: Decimal) -> str:
    """`0.05`, `4.00`, `0.036`: two decimals at least, four at most."""
    whole, _, fraction = f"{amount:.4f}".partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"


@dataclass
class Call:
    """One request to the Hoiio twin: who made it and with which parameters."""

    request: HttpRequest
    account: HoiioAccount
    params: QueryDict

    def optional(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    def required(self, name: str) -> str:
        value = self.optional(name)
        if not value:
            raise missing(name)
        return value

    def number(self, name: str, *, value: str | None = None) -> str:
        """A number as Hoiio wants it: E.164 with `+`, and nothing looser."""
        text = value if value is not None else self.required(name)
        if not text.startswith("+"):
            raise invalid(name)
        try:
            return normalize_msisdn(text)
        except InvalidMsisdn:
            raise invalid(name) from None

    def integer(self, name: str, *, low: int = 0, high: int = 10**9) -> int | None:
        value = self.optional(name)
        if not value:
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            raise invalid(name)
        return int(value)

    def page(self) -> int:
        return self.integer("page", low=1) or 1

    def url(self, path: str) -> str:
        """An address of this twin, as the response bodies give them."""
        return f"{self.request.scheme}://{self.request.get_host()}/hoiio/{path}"

    def logged(self) -> dict:
        """The parameters without the credentials and the fax document."""
        hidden = {"app_id", "access_token", "file"}
        return {k: v for k, v in self.params.items() if k not in hidden}

    def kept(self, *names: str) -> dict:
        """What a transaction keeps of the request, as `new_transaction` fields:
        the named optional parameters ("" when absent), the app's `tag` and
        `notify_url` (every Hoiio request may carry them), the request as logged."""
        kept = {name: self.optional(name) for name in (*names, "tag", "notify_url")}
        return {**kept, "request": self.logged()}

    # What the endpoints do with the account and its transactions.

    def rate(self, amount: Decimal, **more) -> dict:
        """A `get_rate` answer: `amount` in the account's currency, and `more`."""
        return {"currency": self.account.currency, "rate": money(amount), **more}

    def incoming_rate(self, service: str) -> dict | None:
        """With `incoming` (one of the account's numbers), `get_rate` asks what
        receiving costs: the `hoiio_<service>_in` price. None otherwise."""
        if not self.optional("incoming"):
            return None
        self.number("incoming")
        return self.rate(conf.price(f"hoiio_{service}_in"))

    def affordable(self, amount: Decimal) -> None:
        """error_insufficient_credit unless the balance covers `amount`."""
        if self.account.balance < amount:
            raise HoiioError("error_insufficient_credit")

    def charge(self, amount: Decimal) -> None:
        debit(self.account, amount)

    def record(self, kind: str, **fields) -> HoiioTransaction:
        """A new transaction of the account; its `debit`, when it has one, is
        taken from the credit first (error_insufficient_credit, nothing recorded)."""
        if "debit" in fields:
            debit(self.account, fields["debit"])
        return new_transaction(self.account, kind, **fields)

    def by_ref(self, transactions) -> HoiioTransaction:
        """The one of `transactions` the `txn_ref` parameter names."""
        txn = transactions.filter(txn_ref=self.required("txn_ref")).first()
        if txn is None:
            raise HoiioError("error_invalid_txn_ref_param")
        return txn

    def history(self, transactions, entry) -> dict:
        """A page of `transactions` between the `from` and `to` dates, newest first."""
        return page_of(filter_dates(transactions, self).order_by("-id"), self, entry)


def authenticate(params: QueryDict) -> HoiioAccount:
    app_id, token = (params.get("app_id") or "").strip(), (params.get("access_token") or "")
    if not app_id:
        raise missing("app_id")
    if not token:
        raise missing("access_token")
    account = HoiioAccount.objects.filter(app_id=app_id).first()
    if account is None:
        raise HoiioError("error_invalid_app_id")
    if not secrets.compare_digest(account.access_token.encode(), token.encode()):
        raise HoiioError("error_invalid_access_token")
    return account


def debit(account: HoiioAccount, amount: Decimal) -> None:
    """Take `amount` from the credit, bonus first (the SDK guide: "When Hoiio
    debits, it will take from bonus first"); error_insufficient_credit otherwise."""
    locked = HoiioAccount.objects.select_for_update().get(pk=account.pk)
    if locked.balance < amount:
        raise HoiioError("error_insufficient_credit")
    from_bonus = min(locked.bonus, amount)
    locked.bonus -= from_bonus
    locked.points -= amount - from_bonus
    locked.save(update_fields=["bonus", "points"])


def credit(account: HoiioAccount, amount: Decimal) -> None:
    """Give back what a call that was never connected did not cost."""
    HoiioAccount.objects.filter(pk=account.pk).update(points=F("points") + amount)


def new_transaction(account: HoiioAccount, kind: str, **fields) -> HoiioTransaction:
    """A transaction with its txn_ref (`AA-S-12` for the 12th row, an SMS)."""
    txn = HoiioTransaction.objects.create(account=account, kind=kind, **fields)
    txn.txn_ref = f"AA-{HoiioTransaction.PREFIX[kind]}-{txn.pk}"
    HoiioTransaction.objects.filter(pk=txn.pk).update(txn_ref=txn.txn_ref)
    return txn


def after_commit(delay: float, fn, *args) -> None:
    """Run `fn` on the background thread `delay` seconds after this request commits."""
    transaction.on_commit(lambda: worker.schedule(delay, fn, *args), using=SANDBOX_DB)


def step() -> float:
    return conf.option("hoiio_progress_delay")


def later(fn, *args) -> None:
    """Run `fn` one progress step (`hoiio_progress_delay`) after this request commits."""
    after_commit(step(), fn, *args)


# Injected faults answer in Hoiio's words where it has them.
_FAULT_CODES = {429: "error_rate_limit_exceeded"}


def _fault(decision, status: int) -> JsonResponse:
    code = decision.message or _FAULT_CODES.get(status) or "error_internal_server_error"
    return JsonResponse({"status": code}, status=status)


# The API's endpoints by path below `/hoiio/open/` (the URLconf serves them all).
ENDPOINTS: dict = {}


def hoiio_endpoint(path: str, *, fault: str = ""):
    """Serve a Hoiio view `view(call, **kwargs) -> dict` (the answer's fields) at
    `/hoiio/open/<path>`. Its fault is `fault`, else `hoiio_` and the path's
    service (`sms/send`: `hoiio_sms`)."""
    fault = fault or f"hoiio_{path.split('/')[0]}"

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method not in ("GET", "POST"):
                return JsonResponse({"status": "error_invalid_http_method"})
            decision = faults.take(fault)
            if decision and decision.latency:
                time.sleep(decision.latency)
            if decision and decision.error_status:
                return _fault(decision, decision.error_status)
            params = request.GET.copy()
            params.update(request.POST)
            try:
                with one_writer(), transaction.atomic(using=SANDBOX_DB):
                    call = Call(request, authenticate(params), params)
                    fields = view(call, *args, **kwargs)
                response = JsonResponse(
                    {"status": SUCCESS, **{k: _text(v) for k, v in fields.items()}}
                )
            except HoiioError as exc:
                response = JsonResponse({"status": exc.code})
            if decision and decision.after_apply == "error":
                return _fault(decision, decision.after_status)
            if decision and decision.after_apply:
                request.META[AFTER_APPLY_KEY] = (decision.after_apply, decision.hold_seconds)
            return response

        ENDPOINTS[path] = wrapper
        return wrapper

    return decorate


def _text(value):
    """Every scalar as a string, as Hoiio answers (lists and objects kept)."""
    if isinstance(value, (list, dict)) or value is None:
        return value
    return str(value)


def page_of(queryset, call: Call, entry) -> dict:
    """Hoiio's pagination: 100 entries a page, counted from 1."""
    total = queryset.count()
    start = (call.page() - 1) * PAGE_SIZE
    entries = [entry(item) for item in queryset[start : start + PAGE_SIZE]]
    return {
        "total_entries_count": total,
        "entries_count": len(entries),
        "entries": [{k: _text(v) for k, v in e.items()} for e in entries],
    }


def filter_dates(queryset, call: Call):
    if call.optional("from"):
        queryset = queryset.filter(created_at__gte=parse_hoiio_date(call.optional("from"), "from"))
    if call.optional("to"):
        queryset = queryset.filter(created_at__lte=parse_hoiio_date(call.optional("to"), "to"))
    return queryset
