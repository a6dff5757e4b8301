"""`send_at` on `POST /api/v1/campaigns/`: scheduled and shown, cancelled by
`POST /api/v1/campaigns/{id}/cancel/`, and every hostile value a 400 naming
the field, creating nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from telecom.models import Campaign
from tests.support.api import api_client_for
from tests.support.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(globe_app):
    partner = PartnerFactory()
    partner.apps.add(globe_app)
    return api_client_for(partner, ["sms:send", "sms:read"])


def create(api, send_at, key="k"):
    body = {"name": "Sale", "text": "Sale!", "segment": {}, "send_at": send_at}
    return api.post("/api/v1/campaigns/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_campaign_with_send_at_is_scheduled_shown_and_cancelled(api, settings):
    settings.TIME_ZONE = "Asia/Manila"
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    created = create(api, start.astimezone(timezone.get_fixed_timezone(480)).isoformat())
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "scheduled"
    assert body["send_at"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")  # stored and shown in UTC
    assert body["waiting"].startswith("Scheduled for ") and "(Asia/Manila)" in body["waiting"]
    detail = api.get(f"/api/v1/campaigns/{body['id']}/").json()
    assert (detail["status"], detail["send_at"]) == ("scheduled", body["send_at"])
    listed = api.get("/api/v1/campaigns/").json()
    assert listed[0]["status"] == "scheduled"
    cancelled = api.post(
        f"/api/v1/campaigns/{body['id']}/cancel/", format="json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert Campaign.objects.get().status == "cancelled"


def test_a_campaign_without_send_at_starts_now(api):
    body = {"name": "Now", "text": "hi", "segment": {}}
    created = api.post("/api/v1/campaigns/", body, format="json", HTTP_IDEMPOTENCY_KEY="n")
    assert created.status_code == 201
    assert (created.json()["status"], created.json()["send_at"]) == ("building", None)


@pytest.mark.parametrize(
    "send_at",
    [
        "garbage",
        "tomorrow at nine",
        "",
        "9" * 5000,
        "2026-12-07T09:00:00",  # naive: which zone?
        "2026-12-07 09:00",
        "99999-01-01T00:00:00+08:00",
        "2026-13-01T00:00:00+08:00",
        "2026-12-07T09:00:00+99:00",
        "2000-01-01T00:00:00+08:00",  # in the past
        "9999-12-31T23:59:59+00:00",  # too far ahead
        12345,
        True,
        {"at": "2026-12-07T09:00:00+08:00"},
        ["2026-12-07T09:00:00+08:00"],
        {"$gt": ""},
    ],
)
def test_a_hostile_send_at_is_a_400_naming_the_field(api, send_at):
    answer = create(api, send_at, key=f"bad-{hash(str(send_at))}")
    assert answer.status_code == 400, answer.content[:300]
    error = answer.json()["error"]
    assert "send_at" in error["fields"], error
    assert not Campaign.objects.exists()


def test_a_naive_send_at_says_to_give_the_offset(api):
    error = create(api, "2030-12-07T09:00:00").json()["error"]
    assert "offset" in error["fields"]["send_at"][0]


def test_the_schema_documents_send_at_and_the_scheduled_status(tmp_path):
    import json

    from django.core.management import call_command

    path = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(path))
    schemas = json.loads(path.read_text())["components"]["schemas"]
    assert schemas["CampaignInRequest"]["properties"]["send_at"]["format"] == "date-time"
    out = schemas["CampaignOut"]["properties"]
    assert {"send_at", "waiting"} <= set(out)
    statuses = json.dumps(schemas)
    assert '"scheduled"' in statuses and '"quiet"' in statuses
