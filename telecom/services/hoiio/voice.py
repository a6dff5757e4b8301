"""Voice through Hoiio: call-backs between two numbers and conference rooms.

`place_call_back`, `start_conference` and `add_participant` create
`VoiceCall` rows (each one request, sent once by `VoiceCallDelivery`);
`hang_up` asks Hoiio to end a call or one participant (repeating a hangup is
harmless, so it is retried). Hoiio's notifications (`apply_call_report`)
and status queries (`refresh_call`) move calls through their states; calls
whose outcome is unknown are looked up in the voice history by their tag.
A conference room is named by Hatid, so that every participant is an
independent request; Hoiio holds at most 8 in a room.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.hoiio import HoiioClient
from telecom.hoiio.records import CallRecord
from telecom.models import CallbackEvent, ConferenceRoom, ProviderApp, VoiceCall
from telecom.models.voice_calls import ROOM_LIMIT
from telecom.send_once import SendOnceSender, new_tag
from telecom.services import checks
from telecom.services.checks import require_app
from telecom.services.hoiio import history
from telecom.services.queueing import queue

# Hoiio's per-leg statuses, worst last: how a call's overall status is read.
_OUTCOMES = {
    "answered": VoiceCall.Status.ANSWERED,
    "unanswered": VoiceCall.Status.UNANSWERED,
    "busy": VoiceCall.Status.BUSY,
    "failed": VoiceCall.Status.FAILED,
}


@transaction.atomic
def place_call_back(
    *,
    app: ProviderApp,
    dest1: str,
    dest2: str,
    caller_id: str = "",
    max_duration: int | None = None,
    source: str = "api",
    partner=None,
) -> VoiceCall:
    """Call `dest1`, then `dest2`, and connect them."""
    require_app(app, ProviderApp.Provider.HOIIO)
    return queue(
        VoiceCall,
        app=app,
        kind=VoiceCall.Kind.CALLBACK,
        dest1=checks.number(dest1, "dest1"),
        dest2=checks.number(dest2, "dest2"),
        caller_id=caller_id or app.caller_id,
        max_duration=max_duration,
        tag=new_tag("c"),
        source=source,
        partner=partner,
    )


def _present(room: ConferenceRoom) -> int:
    return room.calls.exclude(status__in=VoiceCall.FINAL).count()


@transaction.atomic
def start_conference(
    *, app: ProviderApp, numbers: list[str], name: str = "", source: str = "api", partner=None
) -> ConferenceRoom:
    """Open a room and call each number into it."""
    require_app(app, ProviderApp.Provider.HOIIO)
    numbers = list(dict.fromkeys(checks.number(n, "numbers") for n in numbers))
    if not 0 < len(numbers) <= ROOM_LIMIT:
        raise ServiceError(f"a conference takes 1 to {ROOM_LIMIT} numbers", field="numbers")
    room = ConferenceRoom.objects.create(
        app=app, room=f"hatid-{secrets.token_hex(8)}", name=name.strip()[:100]
    )
    for number in numbers:
        _participant(room, number, source, partner)
    return room


@transaction.atomic
def add_participant(
    *, room: ConferenceRoom, number: str, source: str = "api", partner=None
) -> VoiceCall:
    room = ConferenceRoom.objects.select_for_update().select_related("app").get(pk=room.pk)
    require_app(room.app, ProviderApp.Provider.HOIIO)
    if room.status != ConferenceRoom.Status.OPEN:
        raise ServiceError("this conference is closed", field="room")
    if _present(room) >= ROOM_LIMIT:
        raise ServiceError(f"a room holds at most {ROOM_LIMIT} participants", field="room")
    return _participant(room, checks.number(number, "number"), source, partner)


def _participant(room: ConferenceRoom, number: str, source: str, partner) -> VoiceCall:
    return queue(
        VoiceCall,
        app=room.app,
        kind=VoiceCall.Kind.CONFERENCE,
        dest1=number,
        room=room,
        caller_id=room.app.caller_id,
        tag=new_tag("c"),
        source=source,
        partner=partner,
    )


@transaction.atomic
def close_conference(room: ConferenceRoom) -> int:
    """Hang up everyone still in the room, and close it."""
    ConferenceRoom.objects.filter(pk=room.pk).update(status=ConferenceRoom.Status.CLOSED)
    return sum(hang_up(call) for call in room.calls.filter(status__in=_LIVE))


_LIVE = [VoiceCall.Status.PLACED, VoiceCall.Status.ONGOING]


def hang_up(call: VoiceCall) -> bool:
    """Ask Hoiio to end the call (a call-back: both legs; a participant: that one)."""
    updated = VoiceCall.objects.filter(pk=call.pk, status__in=_LIVE).update(
        hangup_requested_at=timezone.now()
    )
    if updated:
        transaction.on_commit(
            lambda: current_app.send_task("telecom.tasks.hang_up_voice_call", args=[call.pk])
        )
    return bool(updated)


def send_hangup(call_id: int) -> None:
    """The worker's part of `hang_up` (raises ProviderError for the task to retry)."""
    call = VoiceCall.objects.select_related("app").get(pk=call_id)
    if call.txn_ref and call.status in _LIVE:
        HoiioClient(call.app).hangup(txn_ref=call.txn_ref, subject=call)


