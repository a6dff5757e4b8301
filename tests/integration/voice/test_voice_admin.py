"""Voice in the operator console: the flow editor's preview, the simulator,
statistics, call sessions and their transcripts, starting calls, campaigns
and escalations, and who may do what."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from telecom.roles import OPERATORS, VIEWERS
from tests.support.factories import VoicentAppFactory
from tests.support.voice_flows import answer, result_body, session_body
from voiceflows.models import (
    CallCampaign,
    CallSession,
    CallTrigger,
    Escalation,
    Step,
    VoiceSettings,
)

from .test_voice_webhook import post, voice_path

pytestmark = pytest.mark.django_db


def staff(username, group):
    user = User.objects.create_user(username, password="pw-123-XYZ", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_operators_may_edit_flows_and_start_calls_viewers_may_only_look():
    operators = set(
        Group.objects.get(name=OPERATORS).permissions.values_list("codename", flat=True)
    )
    viewers = set(Group.objects.get(name=VIEWERS).permissions.values_list("codename", flat=True))
    assert {"change_voiceflow", "change_step", "start_call", "start_escalation"} <= operators
    assert {"view_voiceflow", "view_callsession", "view_escalation"} <= viewers
    assert "start_call" not in viewers


def test_flow_page_shows_each_steps_json_statistics_and_the_simulator(
    admin_client, client, globe_app, menu_flow
):
    post(client, voice_path(globe_app), session_body("s1"))
    body = result_body("s1", 1, answer("choice", "1"))
    post(client, voice_path(globe_app, "menu", "menu", on="continue"), body)

    html = admin_client.get(
        reverse("admin:voiceflows_voiceflow_change", args=[menu_flow.pk])
    ).content.decode()

    assert "data-step-preview" in html and "Tropo JSON (live)" in html
    assert "&quot;value&quot;: &quot;Hello. Thank you for calling.&quot;" in html
    assert "1 calls: 1 completed (the flow ended)" in html
    assert "menu: 1 (1)" in html
    assert "Walk through this flow as a caller would" in html
    assert "None found." in html
    assert reverse("admin:voiceflows_voiceflow_preview", args=[menu_flow.pk]) in html


def test_preview_renders_a_step_as_typed_with_its_saved_routes(admin_client, menu_flow):
    url = reverse("admin:voiceflows_voiceflow_preview", args=[menu_flow.pk])
    options = {"choices": {"value": "1, 2, 3"}, "say": {"value": "Hi {caller}, pick one."}}

    typed = admin_client.post(url, {"key": "menu", "verb": "ask", "options": json.dumps(options)})

    document = json.loads(typed.json()["document"])["tropo"]
    assert document[0]["ask"]["say"] == {"value": "Hi {caller}, pick one."}
    assert document[0]["ask"]["name"] == "menu"
    assert document[1]["on"]["next"].endswith("/menu/menu/?on=continue")
    broken = admin_client.post(url, {"key": "menu", "verb": "ask", "options": '{"say": {}}'})
    assert broken.json()["error"].startswith("ask")
    not_json = admin_client.post(url, {"key": "x", "verb": "say", "options": "{"})
    assert "valid JSON" in not_json.json()["error"]


def test_simulator_walks_the_flow_without_side_effects(admin_client, menu_flow):
    url = reverse("admin:voiceflows_voiceflow_simulate", args=[menu_flow.pk])

    started = admin_client.post(url, {"start": "1", "caller": "9171234567"})

    html = started.content.decode()
    assert "say: Hello. Thank you for calling." in html
    assert "ask: Press 1 for today&#x27;s promo, 2 to leave a message." in html
    walk = started.context["walk"]
    assert walk.waiting_for == "ask"

    chosen = admin_client.post(url, {"walk": walk.to_json(), "input": "1", "keys": "Press keys"})

    html = chosen.content.decode()
    assert "say: You pressed 1. A text with the promo is on its way." in html
    assert "would act: promo: sms" in html
    assert "&quot;interpretation&quot;: &quot;1&quot;" in html
    assert chosen.context["walk"].ended == "hung up by the app"
    assert not CallSession.objects.exists()


def test_simulator_says_when_the_call_cannot_take_the_input(admin_client, menu_flow):
    url = reverse("admin:voiceflows_voiceflow_simulate", args=[menu_flow.pk])
    walk = admin_client.post(url, {"start": "1"}).context["walk"]
    hung_up = admin_client.post(url, {"walk": walk.to_json(), "hangup": "1"}).context["walk"]
    refused = admin_client.post(url, {"walk": hung_up.to_json(), "input": "1", "keys": "1"})
    assert "the call has ended" in refused.content.decode()


def test_step_page_edits_routes_among_the_flows_steps(admin_client, menu_flow):
    step = Step.objects.get(flow=menu_flow, key="menu")
    html = admin_client.get(reverse("admin:voiceflows_step_change", args=[step.pk])).content
    assert b"The answer is" in html and b"data-step-preview" in html
    response = admin_client.post(
        reverse("admin:voiceflows_step_change", args=[step.pk]),
        {
            "flow": menu_flow.pk,
            "key": "menu",
            "position": 1,
            "verb": "ask",
            "options": '{"choices": {"value": "1"}}',
            "action": "",
            "routes-TOTAL_FORMS": 0,
            "routes-INITIAL_FORMS": 0,
        },
    )
    assert "ask: say is required" in response.content.decode()


def test_call_session_page_shows_the_transcript_and_recordings(
    admin_client, client, globe_app, menu_flow
):
    post(client, voice_path(globe_app), session_body("s1"))
    post(
        client,
        voice_path(globe_app, "menu", "menu", on="continue"),
        result_body("s1", 1, answer("choice", "2")),
    )
    recording = "https://recordings.example.com/upload/s1.wav"
    action = {**answer("voicemail", "#"), "value": recording, "uploadStatus": "success"}
    post(client, voice_path(globe_app, "menu", "agent"), result_body("s1", 2, action))
    session = CallSession.objects.get()

    html = admin_client.get(
        reverse("admin:voiceflows_callsession_change", args=[session.pk])
    ).content.decode()

    assert recording in html
    assert "3. Result at step agent" in html
    assert "&quot;transfer&quot;" in html


def test_operator_starts_a_call_and_a_viewer_may_not(client, globe_app, menu_flow):
    url = reverse("admin:voiceflows_calltrigger_start")
    client.force_login(staff("victor", VIEWERS))
    assert client.get(url).status_code == 403
    client.force_login(staff("olive", OPERATORS))
    listing = client.get(reverse("admin:voiceflows_calltrigger_changelist")).content
    assert b"Start a call" in listing

    refused = client.post(url, {"app": globe_app.pk, "to": "12"})
    assert "not a valid mobile number" in refused.content.decode()
    started = client.post(url, {"app": globe_app.pk, "to": "09179990000", "variables": '{"a": 1}'})

    assert started.status_code == 302
    trigger = CallTrigger.objects.get()
    assert (trigger.source, trigger.flow, trigger.variables) == ("admin", menu_flow, {"a": "1"})


def test_campaign_action_queues_the_calls(client, globe_app, menu_flow):
    client.force_login(staff("olive", OPERATORS))
    campaign = CallCampaign.objects.create(
        app=globe_app, flow=menu_flow, name="Blast", numbers="09179990000\n09179990001"
    )
    client.post(
        reverse("admin:voiceflows_callcampaign_changelist"),
        {"action": "start_calling", "_selected_action": [campaign.pk]},
    )
    assert CallTrigger.objects.filter(campaign=campaign).count() == 2


def test_operator_starts_and_cancels_an_escalation(client, globe_app, menu_flow):
    client.force_login(staff("olive", OPERATORS))
    started = client.post(
        reverse("admin:voiceflows_escalation_start"),
        {
            "app": globe_app.pk,
            "numbers": "09179990001\n09179990002",
            "message": "Wake up.",
            "confirmation_code": "4321",
            "rounds": 1,
            "provider": "globe",
        },
    )
    assert started.status_code == 302
    escalation = Escalation.objects.get()
    page = client.get(reverse("admin:voiceflows_escalation_change", args=[escalation.pk]))
    assert b"+639179990001" in page.content and b"4321" not in page.content
    client.post(
        reverse("admin:voiceflows_escalation_changelist"),
        {"action": "cancel", "_selected_action": [escalation.pk]},
    )
    escalation.refresh_from_db()
    assert escalation.status == "cancelled"


def test_operator_starts_an_escalation_run_by_the_voicent_gateway(client):
    gateway_app = VoicentAppFactory(name="Ops gateway")
    client.force_login(staff("olive", OPERATORS))
    form = {
        "app": gateway_app.pk,
        "numbers": "09179990001",
        "message": "Wake up.",
        "confirmation_code": "4321",
        "rounds": 1,
        "provider": "voicent",
    }
    refused = client.post(reverse("admin:voiceflows_escalation_start"), form)
    started = client.post(
        reverse("admin:voiceflows_escalation_start"),
        {**form, "audio_file": r"C:\wake.wav", "call_list": r"C:\lists\{number}.voc"},
    )

    assert refused.status_code == 200 and b"call list" in refused.content
    assert started.status_code == 302
    escalation = Escalation.objects.get()
    assert escalation.voicent.created_by.username == "olive"
    page = client.get(reverse("admin:voiceflows_escalation_change", args=[escalation.pk]))
    gateway_url = reverse("admin:telecom_voicentescalation_change", args=[escalation.voicent_id])
    assert gateway_url.encode() in page.content and b"4321" not in page.content


def test_voice_settings_keep_the_token_when_left_empty(admin_client, globe_app, menu_flow):
    settings_row = VoiceSettings.objects.get(app=globe_app)
    url = reverse("admin:voiceflows_voicesettings_change", args=[settings_row.pk])
    page = admin_client.get(url).content.decode()
    assert "voice-token-1" not in page
    admin_client.post(
        url,
        {
            "app": globe_app.pk,
            "voice_token": "",
            "default_flow": menu_flow.pk,
            "caller_id": "",
            "ring_timeout": 20,
            "error_message": "Sorry.",
        },
    )
    settings_row.refresh_from_db()
    assert settings_row.voice_token.reveal() == "voice-token-1"
    assert settings_row.ring_timeout == 20
