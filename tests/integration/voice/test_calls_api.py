"""The partner API's voice endpoints: `/api/v1/calls/`, `/api/v1/calls/sessions/`,
`/api/v1/escalations/`."""

import pytest
from rest_framework.test import APIClient

from telecom.models import ApiKey
from tests.support.factories import PartnerFactory, VoicentAppFactory
from tests.support.voice_flows import session_body
from voiceflows.models import CallTrigger, Escalation

from .test_voice_webhook import post, voice_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(globe_app, menu_flow):
    def client(scopes=("calls",)):
        partner = PartnerFactory()
        partner.apps.add(globe_app)
        _, key = ApiKey.generate(partner=partner, scopes=list(scopes))
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        return api

    return client


def test_post_call_queues_a_flow_to_a_number_once_per_key(api):
    client = api()
    body = {"to": "09179990000", "flow": "menu", "variables": {"name": "Ana"}}

    created = client.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY="c1")
    again = client.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY="c1")

    assert created.status_code == 201, created.json()
    call = created.json()
    assert (call["status"], call["to"], call["flow"]) == ("queued", "+639179990000", "menu")
    assert call["variables"] == {"name": "Ana"} and call["session"] is None
    assert again.json() == call and again["Idempotent-Replayed"] == "true"
    trigger = CallTrigger.objects.get()
    assert trigger.source == "api" and trigger.partner is not None


def test_post_call_refuses_unknown_flows_missing_keys_and_scopes(api):
    client = api()
    unknown = client.post(
        "/api/v1/calls/",
        {"to": "09179990000", "flow": "nope"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="u",
    )
    assert unknown.status_code == 400 and "flow" in unknown.json()["error"]["fields"]
    no_key = client.post("/api/v1/calls/", {"to": "09179990000"}, format="json")
    assert no_key.status_code == 400 and "Idempotency-Key" in no_key.json()["error"]["fields"]
    bad_number = client.post(
        "/api/v1/calls/", {"to": "12"}, format="json", HTTP_IDEMPOTENCY_KEY="b"
    )
    assert bad_number.status_code == 400 and "to" in bad_number.json()["error"]["fields"]
    without_scope = api(scopes=["sms:send"]).get("/api/v1/calls/")
    assert without_scope.status_code == 403
    assert not CallTrigger.objects.exists()


def test_get_calls_filters_and_shows_the_session(client, api, globe_app):
    partner_api = api()
    first = partner_api.post(
        "/api/v1/calls/", {"to": "09179990000"}, format="json", HTTP_IDEMPOTENCY_KEY="1"
    ).json()
    partner_api.post(
        "/api/v1/calls/", {"to": "09179990001"}, format="json", HTTP_IDEMPOTENCY_KEY="2"
    )
    trigger = CallTrigger.objects.get(pk=first["id"])
    launch = session_body("s-api")
    launch["session"]["parameters"] = {
        "token": "t",
        "action": "create",
        "reference": trigger.reference,
    }
    post(client, voice_path(globe_app), launch)

    listed = partner_api.get("/api/v1/calls/", {"number": "09179990000"}).json()["results"]

    assert [c["id"] for c in listed] == [first["id"]]
    assert listed[0]["session"]["session_id"] == "s-api"
    assert listed[0]["session"]["status"] == "dialing"
    assert partner_api.get("/api/v1/calls/", {"status": "failed"}).json()["results"] == []
    detail = partner_api.get(f"/api/v1/calls/{first['id']}/").json()
    assert detail["to"] == "+639179990000"


def test_get_call_sessions_lists_inbound_calls_with_their_transcript(client, api, globe_app):
    post(client, voice_path(globe_app), session_body("inbound-1"))

    [session] = api().get("/api/v1/calls/sessions/", {"direction": "inbound"}).json()["results"]

    assert session["session_id"] == "inbound-1" and session["number"] == "+639171234567"
    assert session["exchanges"][0]["answered_steps"] == ["greet", "menu"]


def test_escalations_start_and_never_show_the_code(api):
    client = api()
    body = {
        "numbers": ["09179990001", "09179990002"],
        "confirmation_code": "4321",
        "message": "The server room is on fire.",
    }

    created = client.post("/api/v1/escalations/", body, format="json", HTTP_IDEMPOTENCY_KEY="e1")

    assert created.status_code == 201, created.json()
    escalation = created.json()
    assert escalation["status"] == "running" and escalation["rounds"] == 2
    assert escalation["attempts"][0]["number"] == "+639179990001"
    assert "4321" not in created.content.decode()
    assert Escalation.objects.get().source == "api"
    listed = client.get("/api/v1/calls/").json()["results"]
    assert listed[0]["variables"] == {"message": "The server room is on fire."}
    detail = client.get(f"/api/v1/escalations/{escalation['id']}/").json()
    assert detail["numbers"] == ["+639179990001", "+639179990002"]
    refused = client.post(
        "/api/v1/escalations/",
        {**body, "confirmation_code": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="e2",
    )
    assert refused.status_code == 400


def test_an_escalation_through_the_voicent_gateway_is_the_same_resource():
    app = VoicentAppFactory()
    partner = PartnerFactory()
    partner.apps.add(app)
    _, key = ApiKey.generate(partner=partner, scopes=["calls"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body = {
        "numbers": ["09179990001"],
        "confirmation_code": "4321",
        "message": "Hot",
        "provider": "voicent",
    }

    missing = client.post("/api/v1/escalations/", body, format="json", HTTP_IDEMPOTENCY_KEY="v1")
    created = client.post(
        "/api/v1/escalations/",
        {**body, "audio_file": r"C:\a.wav", "call_list": r"C:\lists\{number}.voc"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="v2",
    )

    assert missing.status_code == 400 and "call_list" in missing.json()["error"]["fields"]
    assert created.status_code == 201, created.json()
    assert (created.json()["provider"], created.json()["status"]) == ("voicent", "running")
    escalation = Escalation.objects.get()
    assert escalation.voicent.confirm_code == "4321" and escalation.voicent.partner == partner
    assert "4321" not in created.content.decode()
