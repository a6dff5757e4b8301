"""Voice flows on Hoiio: each step as its IVR block, Hoiio's notifications (at
the real callback endpoint) routed by the flow's routes, the answers kept as
variables, the same sessions and statistics as on Globe, steps Hoiio cannot
run refused by name, and hostile notifications answered 4xx."""

import json
from urllib.parse import urlencode

import pytest

from telecom.errors import ServiceError
from telecom.models import CallbackEvent, IvrSession, IvrStep
from tests.support.factories import HoiioAppFactory
from tests.support.voice_flows import MENU_FLOW
from voiceflows.admin.flows import VoiceSettingsForm
from voiceflows.engine import FlowSpec
from voiceflows.models import CallSession, VoiceSettings
from voiceflows.services.flows import import_flow
from voiceflows.services.hoiio_calls import block_for, hoiio_problems, start_hoiio_call
from voiceflows.services.statistics import flow_statistics

pytestmark = pytest.mark.django_db
CALLER = "+639171234567"
NUMBER = "+6531591000"

CONFERENCE_FLOW = {
    "slug": "meet",
    "name": "Meet",
    "steps": [
        {
            "key": "hello",
            "verb": "say",
            "options": {"value": "Joining."},
            "routes": [{"on": "continue", "goto": "room"}],
        },
        {"key": "room", "verb": "conference", "options": {"id": "1234"}},
    ],
}


@pytest.fixture
def app():
    return HoiioAppFactory()


@pytest.fixture
def flow(app):
    flow = import_flow(app=app, data=MENU_FLOW)
    VoiceSettings.objects.create(app=app, default_flow=flow)
    return flow


def notify(client, app, **fields):
    return client.post(
        app.callback_path("ivr"),
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )


def blocks(session: IvrSession) -> list[dict]:
    return [
        {"kind": s.kind, **s.params}
        for s in IvrStep.objects.filter(session=session).order_by("index")
    ]


def ring(client, app, session="S1"):
    assert (
        notify(client, app, session=session, call_state="ringing", to=NUMBER, **{"from": CALLER})
    ).status_code == 200
    return IvrSession.objects.get(app=app, session=session)


def done(client, app, ivr: IvrSession, call_state="ongoing", **fields):
    """The latest block's notification."""
    latest = IvrStep.objects.filter(session=ivr).order_by("-index").first()
    response = notify(
        client, app, session=ivr.session, call_state=call_state, tag=latest.tag, **fields
    )
    assert response.status_code == 200
    return response


# --- blocks --------------------------------------------------------------------------


def test_each_step_kind_becomes_its_block(app, flow):
    spec = FlowSpec.load(flow)
    variables = {"choice": "1"}
    assert block_for(spec, "greet", variables) == {
        "kind": "play",
        "msg": "Hello. Thank you for calling.",
    }
    # The ask's question, not its nomatch prompt; max_digits from its choices;
    # its attempts stay in Hatid, which asks again itself.
    assert block_for(spec, "menu", variables) == {
        "kind": "gather",
        "msg": "Press 1 for today's promo, 2 to leave a message.",
        "max_digits": 1,
        "timeout": 5,
        "name": "choice",
    }
    assert block_for(spec, "promo", variables)["msg"] == (
        "You pressed 1. A text with the promo is on its way."
    )
    assert block_for(spec, "message", variables) == {
        "kind": "record",
        "msg": "Leave a message after the beep, then press the hash key.",
        "name": "voicemail",
    }
    assert block_for(spec, "agent", variables) == {"kind": "transfer", "dest": "9171112222"}
    assert block_for(spec, "end", variables) == {"kind": "hangup"}
    assert block_for(spec, "bye", variables, say="We did not hear you.") == {
        "kind": "play",
        "msg": "We did not hear you. Goodbye.",
    }


def test_start_recording_is_a_monitor_block(app):
    flow = import_flow(
        app=app,
        data={
            "slug": "rec",
            "steps": [
                {
                    "key": "rec",
                    "verb": "startRecording",
                    "options": {"url": "https://example.com/up"},
                    "routes": [{"on": "continue", "goto": "end"}],
                },
                {"key": "end", "verb": "hangup"},
            ],
        },
    )
    assert block_for(FlowSpec.load(flow), "rec", {}) == {"kind": "monitor"}


# --- refusals ----------------------------------------------------------------------------


def test_steps_hoiio_cannot_run_are_refused_by_name(app):
    flow = import_flow(app=app, data=CONFERENCE_FLOW)
    assert hoiio_problems(flow) == ["step room: Hoiio has no IVR block for a conference"]
    with pytest.raises(ServiceError) as refused:
        start_hoiio_call(app=app, to=CALLER, flow=flow)
    assert refused.value.field == "flow" and "step room" in str(refused.value)
    assert not IvrSession.objects.exists() and not CallSession.objects.exists()


