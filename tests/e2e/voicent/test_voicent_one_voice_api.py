"""End to end through the one voice API: a text-to-speech voice flow started with
`POST /api/v1/calls/` on a Voicent app becomes one gateway call that a real
Celery worker places and polls on the sandbox's Voicent twin, read back at
`/api/v1/calls/voicent/{id}/`; an escalation started with
`POST /api/v1/escalations/` runs on the gateway until someone confirms, read
back in the same list as every other provider's."""

import json

import pytest
from rest_framework.test import APIClient

from sandbox.client import wait_for
from telecom.models import ApiKey, VoicentCall
from tests.support.factories import PartnerFactory
from voiceflows.services.flows import import_flow, say_step

pytestmark = pytest.mark.e2e
A, B = "+639171234567", "+639181234567"
WAV = r"C:\Program Files\Voicent\MyRecordings\sample_message.wav"
ONE_BY_ONE = r"C:\calllists\{number}.voc"


@pytest.fixture
def api(voicent_app):
    partner = PartnerFactory()
    partner.apps.add(voicent_app)
    _, key = ApiKey.generate(partner=partner, scopes=["calls"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def read(api, url: str, status: str):
    answer = api.get(url).json()
    return answer if answer["status"] == status else None


def test_a_text_flow_posted_to_the_calls_api_is_spoken_by_the_gateway(
    sandbox, voicent_app, celery_worker, api
):
    import_flow(
        app=voicent_app,
        data={
            "slug": "parcel",
            "name": "Parcel",
            "steps": [
                say_step("hello", "Hello {name}.", "news"),
                say_step("news", "Your parcel is here."),
            ],
        },
    )
    body = {"to": "09171234567", "flow": "parcel", "variables": {"name": "Ana"}}

    created = api.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    again = api.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY="p1")

    assert created.status_code == 201, created.json()
    call = created.json()
    assert again.json()["ref"] == call["ref"] and VoicentCall.objects.count() == 1
    done = wait_for(
        lambda: read(api, f"/api/v1/calls/{call['ref']}/", "completed"), what="the call made"
    )
    assert (done["provider_status"], done["flow"]) == ("made", "parcel")
    [request] = sandbox.voicent_requests()
    assert (request["kind"], request["txt"], request["phoneno"]) == (
        "text",
        "Hello Ana. Your parcel is here.",
        "09171234567",
    )
    listed = api.get("/api/v1/calls/", {"provider": "voicent", "status": "completed"}).json()
    assert [c["ref"] for c in listed["results"]] == [call["ref"]]


def test_an_escalation_posted_to_the_escalations_api_runs_on_the_gateway(
    sandbox, voicent_app, celery_worker, api
):
    for number in (A, B):
        sandbox.voicent_call_list(ONE_BY_ONE.replace("{number}", number[1:]), [number])
    sandbox.phone(A, call="unanswered")
    sandbox.phone(B, digits="909090909")
    body = {
        "numbers": [A, B],
        "confirmation_code": "909090909",
        "message": "Server room too hot",
        "provider": "voicent",
        "rounds": 1,
        "audio_file": WAV,
        "call_list": ONE_BY_ONE,
    }

    created = api.post("/api/v1/escalations/", body, format="json", HTTP_IDEMPOTENCY_KEY="e1")

    assert created.status_code == 201, created.json()
    url = created.json()["url"]
    done = wait_for(lambda: read(api, url, "confirmed"), timeout=20, what="confirmed")
    assert done["confirmed_by"] == B and done["provider"] == "voicent"
    [listed] = api.get("/api/v1/escalations/", {"status": "confirmed"}).json()["results"]
    assert listed["url"] == url
    attempts = api.get("/api/v1/calls/", {"provider": "voicent"}).json()["results"]
    assert [(c["kind"], c["to"], c["status"]) for c in attempts] == [
        ("till_confirm", B, "completed"),
        ("till_confirm", A, "failed"),
    ]
    assert "909090909" not in json.dumps(done)
