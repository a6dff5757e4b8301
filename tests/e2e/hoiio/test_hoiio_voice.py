"""End to end, voice through Hoiio: call-backs, conference rooms, an IVR
session driven block by block by Hoiio's notifications."""

import pytest

from sandbox.client import wait_for
from telecom.errors import ServiceError
from telecom.models import ConferenceRoom, IvrSession, IvrStep, VoiceCall
from telecom.services.hoiio import ivr as hoiio_ivr
from telecom.services.hoiio import voice as hoiio_voice

pytestmark = pytest.mark.e2e
A, B, C = "+639171234567", "+639181234567", "+639191234567"


def status_of(call):
    call.refresh_from_db()
    return call.status


def test_a_call_back_is_placed_connected_and_reported(sandbox, hoiio_app, celery_worker):
    sandbox.configure(hoiio_call_seconds=0.5)
    call = hoiio_voice.place_call_back(app=hoiio_app, dest1="09171234567", dest2=B)
    wait_for(lambda: status_of(call) == VoiceCall.Status.ANSWERED, what="the call's end")
    assert call.txn_ref.startswith("AA-C-") and call.duration >= 1
    assert (call.call_status_dest1, call.call_status_dest2) == ("answered", "answered")
    assert str(call.debit) == "0.0800" and call.currency == "SGD"
    [txn] = sandbox.hoiio_transactions(kind="call")
    assert (txn["tag"], txn["dest"], txn["dest2"]) == (call.tag, A, B)


def test_hanging_up_a_call_back(sandbox, hoiio_app, celery_worker):
    call = hoiio_voice.place_call_back(app=hoiio_app, dest1=A, dest2=B)
    wait_for(
        lambda: (
            sandbox.hoiio_transactions(kind="call")
            and sandbox.hoiio_transactions(kind="call")[0]["call_status_dest2"] == "ongoing"
        )
    )
    call.refresh_from_db()
    assert hoiio_voice.hang_up(call)
    wait_for(lambda: status_of(call) == VoiceCall.Status.ANSWERED, what="the hangup reported")
    assert call.hangup_requested_at is not None
    assert sandbox.hoiio_transactions(kind="call")[0]["ended"]


def test_a_busy_second_number(sandbox, hoiio_app, celery_worker):
    sandbox.phone(B, call="busy")
    call = hoiio_voice.place_call_back(app=hoiio_app, dest1=A, dest2=B)
    wait_for(lambda: status_of(call) == VoiceCall.Status.BUSY)


def test_a_conference_room_takes_participants_and_lets_one_go(sandbox, hoiio_app, celery_worker):
    room = hoiio_voice.start_conference(app=hoiio_app, numbers=[A, B], name="Ops")

    def present():
        rooms = [r for r in sandbox.hoiio_rooms() if r["room"] == room.room]
        return sorted(rooms[0]["present"]) if rooms else []

    wait_for(lambda: present() == [A, B], what="both in the room")
    added = hoiio_voice.add_participant(room=room, number=C)
    wait_for(lambda: present() == [A, B, C])
    wait_for(lambda: status_of(added) == VoiceCall.Status.PLACED and added.txn_ref)
    wait_for(
        lambda: (
            sandbox.hoiio_transactions(txn_ref=added.txn_ref)[0]["call_status_dest1"] == "ongoing"
        )
    )
    assert hoiio_voice.hang_up(added)
    wait_for(lambda: status_of(added) == VoiceCall.Status.ANSWERED, what="C hung up")
    assert present() == [A, B]
    hoiio_voice.close_conference(room)
    wait_for(lambda: present() == [], what="everyone hung up")
    assert ConferenceRoom.objects.get(pk=room.pk).status == ConferenceRoom.Status.CLOSED


def test_a_room_holds_at_most_eight(sandbox, hoiio_app):
    numbers = [f"+6391712345{n:02d}" for n in range(8)]
    room = hoiio_voice.start_conference(app=hoiio_app, numbers=numbers)
    with pytest.raises(ServiceError):
        hoiio_voice.add_participant(room=room, number=C)
    with pytest.raises(ServiceError):
        hoiio_voice.start_conference(app=hoiio_app, numbers=[*numbers, C])


def test_an_ivr_session_plays_gathers_branches_records_transfers_and_hangs_up(
    sandbox, hoiio_app, celery_worker
):
    sandbox.phone(A, digits="1")
    sandbox.phone(B, call="busy")
    session = hoiio_ivr.start_ivr(
        app=hoiio_app,
        dest=A,
        greeting="Hello from Hatid.",
        steps=[
            {"kind": "play", "msg": "Your parcel has arrived."},
            {
                "kind": "gather",
                "msg": "Press 1 to reschedule, 2 to keep it.",
                "max_digits": 1,
                "attempts": 2,
                "name": "choice",
                "choices": {"1": [{"kind": "play", "msg": "Rescheduling."}]},
            },
            {"kind": "monitor", "msg": "This call is recorded."},
            {"kind": "record", "msg": "Leave a note.", "max_duration": 30, "name": "note"},
            {"kind": "transfer", "dest": B},  # busy: on_failure=continue goes on
            {"kind": "hangup", "msg": "Goodbye."},
        ],
    )
    done = wait_for(
        lambda: IvrSession.objects.filter(pk=session.pk, status="completed").first(),
        timeout=20,
        what="the session completed",
    )
    assert done.results["choice"] == {"digits": "1"}
    assert done.results["note"]["record_url"].endswith(".wav")
    steps = list(IvrStep.objects.filter(session=session).order_by("index"))
    assert [s.kind for s in steps] == [
        "play",
        "gather",
        "play",
        "monitor",
        "record",
        "transfer",
        "hangup",
    ]
    assert {s.status for s in steps} == {IvrStep.Status.DONE}
    assert steps[5].result == {"transfer_status": "busy"}
    assert steps[6].result["record_url"].endswith("-all.wav")  # the monitored call
    [kept] = sandbox.hoiio_sessions()
    assert kept["session"] == done.session and kept["state"] == "ended"
    assert [b["block"] for b in kept["transcript"]] == [
        "dial",
        "play",
        "gather",
        "play",
        "monitor",
        "record",
        "transfer",
        "hangup",
    ]
    assert kept["transcript"][3]["msg"] == "Rescheduling."


def test_an_ivr_call_nobody_answers_completes_without_steps(sandbox, hoiio_app, celery_worker):
    sandbox.phone(A, call="unanswered")
    session = hoiio_ivr.start_ivr(app=hoiio_app, dest=A, steps=[{"kind": "play", "msg": "x"}])
    done = wait_for(lambda: IvrSession.objects.filter(pk=session.pk, status="completed").first())
    assert done.call_state == "ended" and not IvrStep.objects.exists()


def test_an_ivr_plan_is_checked_before_dialling(hoiio_app):
    with pytest.raises(ServiceError):
        hoiio_ivr.start_ivr(app=hoiio_app, dest=A, steps=[{"kind": "dance"}])
    assert not IvrSession.objects.exists()


def test_a_callee_who_hangs_up_mid_flow_completes_the_session(sandbox, hoiio_app, celery_worker):
    sandbox.configure(hoiio_call_seconds=0.6)
    session = hoiio_ivr.start_ivr(
        app=hoiio_app, dest=A, steps=[{"kind": "play", "msg": f"line {n}"} for n in range(30)]
    )
    done = wait_for(
        lambda: IvrSession.objects.filter(pk=session.pk, status="completed").first(),
        timeout=20,
        what="the session over when the call ended",
    )
    assert done.call_state == "ended" and done.position < 31
    assert sandbox.hoiio_sessions()[0]["state"] == "ended"
