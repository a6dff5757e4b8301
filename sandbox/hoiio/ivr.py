"""IVR: `ivr/start/dial`, then `ivr/middle/{play,gather,record,monitor}` and
`ivr/end/{transfer,hangup}` on the `session` the dial answers.

A dial rings the number (answered or not, by its behaviour), plays `msg`
when answered and notifies `call_state=ongoing` with the session; each
block then runs a moment after it is accepted and notifies with its own
`tag`: gather with the `digits` the number keys in, record with a
`record_url`, transfer with its `transfer_status`. An end block ends the
call (a failed transfer with `on_failure=continue` does not); the last
notification says `call_state=ended`, with the duration and the cost.
Blocks sent to a session that is not ongoing are refused
(`error_invalid_session_param`), as are middle blocks before the dial was
answered.

A call arriving on a rented number (`POST /_sandbox/hoiio/numbers/<n>/call`)
rings as an inbound session: Hoiio notifies the number's `forward_to` with
`call_state=ringing` and waits; the first block answers it ("Answer is a
pseudo API ... just use a Middle or End block", SDK guide).
"""

from sandbox import conf
from sandbox.hoiio import progress
from sandbox.hoiio.common import Call, HoiioError, hoiio_endpoint, later
from sandbox.hoiio.models import HoiioSession, HoiioTransaction


@hoiio_endpoint("ivr/start/dial")
def dial(call: Call) -> dict:
    dest = call.number("dest")
    call.affordable(conf.price("hoiio_call"))
    txn = call.record(
        HoiioTransaction.Kind.IVR,
        dest=dest,
        max_duration=call.integer("max_duration", low=1),
        rate=conf.price("hoiio_call"),
        **call.kept("msg", "caller_id"),
    )
    session = HoiioSession.objects.create(
        session=f"S{txn.pk}", account=call.account, transaction=txn
    )
    later(progress.answer_ivr, session.pk)
    return {"txn_ref": txn.txn_ref, "session": session.session}


def _block(call: Call, block: str, **params) -> dict:
    session = (
        HoiioSession.objects.select_for_update()
        .filter(account=call.account, session=call.required("session"))
        .first()
    )
    if session is not None and session.state == HoiioSession.State.RINGING:
        if session.direction != "in":
            raise HoiioError("error_invalid_session_param")
        progress.answer_incoming(session)
    if session is None or session.state != HoiioSession.State.ONGOING:
        raise HoiioError("error_invalid_session_param")
    params.update(
        {
            "msg": call.optional("msg"),
            "tag": call.optional("tag"),
            "notify_url": call.optional("notify_url"),
            "base_url": call.url("").removesuffix("/hoiio/"),
        }
    )
    later(progress.run_block, session.pk, block, params)
    return {}


@hoiio_endpoint("ivr/middle/play")
def play(call: Call) -> dict:
    call.required("msg")
    return _block(call, "play")


@hoiio_endpoint("ivr/middle/gather")
def gather(call: Call) -> dict:
    return _block(
        call,
        "gather",
        max_digits=call.integer("max_digits", low=1, high=32),
        timeout=call.integer("timeout", low=1),
        attempts=call.integer("attempts", low=1, high=10),
    )


@hoiio_endpoint("ivr/middle/record")
def record(call: Call) -> dict:
    return _block(call, "record", max_duration=call.integer("max_duration", low=1))


@hoiio_endpoint("ivr/middle/monitor")
def monitor(call: Call) -> dict:
    return _block(call, "monitor")


@hoiio_endpoint("ivr/end/transfer")
def transfer(call: Call) -> dict:
    dest = call.required("dest")
    if not dest.startswith("room:"):
        dest = call.number("dest")
    on_failure = call.optional("on_failure")
    if on_failure not in ("", "continue"):
        raise HoiioError("error_invalid_on_failure_param")
    return _block(
        call, "transfer", dest=dest, on_failure=on_failure, caller_id=call.optional("caller_id")
    )


@hoiio_endpoint("ivr/end/hangup")
def hangup(call: Call) -> dict:
    return _block(call, "hangup")