class VoiceCallDelivery(SendOnceSender):
    model = VoiceCall
    done_status = VoiceCall.Status.PLACED

    def submit(self, row: VoiceCall):
        client = HoiioClient(row.app)
        notify_url = row.app.callback_uri("voice")
        if row.kind == VoiceCall.Kind.CONFERENCE:
            started = client.conference(
                dests=[row.dest1],
                room=row.room.room,
                caller_id=row.caller_id,
                tag=row.tag,
                notify_url=notify_url,
                subject=row,
            )
            return started.txn_refs[0] if started.txn_refs else ""
        return client.call_back(
            dest1=row.dest1,
            dest2=row.dest2,
            caller_id=row.caller_id,
            max_duration=row.max_duration,
            tag=row.tag,
            notify_url=notify_url,
            subject=row,
        )

    def record(self, row: VoiceCall, txn_ref: str) -> dict:
        return {"txn_ref": txn_ref[:64]}


# --- what Hoiio reports ------------------------------------------------------------


def call_status_of(first: str, second: str, kind: str) -> str:
    """A call's status from its legs': ongoing while any is; answered when every
    leg that matters was; otherwise the first leg that was not."""
    legs = [first] if kind == VoiceCall.Kind.CONFERENCE else [first, second]
    legs = [leg for leg in legs if leg]
    if not legs:
        return VoiceCall.Status.PLACED
    if "ongoing" in legs:
        return VoiceCall.Status.ONGOING
    for leg in legs:
        if leg != "answered":
            return _OUTCOMES.get(leg, VoiceCall.Status.FAILED)
    return VoiceCall.Status.ANSWERED


def _apply(call: VoiceCall, record: CallRecord) -> dict:
    """What a notification or a history record says of the call, as its changes."""
    legs = (record.call_status_dest1, record.call_status_dest2)
    status = call_status_of(*legs, call.kind)
    if call.status in VoiceCall.FINAL and status in (VoiceCall.Status.ONGOING, "placed"):
        return {}  # a late "ongoing" never reopens a finished call
    # Set even while the worker still records the request: the report is the
    # newer news (the worker's write is then fenced off).
    fields = {
        "status": status,
        "call_status_dest1": legs[0][:16],
        "call_status_dest2": legs[1][:16],
    }
    if record.duration is not None:
        fields["duration"] = record.duration
    if record.charge.debit is not None:
        fields.update(debit=record.charge.debit, currency=record.charge.currency[:3])
    if status in VoiceCall.FINAL:
        fields["finished_at"] = timezone.now()
    return fields


def apply_call_report(app: ProviderApp, report: CallRecord, event: CallbackEvent) -> str:
    calls = VoiceCall.objects.select_for_update().filter(app=app)
    return history.apply_report(calls, report, _apply, "call")


def _apply_record(call: VoiceCall, record: CallRecord) -> int:
    fields = _apply(call, record)
    if call.status == VoiceCall.Status.UNKNOWN:
        fields.setdefault(
            "status", call_status_of(record.call_status_dest1, record.call_status_dest2, call.kind)
        )
        fields.update(txn_ref=record.txn_ref[:64], last_error="found in Hoiio's history")
    return VoiceCall.objects.filter(pk=call.pk).update(**fields) if fields else 0


def refresh_call(call: VoiceCall) -> int:
    """Ask Hoiio for the call's status now (the admin's action)."""
    if not call.txn_ref:
        return resolve_unknown_calls(call.app, HoiioClient(call.app))
    return _apply_record(call, HoiioClient(call.app).call_status(txn_ref=call.txn_ref))


def resolve_unknown_calls(app: ProviderApp, client: HoiioClient) -> int:
    unknown = list(VoiceCall.objects.filter(app=app, status=VoiceCall.Status.UNKNOWN)[:200])
    if not unknown:
        return 0
    found = history.find_by_tag(
        client.call_history, {c.tag for c in unknown}, history.earliest(unknown)
    )
    return history.settle(unknown, found, lambda call, entries: _apply_record(call, entries[0]))


def sync_live_calls(app: ProviderApp, client: HoiioClient, limit: int = 100) -> int:
    """Ask about calls that should have ended by now but were never reported."""
    stale = timezone.now() - timedelta(minutes=5)
    updated = 0
    for call in VoiceCall.objects.filter(app=app, status__in=_LIVE, updated_at__lt=stale).exclude(
        txn_ref=""
    )[:limit]:
        updated += _apply_record(call, client.call_status(txn_ref=call.txn_ref))
    return updated
