"""Partner API writes are audited with the partner and the key's prefix, and
`GET /api/v1/audit-events/` (scope `audit:read`) shows a partner its own."""

import pytest

from telecom.models import ApiKey, AuditEvent, Message
from tests.support.api import api_client_for
from tests.support.factories import PartnerFactory

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/audit-events/"


@pytest.fixture
def partner(globe_app):
    partner = PartnerFactory(name="Acme")
    partner.apps.add(globe_app)
    return partner


def send(client, to="09171234567", key="k-1"):
    return client.post(
        "/api/v1/messages/", {"to": to, "text": "Hi"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_a_partner_write_is_one_event_with_partner_key_and_row(partner, subscribe):
    subscribe("+639171234567")
    client = api_client_for(partner, ["sms:send"])
    response = send(client)
    assert response.status_code == 201, response.json()
    event = AuditEvent.objects.get()
    key = ApiKey.objects.get()
    assert (event.actor_kind, event.partner, event.actor) == ("partner", partner, "Acme")
    assert event.key_prefix == key.prefix and event.user is None
    assert (event.action, event.outcome) == ("api:message.create", "succeeded")
    assert event.object_type == "telecom.message"
    assert event.targets == [{"id": str(Message.objects.get().pk), "label": ""}]
    assert event.detail == {"status": 201, "method": "POST"}


def test_a_refused_write_is_recorded_with_its_outcome_and_reads_are_not(partner):
    client = api_client_for(partner, ["sms:send", "sms:read"])
    assert send(client, to="not a number").status_code == 400
    client.get("/api/v1/messages/")
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.detail["status"]) == (
        "api:message.create",
        "invalid",
        400,
    )


def test_a_write_without_a_valid_key_names_no_partner_and_is_not_recorded(client):
    client.post("/api/v1/messages/", {}, HTTP_AUTHORIZATION="Api-Key hatid_nope_x")
    assert not AuditEvent.objects.exists()


def test_the_list_needs_the_audit_scope(partner):
    response = api_client_for(partner, ["sms:send"]).get(EVENTS)
    assert response.status_code == 403
    assert "audit:read" in response.json()["error"]["message"]


def test_a_partner_reads_its_own_events_only(partner, globe_app, subscribe):
    subscribe("+639171234567")
    other = PartnerFactory(name="Other")
    other.apps.add(globe_app)
    send(api_client_for(other, ["sms:send"]), key="other")
    send(api_client_for(partner, ["sms:send"]), key="mine")
    body = api_client_for(partner, ["audit:read"]).get(EVENTS).json()
    assert [e["actor"] for e in body["results"]] == ["Acme"]
    (event,) = body["results"]
    assert event["action"] == "api:message.create" and event["outcome"] == "succeeded"
    assert event["object"]["type"] == "telecom.message" and event["object"]["count"] == 1
    assert set(event) >= {"actor", "action", "object", "at", "key"}


def test_since_keeps_the_events_at_or_after_it(partner):
    client = api_client_for(partner, ["sms:send", "audit:read"])
    send(client, to="bad", key="a")
    after = AuditEvent.objects.get().at
    assert len(client.get(EVENTS, {"since": after.isoformat()}).json()["results"]) == 1
    later = (after.replace(year=after.year + 1)).isoformat()
    assert client.get(EVENTS, {"since": later}).json()["results"] == []


@pytest.mark.parametrize(
    "since",
    [
        "",
        "yesterday",
        "2026-13-01T00:00:00Z",
        "2026-01-01T00:00:00+23:00",
        "9999-12-31T23:59:59-12:00",
        "\x00",
        "2026-01-01T00:00:00\x00junk",
        "1" * 5000,
        "' OR 1=1 --",
    ],
)
def test_a_hostile_since_is_a_400_naming_it(partner, since):
    response = api_client_for(partner, ["audit:read"]).get(EVENTS, {"since": since})
    assert response.status_code == 400, since
    assert "since" in response.json()["error"]["fields"]
