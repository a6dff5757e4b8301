"""Voice: `voice/call` (call-back), `voice/conference`, `voice/hangup`,
`voice/get_history`, `voice/get_rate`, `voice/query_status`.

A call-back rings `dest1` (the account's own mobile number when absent, as
the SDK says), then `dest2`, and connects them; a conference rings each
number into a room, at most 8 at a time. Each leg's status is `ongoing`
while connected, then `answered`, or `unanswered`, `busy`, `failed` by the
number's behaviour. The call ends after `hoiio_call_seconds` (or
`max_duration`), or on hangup, and is billed per minute and connected leg;
its final status is notified. Conference rooms are named by the caller (any
text) or by the twin (`R<n>`). The IVR's dials are voice transactions too,
so they are listed in the history.
"""

import secrets

from sandbox import conf
from sandbox.hoiio import progress
from sandbox.hoiio.common import (
    Call,
    HoiioError,
    after_commit,
    hoiio_endpoint,
    invalid,
    later,
)
from sandbox.hoiio.models import HoiioRoom, HoiioTransaction

ROOM_LIMIT = 8
VOICE_KINDS = [
    HoiioTransaction.Kind.CALL,
    HoiioTransaction.Kind.CONFERENCE,
    HoiioTransaction.Kind.IVR,
]


def _affordable(call: Call, legs: int) -> None:
    """A call needs credit for its first minute on every leg."""
    call.affordable(conf.price("hoiio_call") * legs)


@hoiio_endpoint("voice/call")
def call_back(call: Call) -> dict:
    own = call.account.mobile_number
    dest1 = call.number("dest1") if call.optional("dest1") or not own else own
    dest2 = call.number("dest2")
    _affordable(call, 2)
    txn = call.record(
        HoiioTransaction.Kind.CALL,
        dest=dest1,
        dest2=dest2,
        max_duration=call.integer("max_duration", low=1),
        rate=conf.price("hoiio_call"),
        **call.kept("caller_id"),
    )
    later(progress.connect, txn.pk)
    return {"txn_ref": txn.txn_ref}


@hoiio_endpoint("voice/conference")
def conference(call: Call) -> dict:
    raw = [part.strip() for part in call.required("dest").split(",") if part.strip()]
    dests = [call.number("dest", value=value) for value in raw]
    if not dests:
        raise invalid("dest")
    name = call.optional("room")
    room = HoiioRoom.objects.filter(room=name).first() if name else None
    if room is not None and room.account_id != call.account.pk:
        raise invalid("room")
    if room is None:
        room = HoiioRoom.objects.create(
            account=call.account, room=name or f"new-{secrets.token_hex(8)}"
        )
        if not name:
            room.room = f"R{room.pk}"
            room.save(update_fields=["room"])
    present = HoiioTransaction.objects.filter(room=room, ended_at__isnull=True).count()
    if present + len(dests) > ROOM_LIMIT:
        raise HoiioError("error_room_full")
    _affordable(call, len(dests))
    refs = []
    for dest in dests:
        txn = call.record(
            HoiioTransaction.Kind.CONFERENCE,
            dest=dest,
            room=room,
            rate=conf.price("hoiio_call"),
            **call.kept("caller_id"),
        )
        later(progress.connect, txn.pk)
        refs.append(txn.txn_ref)
    return {"room": room.room, "txn_refs": ",".join(refs)}


def _voice(call: Call):
    return HoiioTransaction.objects.filter(account=call.account, kind__in=VOICE_KINDS)


def _one(call: Call) -> HoiioTransaction:
    return call.by_ref(_voice(call).select_related("account", "room"))


@hoiio_endpoint("voice/hangup")
def hangup(call: Call) -> dict:
    """End the call now (a call that already ended stays as it was)."""
    txn = _one(call)
    if txn.ended_at is None:
        after_commit(0, progress.end_call, txn.pk)
    return {}


@hoiio_endpoint("voice/query_status")
def status(call: Call) -> dict:
    return progress.call_entry(_one(call))


@hoiio_endpoint("voice/get_history")
def history(call: Call) -> dict:
    return call.history(_voice(call).select_related("account", "room"), progress.call_entry)


@hoiio_endpoint("voice/get_rate")
def rate(call: Call) -> dict:
    call.number("dest1")
    call.number("dest2")
    price = conf.price("hoiio_call")
    # "with the account credit balance, the call can last 2352 minutes"
    talktime = int(call.account.balance // (price * 2)) if price else 0
    return call.rate(price * 2, talktime=talktime)