def test_the_console_refuses_such_a_flow_as_a_hoiio_apps_default(app):
    flow = import_flow(app=app, data=CONFERENCE_FLOW)
    form = VoiceSettingsForm(
        data={
            "app": app.pk,
            "default_flow": flow.pk,
            "ring_timeout": 30,
            "error_message": "Sorry.",
        }
    )
    assert not form.is_valid()
    assert "step room" in " ".join(form.errors["default_flow"])
    fine = import_flow(app=app, data=MENU_FLOW)
    form = VoiceSettingsForm(
        data={"app": app.pk, "default_flow": fine.pk, "ring_timeout": 30, "error_message": "x"}
    )
    assert form.is_valid(), form.errors


def test_a_route_to_another_apps_url_is_refused(app):
    data = json.loads(json.dumps(MENU_FLOW))
    data["steps"][0]["routes"] = [{"on": "continue", "url": "https://other.example.com/tropo"}]
    flow = import_flow(app=app, data=data)
    assert hoiio_problems(flow) == [
        "step greet: a route to a URL (another Tropo app) cannot be followed on Hoiio"
    ]


# --- a call on a number ------------------------------------------------------------------


def test_a_call_on_a_number_walks_the_flow_through_blocks(client, app, flow):
    ivr = ring(client, app)
    call = CallSession.objects.get(app=app)
    assert (call.direction, call.status, call.msisdn, call.flow) == (
        "inbound",
        "active",
        CALLER,
        flow,
    )
    assert call.session_id == ivr.tag and call.call_id == "S1"
    assert blocks(ivr) == [{"kind": "play", "msg": "Hello. Thank you for calling."}]

    done(client, app, ivr)
    assert blocks(ivr)[-1]["kind"] == "gather"
    done(client, app, ivr, digits="2")
    assert blocks(ivr)[-1]["kind"] == "record"
    done(client, app, ivr, record_url="https://hoiio.example.com/rec-1.wav")
    assert blocks(ivr)[-1] == {"kind": "transfer", "dest": "9171112222", "on_failure": "continue"}
    done(client, app, ivr, call_state="ended", transfer_status="answered")

    call.refresh_from_db()
    assert call.status == "completed" and call.end_reason == "transferred at agent"
    assert call.variables["choice"] == "2"
    assert call.variables["voicemail"] == "https://hoiio.example.com/rec-1.wav"
    assert [e.answered_steps for e in call.exchanges.order_by("sequence")] == [
        ["greet"],
        ["menu"],
        ["message"],
        ["agent"],
        [],
    ]
    stats = flow_statistics(flow)
    assert stats["by_status"]["Completed (the flow ended)"] == 1
    assert stats["answers"]["menu"] == [{"answer": "2", "calls": 1}]
    assert stats["recordings"] == 1


@pytest.mark.parametrize(
    ("digits", "heard"),
    [("", "We did not hear you. Goodbye."), ("7", "Goodbye.")],
)
def test_a_gather_without_a_choice_takes_the_timeout_or_nomatch_route(
    client, app, flow, digits, heard
):
    ivr = ring(client, app)
    done(client, app, ivr)
    done(client, app, ivr, digits=digits)
    assert blocks(ivr)[-1]["kind"] == "gather"  # the second of the ask's two attempts
    done(client, app, ivr, digits=digits)
    assert blocks(ivr)[-1] == {"kind": "play", "msg": heard}
    done(client, app, ivr)
    assert blocks(ivr)[-1] == {"kind": "hangup"}
    call = CallSession.objects.get(app=app)
    assert call.status == "completed" and call.end_reason == "the flow ended at end"
    assert "choice" not in call.variables
    assert call.exchanges.order_by("sequence")[2].disposition == (
        "TIMEOUT" if not digits else "NOMATCH"
    )


def test_the_first_choice_plays_with_the_answer_as_a_variable_and_acts(client, app, flow):
    ivr = ring(client, app)
    done(client, app, ivr)
    done(client, app, ivr, digits="1")
    assert blocks(ivr)[-1]["msg"] == "You pressed 1. A text with the promo is on its way."
    call = CallSession.objects.get(app=app)
    # The step's SMS action ran once (refused here: the caller gave no consent).
    entered = call.exchanges.order_by("sequence")[2]
    assert entered.answered_steps == ["promo"] and entered.note


def test_a_caller_who_hangs_up_ends_the_call_where_they_were(client, app, flow):
    ivr = ring(client, app)
    done(client, app, ivr)
    notify(client, app, session="S1", call_state="ended", call_status="answered")
    call = CallSession.objects.get(app=app)
    assert call.status == "hung_up" and call.current_step == "menu"
    assert flow_statistics(flow)["hung_up_at"] == [{"step": "menu", "calls": 1}]


