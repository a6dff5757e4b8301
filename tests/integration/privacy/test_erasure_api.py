"""`POST /api/v1/subscribers/{id}/erase/` (scope subscribers:erase) and
`GET /api/v1/subscribers/{id}/access-request/` (scope subscribers:read)."""

import base64
import io
import json
import zipfile

import pytest

from subscribers.models import Subscriber
from telecom.models import AuditEvent, Charge, Fax, Message, Reward
from telecom.services.erasure_stops import REASON
from tests.support.api import api_client_for
from tests.support.factories import PartnerFactory, ProviderAppFactory
from tests.support.privacy import number_in_database, traffic

NUMBER = "+639171234567"


@pytest.fixture
def partner(globe_app):
    partner = PartnerFactory()
    partner.apps.add(globe_app)
    return partner


@pytest.fixture
def subscriber(subscribe):
    return traffic(subscribe(NUMBER)).subscriber


def erase(client, pk, body=None, key="erase-1"):
    return client.post(
        f"/api/v1/subscribers/{pk}/erase/", body or {}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_erase_needs_its_own_scope(partner, subscriber):
    client = api_client_for(partner, scopes=["subscribers:read", "subscribers:write"])

    response = erase(client, subscriber.pk)

    assert response.status_code == 403
    assert "subscribers:erase" in response.json()["error"]["message"]
    subscriber.refresh_from_db()
    assert subscriber.msisdn == NUMBER


def test_erase_forgets_the_number_and_answers_the_pseudonym(partner, subscriber):
    client = api_client_for(partner, scopes=["subscribers:erase"])

    response = erase(client, subscriber.pk, {"apps": "this"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pseudonym"].startswith("erased:") and NUMBER not in json.dumps(body)
    assert body["subscribers"] == [subscriber.pk] and body["consent_ended"] == 1
    stopped = [Model.objects.filter(last_error=REASON).count() for Model in (Charge, Reward)]
    assert body["queued_stopped"] == sum(stopped) > 0
    assert body["rows"]["telecom.message"] >= 2
    assert number_in_database(NUMBER) == []
    event = AuditEvent.objects.get(action="subscriber.erase")
    assert event.partner == partner and event.key_prefix
    assert AuditEvent.objects.filter(action__startswith="api:").count() == 0  # one event, not two


def test_erase_all_reaches_only_the_partners_apps(partner, subscribe, subscriber):
    foreign = subscribe(NUMBER, app=ProviderAppFactory())
    client = api_client_for(partner, scopes=["subscribers:erase"])

    assert erase(client, subscriber.pk, {"apps": "all"}).status_code == 200

    foreign.refresh_from_db()
    assert foreign.msisdn == NUMBER  # another partner's app: not this key's to erase


@pytest.mark.parametrize("pk", [999999, "abc"])
def test_erase_an_unknown_or_foreign_subscriber_is_404(partner, pk):
    client = api_client_for(partner, scopes=["subscribers:erase"])
    assert erase(client, pk).status_code == 404


def test_erase_a_foreign_subscriber_is_404(partner, subscribe):
    foreign = subscribe(NUMBER, app=ProviderAppFactory())
    client = api_client_for(partner, scopes=["subscribers:erase"])
    assert erase(client, foreign.pk).status_code == 404
    foreign.refresh_from_db()
    assert foreign.msisdn == NUMBER


@pytest.mark.parametrize(
    "body",
    [
        {"apps": "everything"},
        {"apps": ["all"]},
        {"apps": None},
        {"apps": {"$ne": 1}},
        {"apps": "all" * 10_000},
        {"apps": 1},
    ],
)
def test_erase_hostile_bodies_are_400_naming_the_field(partner, subscriber, body):
    client = api_client_for(partner, scopes=["subscribers:erase"])

    response = erase(client, subscriber.pk, body)

    assert response.status_code == 400, response.content
    assert "apps" in response.json()["error"]["fields"]
    assert Subscriber.objects.get(pk=subscriber.pk).msisdn == NUMBER


@pytest.mark.parametrize("raw", ["[1, 2", '{"apps": 1e999}', '{"apps": "\\u0000"}', "[]"])
def test_erase_bodies_that_are_not_a_json_object_are_400(partner, subscriber, raw):
    client = api_client_for(partner, scopes=["subscribers:erase"])
    response = client.post(
        f"/api/v1/subscribers/{subscriber.pk}/erase/",
        raw,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="bad-json",
    )
    assert response.status_code == 400
    assert Subscriber.objects.get(pk=subscriber.pk).msisdn == NUMBER


def test_access_request_is_a_zip_of_json_and_csv_recorded_in_the_audit_trail(partner, subscriber):
    client = api_client_for(partner, scopes=["subscribers:read"])

    response = client.get(f"/api/v1/subscribers/{subscriber.pk}/access-request/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert NUMBER not in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"README.txt", "subscribers.subscriber.json", "telecom.message.csv"} <= names
    assert "telecom.auditevent.json" not in names  # the operators' trail is not a partner's
    messages = json.loads(archive.read("telecom.message.json"))
    assert {m["text"] for m in messages} >= {"call me back"}
    [callback] = json.loads(archive.read("telecom.callbackevent.json"))
    assert NUMBER in callback["body"]  # decrypted: the person's own raw callback
    tokens = json.loads(archive.read("subscribers.accesstoken.json"))
    assert tokens and all("token" not in row for row in tokens)  # secrets left out
    assert "text" in archive.read("telecom.message.csv").decode().splitlines()[0]
    event = AuditEvent.objects.get(action="api:subscriber.access_request")
    assert event.partner == partner and event.targets == [{"id": str(subscriber.pk), "label": ""}]


def test_access_request_needs_the_read_scope(partner, subscriber):
    client = api_client_for(partner, scopes=["subscribers:erase"])
    response = client.get(f"/api/v1/subscribers/{subscriber.pk}/access-request/")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="api:subscriber.access_request").exists()


def test_access_request_of_a_foreign_subscriber_is_404(partner, subscribe):
    foreign = subscribe(NUMBER, app=ProviderAppFactory())
    client = api_client_for(partner, scopes=["subscribers:read"])
    assert client.get(f"/api/v1/subscribers/{foreign.pk}/access-request/").status_code == 404


def test_access_request_leaves_out_other_apps_rows(partner, subscribe, subscriber):
    traffic(subscribe(NUMBER, app=ProviderAppFactory()), text_by_them="elsewhere")
    client = api_client_for(partner, scopes=["subscribers:read"])

    response = client.get(f"/api/v1/subscribers/{subscriber.pk}/access-request/")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    texts = {m["text"] for m in json.loads(archive.read("telecom.message.json"))}
    assert "elsewhere" not in texts
    assert Message.objects.filter(text="elsewhere").exists()


def test_access_request_carries_a_binary_field_as_base64(partner, subscriber):
    """A fax's PDF is bytes, which JSON cannot hold: the ZIP carries it as base64
    (it failed mid-stream before, after the 200 had gone out)."""
    pdf = b"%PDF-1.4 \x00\xff binary"
    Fax.objects.create(app=subscriber.app, direction="out", dest=NUMBER, document=pdf, tag="f-1")
    client = api_client_for(partner, scopes=["subscribers:read"])

    response = client.get(f"/api/v1/subscribers/{subscriber.pk}/access-request/")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    [fax] = json.loads(archive.read("telecom.fax.json"))
    assert base64.b64decode(fax["document"].removeprefix("base64:")) == pdf
    assert "base64:" in archive.read("telecom.fax.csv").decode()
