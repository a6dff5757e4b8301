"""The Hoiio twin over real HTTP: call-backs and conferences whose status
progresses, hangups, IVR sessions block by block, and their notifications."""

from sandbox.client import wait_for
from tests.integration.sandbox.hoiio.conftest import A, B, C, form


def status(hoiio, txn_ref):
    return hoiio.ok("voice/query_status", txn_ref=txn_ref)


def test_a_call_back_connects_both_numbers_until_hung_up(hoiio, app_server):
    txn_ref = hoiio.ok(
        "voice/call", dest1=A, dest2=B, tag="cb-1", notify_url=app_server.uri("voice")
    )["txn_ref"]
    live = wait_for(lambda: status(hoiio, txn_ref)["call_status_dest2"] == "ongoing")
    assert live and status(hoiio, txn_ref)["call_status_dest1"] == "ongoing"
    hoiio.ok("voice/hangup", txn_ref=txn_ref)
    [notification] = app_server.wait_for("voice")
    ended = form(notification)
    assert (ended["txn_ref"], ended["tag"]) == (txn_ref, "cb-1")
    assert (ended["call_status_dest1"], ended["call_status_dest2"]) == ("answered", "answered")
    assert int(ended["duration"]) >= 1 and ended["debit"] == "0.08"  # a minute, two legs
    # Hanging up a call that ended changes nothing.
    hoiio.ok("voice/hangup", txn_ref=txn_ref)
    assert len(app_server.wait_for("voice")) == 1


def test_a_call_back_ends_by_itself_after_its_time(sandbox, hoiio, app_server):
    sandbox.configure(hoiio_call_seconds=0.2)
    hoiio.ok("voice/call", dest1=A, dest2=B, notify_url=app_server.uri("voice"))
    assert form(app_server.wait_for("voice")[0])["call_status_dest2"] == "answered"


def test_a_second_number_that_is_busy_ends_the_call_unbilled(sandbox, hoiio, app_server):
    sandbox.phone(B, call="busy")
    hoiio.ok("voice/call", dest1=A, dest2=B, notify_url=app_server.uri("voice"))
    ended = form(app_server.wait_for("voice")[0])
    assert (ended["call_status_dest1"], ended["call_status_dest2"]) == ("answered", "busy")
    assert ended["debit"] == "0.00"


def test_call_history_and_rate(hoiio):
    txn_ref = hoiio.ok("voice/call", dest1=A, dest2=B, tag="h")["txn_ref"]
    entries = hoiio.ok("voice/get_history")["entries"]
    assert [e["txn_ref"] for e in entries if e["tag"] == "h"] == [txn_ref]
    rate = hoiio.ok("voice/get_rate", dest1=A, dest2=B)
    assert (rate["rate"], rate["talktime"]) == ("0.08", "1250")


def test_a_conference_holds_eight_and_takes_more_into_a_named_room(sandbox, hoiio):
    numbers = [f"+6391712345{n:02d}" for n in range(8)]
    started = hoiio.ok("voice/conference", dest=",".join(numbers[:3]))
    room, refs = started["room"], started["txn_refs"].split(",")
    assert len(refs) == 3
    added = hoiio.ok("voice/conference", dest=",".join(numbers[3:]), room=room)
    assert len(added["txn_refs"].split(",")) == 5
    assert hoiio.post("voice/conference", dest=C, room=room)["status"] == "error_room_full"
    # One participant hung up frees a place; the others stay.
    wait_for(lambda: status(hoiio, refs[0])["call_status_dest1"] == "ongoing")
    hoiio.ok("voice/hangup", txn_ref=refs[0])
    wait_for(lambda: status(hoiio, refs[0])["call_status_dest1"] == "answered")
    assert status(hoiio, refs[1])["call_status_dest1"] == "ongoing"
    assert hoiio.ok("voice/conference", dest=C, room=room)["room"] == room
    [listed] = sandbox.hoiio_rooms()
    assert len(listed["present"]) == 8 and numbers[0] not in listed["present"]


def ivr_events(app_server, count):
    return [form(r) for r in app_server.wait_for("ivr", count)]


def test_an_ivr_session_runs_its_blocks_one_by_one(sandbox, hoiio, app_server):
    sandbox.phone(A, digits="42")
    url = app_server.uri("ivr")
    dialled = hoiio.ok("ivr/start/dial", dest=A, msg="Hello", tag="d", notify_url=url)
    session = dialled["session"]
    [answered] = ivr_events(app_server, 1)
    assert (answered["session"], answered["call_state"], answered["tag"]) == (
        session,
        "ongoing",
        "d",
    )
    hoiio.ok("ivr/middle/play", session=session, msg="Welcome", tag="p", notify_url=url)
    hoiio.ok(
        "ivr/middle/gather", session=session, msg="Code?", max_digits="2", tag="g", notify_url=url
    )
    events = ivr_events(app_server, 3)
    assert events[2]["digits"] == "42" and events[2]["tag"] == "g"
    hoiio.ok("ivr/middle/record", session=session, msg="Speak", tag="r", notify_url=url)
    record_url = ivr_events(app_server, 4)[3]["record_url"]
    assert hoiio.session.get(record_url, timeout=5).content[:4] == b"RIFF"
    hoiio.ok("ivr/middle/monitor", session=session, tag="m", notify_url=url)
    hoiio.ok("ivr/end/hangup", session=session, msg="Bye", tag="h", notify_url=url)
    last = ivr_events(app_server, 6)[5]
    assert (last["call_state"], last["tag"]) == ("ended", "h")
    assert last["record_url"].endswith("-all.wav")  # the monitored conversation
    assert hoiio.post("ivr/middle/play", session=session, msg="too late")["status"] == (
        "error_invalid_session_param"
    )
    [kept] = sandbox.hoiio_sessions()
    assert [b["block"] for b in kept["transcript"]] == [
        "dial",
        "play",
        "gather",
        "record",
        "monitor",
        "hangup",
    ]


def test_a_failed_transfer_continues_when_asked_and_a_good_one_ends(sandbox, hoiio, app_server):
    sandbox.phone(B, call="busy")
    url = app_server.uri("ivr")
    session = hoiio.ok("ivr/start/dial", dest=A, notify_url=url)["session"]
    ivr_events(app_server, 1)
    hoiio.ok(
        "ivr/end/transfer", session=session, dest=B, on_failure="continue", tag="t1", notify_url=url
    )
    failed = ivr_events(app_server, 2)[1]
    assert (failed["call_state"], failed["transfer_status"]) == ("ongoing", "busy")
    hoiio.ok("ivr/end/transfer", session=session, dest=C, tag="t2", notify_url=url)
    done = ivr_events(app_server, 3)[2]
    assert (done["call_state"], done["transfer_status"]) == ("ended", "answered")


def test_a_dial_nobody_answers_ends_the_session(sandbox, hoiio, app_server):
    sandbox.phone(A, call="unanswered")
    hoiio.ok("ivr/start/dial", dest=A, notify_url=app_server.uri("ivr"))
    [event] = ivr_events(app_server, 1)
    assert (event["call_state"], event["call_status"]) == ("ended", "unanswered")


def test_blocks_need_an_ongoing_session(hoiio):
    assert hoiio.post("ivr/middle/play", session="S999", msg="x")["status"] == (
        "error_invalid_session_param"
    )
