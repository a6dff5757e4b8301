"""The partner API's messages and campaigns."""

import pytest
from rest_framework.test import APIClient

from telecom.models import ApiKey, Message, OutboundCall
from tests.support.factories import PartnerFactory, ProviderAppFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(globe_app):
    partner = PartnerFactory()
    partner.apps.add(globe_app)
    return partner


@pytest.fixture
def api(partner):
    _, key = ApiKey.generate(partner=partner, scopes=["sms:send", "sms:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def post(api, body, key="k"):
    return api.post("/api/v1/messages/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_post_message_answers_201_with_the_documented_fields(api, subscribe):
    subscribe("+639171234567")
    response = post(api, {"to": "0917 123 4567", "text": "Hello World"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "queued" and body["to"] == "+639171234567"
    assert body["parts"] == 1 and body["encoding"] == "GSM-7" and body["characters"] == 11
    assert body["client_correlator"]
    assert post(api, {"to": "0917 123 4567", "text": "Hello World"}).json() == body
    assert Message.objects.count() == 1


def test_post_binary_message(api, subscribe):
    subscribe("+639171234567")
    response = post(
        api,
        {
            "to": "09171234567",
            "binary": {
                "message": "samplebinarymessage",
                "user_data_header": "06050423F423F4",
                "data_coding_scheme": 4,
            },
        },
    )
    assert response.status_code == 201, response.json()
    assert Message.objects.get().data_coding_scheme == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "12", "text": "x"}, "to"),
        ({"to": "09171234567"}, "text"),
        ({"to": "09171234567", "text": "x", "binary": {"message": "m"}}, "binary.user_data_header"),
        ({"to": "09171234567", "text": "x\x00y"}, "text"),
        ({"to": "09171234567", "text": "x", "app": 999999}, "app"),
    ],
)
def test_bad_message_requests_are_400_naming_the_field(api, body, field):
    response = post(api, body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"], response.json()


def test_several_apps_need_the_app_named(api, partner, subscribe):
    other = ProviderAppFactory()
    partner.apps.add(other)
    response = post(api, {"to": "09171234567", "text": "x"})
    assert response.status_code == 400 and "app" in response.json()["error"]["fields"]
    subscribe("+639171234567", app=other)
    response = post(api, {"to": "09171234567", "text": "x", "app": other.pk}, key="k2")
    assert response.status_code == 201 and response.json()["app"] == other.pk


def test_list_filters_and_detail_with_attempts(api, globe_app, subscribe):
    subscribe("+639171234567")
    sent = post(api, {"to": "09171234567", "text": "out"}).json()
    OutboundCall.objects.create(
        app=globe_app,
        provider="globe",
        operation="sms.send",
        method="POST",
        url="u",
        status_code=503,
        outcome="transient",
        latency_ms=12,
        subject_type="telecom.message",
        subject_id=sent["id"],
        started_at="2026-01-01T00:00Z",
    )
    listed = api.get("/api/v1/messages/", {"direction": "out", "number": "9171234567"}).json()
    assert [m["id"] for m in listed["results"]] == [sent["id"]]
    assert api.get("/api/v1/messages/", {"direction": "in"}).json()["results"] == []
    detail = api.get(f"/api/v1/messages/{sent['id']}/").json()
    assert detail["platform_attempts"][0]["status_code"] == 503


def test_campaign_api_creates_and_reports_progress(api, subscribe):
    for n in range(3):
        subscribe(f"+63917000000{n}")
    preview = api.post(
        "/api/v1/campaigns/preview/",
        {"name": "p", "text": "x" * 170},
        format="json",
        HTTP_IDEMPOTENCY_KEY="p",
    ).json()
    assert preview["recipients"] == 3 and preview["total_parts"] == 6
    created = api.post(
        "/api/v1/campaigns/",
        {"name": "Sale", "text": "Sale!", "segment": {"status": "active"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="c",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "building"
    detail = api.get(f"/api/v1/campaigns/{created.json()['id']}/")
    assert detail.status_code == 200
    bad = api.post(
        "/api/v1/campaigns/",
        {"name": "x", "text": "y", "segment": {"numbers": ["12"]}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="c2",
    )
    assert bad.status_code == 400 and "segment.numbers" in bad.json()["error"]["fields"]
