"""SMS: `sms/send`, `sms/bulk_send`, `sms/get_history`, `sms/get_rate`,
`sms/query_status`.

An SMS is billed per part: 160 GSM-7 characters alone, 153 in a longer
message; 70 and 67 when it needs Unicode (`is_unicode`). Each SMS is
delivered (or not, by its number's `sms` behaviour) a moment after it is
accepted, and its status notified to `notify_url`. A bulk send takes up to
1,000 numbers, answers one `bulk_txn_ref`, and gives each SMS its own
`txn_ref`, which its notification carries.
"""

from decimal import Decimal

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from sandbox import conf
from sandbox.hoiio import progress
from sandbox.hoiio.common import Call, hoiio_endpoint, invalid, later, money
from sandbox.hoiio.models import HoiioTransaction

BULK_LIMIT = 1000
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def measure(msg: str) -> tuple[int, bool]:
    """(parts, is_unicode)."""
    unicode = any(c not in _GSM7 for c in msg)
    single, multi = (70, 67) if unicode else (160, 153)
    parts = 1 if len(msg) <= single else -(-len(msg) // multi)
    return parts, unicode


def _price(msg: str) -> tuple[Decimal, int]:
    parts, _ = measure(msg)
    return conf.price("hoiio_sms"), parts


def _fields(call: Call, dest: str, msg: str) -> dict:
    rate, parts = _price(msg)
    return dict(
        dest=dest,
        msg=msg,
        status="queued",
        split_count=parts,
        rate=rate,
        debit=rate * parts,
        **call.kept("sender_name"),
    )


@hoiio_endpoint("sms/send")
def send(call: Call) -> dict:
    dest = call.number("dest")
    msg = call.required("msg")
    txn = call.record(HoiioTransaction.Kind.SMS, **_fields(call, dest, msg))
    later(progress.deliver_sms, [txn.pk])
    return {"txn_ref": txn.txn_ref}


@hoiio_endpoint("sms/bulk_send")
def bulk_send(call: Call) -> dict:
    raw = [part.strip() for part in call.required("dest").split(",") if part.strip()]
    if not 0 < len(raw) <= BULK_LIMIT:
        raise invalid("dest")
    dests = [call.number("dest", value=value) for value in raw]
    msg = call.required("msg")
    rate, parts = _price(msg)
    call.charge(rate * parts * len(dests))
    created = HoiioTransaction.objects.bulk_create(
        [
            HoiioTransaction(
                account=call.account, kind=HoiioTransaction.Kind.SMS, **_fields(call, dest, msg)
            )
            for dest in dests
        ]
    )
    ids = [txn.pk for txn in created]
    HoiioTransaction.objects.filter(pk__in=ids).update(
        bulk_txn_ref=f"AA-B-{ids[0]}",
        txn_ref=Concat(Value("AA-S-"), Cast("id", output_field=CharField())),
    )
    later(progress.deliver_sms, ids)
    return {"bulk_txn_ref": f"AA-B-{ids[0]}"}


def _sms():
    return HoiioTransaction.objects.filter(
        kind__in=[HoiioTransaction.Kind.SMS, HoiioTransaction.Kind.SMS_IN]
    ).select_related("account")


@hoiio_endpoint("sms/get_history")
def history(call: Call) -> dict:
    return call.history(_sms().filter(account=call.account), progress.sms_entry)


@hoiio_endpoint("sms/get_rate")
def rate(call: Call) -> dict:
    if incoming := call.incoming_rate("sms"):
        return incoming
    call.number("dest")
    msg = call.required("msg")
    parts, unicode = measure(msg)
    price = conf.price("hoiio_sms")
    return call.rate(
        price,
        split_count=parts,
        total_cost=money(price * parts),
        is_unicode="true" if unicode else "false",
    )


@hoiio_endpoint("sms/query_status")
def status(call: Call) -> dict:
    return progress.sms_entry(call.by_ref(_sms().filter(account=call.account)))