def test_a_repeated_notification_is_applied_once(client, app, flow):
    ivr = ring(client, app)
    ring(client, app)
    done(client, app, ivr)
    first = IvrStep.objects.filter(session=ivr).order_by("-index").first()
    notify(client, app, session="S1", call_state="ongoing", tag=IvrStep.objects.get(index=0).tag)
    assert IvrStep.objects.filter(session=ivr).count() == 2
    assert IvrStep.objects.filter(session=ivr).order_by("-index").first() == first
    assert CallSession.objects.get(app=app).exchanges.count() == 2
    assert IvrSession.objects.filter(app=app).count() == 1


def test_a_call_on_an_app_without_a_flow_hears_the_error_and_is_hung_up(client, app):
    ivr = ring(client, app)
    [block] = blocks(ivr)
    assert block["kind"] == "hangup" and block["msg"].startswith("Sorry")
    call = CallSession.objects.get(app=app)
    assert call.status == "error" and call.end_reason == "no active flow answers this call"


# --- outbound -----------------------------------------------------------------------------


def test_start_hoiio_call_dials_then_plays_the_flow_once_answered(client, app, flow):
    call = start_hoiio_call(app=app, to="09179990000", flow=flow, variables={"ref": "A1"})
    ivr = IvrSession.objects.get(app=app)
    assert (ivr.dest, ivr.plan, ivr.status, ivr.source) == ("+639179990000", [], "queued", "flow")
    assert (call.status, call.direction, call.session_id) == ("dialing", "outbound", ivr.tag)
    assert call.variables["ref"] == "A1"
    IvrSession.objects.filter(pk=ivr.pk).update(status="dialled")  # as the worker leaves it

    notify(client, app, session="S9", call_state="ongoing", tag=ivr.tag)
    call.refresh_from_db()
    assert call.status == "active" and call.call_id == "S9"
    assert blocks(ivr) == [{"kind": "play", "msg": "Hello. Thank you for calling."}]


def test_an_outbound_call_nobody_answers_ends_not_answered(client, app, flow):
    call = start_hoiio_call(app=app, to=CALLER, flow=flow)
    ivr = IvrSession.objects.get(app=app)
    IvrSession.objects.filter(pk=ivr.pk).update(status="dialled")
    notify(client, app, session="S9", call_state="ended", tag=ivr.tag, call_status="unanswered")
    call.refresh_from_db()
    assert call.status == "no_answer" and "unanswered" in call.end_reason
    assert not IvrStep.objects.exists()


@pytest.mark.parametrize(
    ("to", "flow_of", "field"),
    [("not a number", "same", "to"), (CALLER, "other", "flow")],
)
def test_start_hoiio_call_refuses_bad_input_by_field(app, flow, to, flow_of, field):
    given = flow if flow_of == "same" else import_flow(app=HoiioAppFactory(), data=MENU_FLOW)
    with pytest.raises(ServiceError) as refused:
        start_hoiio_call(app=app, to=to, flow=given)
    assert refused.value.field == field


# --- hostile notifications ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"call_state": "ringing", "from": CALLER}, "session"),
        ({"session": "S1", "call_state": "dancing"}, "call_state"),
        ({"session": "S1", "call_state": "ringing", "from": "'; DROP TABLE"}, "from"),
        ({"session": "S1", "call_state": "ringing", "to": "x" * 500}, "to"),
        ({"session": "S1" * 100, "call_state": "ringing"}, "session"),
        ({"session": "S1", "call_state": "ongoing", "digits": "1<script>"}, "digits"),
        (
            {"session": "S1", "call_state": "ongoing", "record_url": "file:///etc/passwd"},
            "record_url",
        ),
        ({"session": "S1", "call_state": "ongoing", "transfer_status": "maybe"}, "transfer_status"),
    ],
)
def test_hostile_notifications_are_refused_naming_the_field(client, app, flow, fields, field):
    response = notify(client, app, **fields)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not CallSession.objects.exists()
    assert CallbackEvent.objects.get().status == "rejected"


def test_a_notification_naming_another_apps_block_changes_nothing(client, app, flow):
    ivr = ring(client, app)
    other = HoiioAppFactory()
    stolen = IvrStep.objects.get(session=ivr).tag
    assert notify(client, other, session="S1", call_state="ongoing", tag=stolen).status_code == 200
    assert IvrStep.objects.count() == 1
    assert CallSession.objects.get(app=app).exchanges.count() == 1


def test_a_call_whose_flow_was_deleted_hears_the_error_and_ends(client, app, flow):
    ivr = ring(client, app)
    flow.delete()
    done(client, app, ivr)
    assert blocks(ivr)[-1]["kind"] == "hangup"
    call = CallSession.objects.get(app=app)
    assert (call.status, call.end_reason) == ("error", "the call has no flow")
