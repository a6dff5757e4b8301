"""The partner API's subscriber endpoints: scoped to the partner's apps,
filters by any number form, never a token in any answer."""

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from subscribers.models import BalanceQuery, LocationQuery, Subscriber
from subscribers.services.consent import subscriber_opt_in
from telecom.models import ApiKey
from tests.support.factories import PartnerFactory, ProviderAppFactory

pytestmark = pytest.mark.django_db

TOKEN = "live-token-abcdefgh"


@pytest.fixture
def partner(globe_app):
    partner = PartnerFactory()
    partner.apps.add(globe_app)
    return partner


def client_for(partner, scopes):
    _, key = ApiKey.generate(partner=partner, scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def api(partner):
    return client_for(partner, ["subscribers:read", "subscribers:write", "charge"])


def subscribe(app, number, token=TOKEN):
    return subscriber_opt_in(app=app, msisdn=number, token=token, channel="sms").subscriber


def test_list_filters_by_any_number_form_and_hides_tokens(api, globe_app):
    subscribe(globe_app, "09171234567")
    subscribe(globe_app, "09181234567", token="other-token-123456")
    response = api.get("/api/v1/subscribers/", {"number": "0917 123 4567"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["number"] for r in results] == ["+639171234567"]
    assert "token" not in json.dumps(response.json()).lower().replace("next", "")


def test_list_rejects_a_malformed_number_filter(api):
    response = api.get("/api/v1/subscribers/", {"number": "12"})
    assert response.status_code == 400
    assert "number" in response.json()["error"]["fields"]


def test_list_filters_by_status_tag_and_changed_since(api, globe_app):
    from subscribers.services.tags import tag_subscribers

    a = subscribe(globe_app, "09171234567")
    subscribe(globe_app, "09181234567", token="other-token-123456")
    tag_subscribers(subscriber_ids=[a.pk], tag_name="VIP")
    assert [r["id"] for r in api.get("/api/v1/subscribers/", {"tag": "vip"}).json()["results"]] == [
        a.pk
    ]
    assert api.get("/api/v1/subscribers/", {"status": "unsubscribed"}).json()["results"] == []
    future = (timezone.now() + timezone.timedelta(minutes=1)).isoformat()
    assert api.get("/api/v1/subscribers/", {"changed_since": future}).json()["results"] == []


def test_partner_sees_only_its_apps_subscribers(api, globe_app):
    other = subscribe(ProviderAppFactory(), "09171234567")
    assert api.get("/api/v1/subscribers/").json()["results"] == []
    assert api.get(f"/api/v1/subscribers/{other.pk}/").status_code == 404


def test_locate_queues_a_query_once_per_idempotency_key(api, globe_app):
    sub = subscribe(globe_app, "09171234567")
    url = f"/api/v1/subscribers/{sub.pk}/locate/"
    first = api.post(url, {"requested_accuracy": 10}, format="json", HTTP_IDEMPOTENCY_KEY="l-1")
    again = api.post(url, {"requested_accuracy": 10}, format="json", HTTP_IDEMPOTENCY_KEY="l-1")
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert first.json()["status"] == "queued"
    assert LocationQuery.objects.count() == 1
    poll = api.get(f"/api/v1/location-queries/{first.json()['id']}/")
    assert poll.json()["requested_accuracy"] == 10


def test_locate_an_unsubscribed_subscriber_is_refused_before_any_call(api, globe_app):
    sub = Subscriber.objects.create(
        app=globe_app, msisdn="+639171234567", status=Subscriber.Status.UNSUBSCRIBED
    )
    response = api.post(
        f"/api/v1/subscribers/{sub.pk}/locate/", {}, format="json", HTTP_IDEMPOTENCY_KEY="l-2"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unsubscribed"
    assert LocationQuery.objects.count() == 0


def test_balance_validates_kind(api, globe_app):
    sub = subscribe(globe_app, "09171234567")
    url = f"/api/v1/subscribers/{sub.pk}/balance/"
    bad = api.post(url, {"kind": "debt"}, format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    assert bad.status_code == 400 and "kind" in bad.json()["error"]["fields"]
    ok = api.post(url, {"kind": "reload_amount"}, format="json", HTTP_IDEMPOTENCY_KEY="b-2")
    assert ok.status_code == 202
    assert BalanceQuery.objects.get().kind == "reload_amount"


def test_writes_need_the_write_scope(partner, globe_app):
    sub = subscribe(globe_app, "09171234567")
    reader = client_for(partner, ["subscribers:read"])
    response = reader.post(
        f"/api/v1/subscribers/{sub.pk}/locate/", {}, format="json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert response.status_code == 403


def test_apps_list_gives_the_consent_page_to_embed(api, globe_app, client):
    apps = api.get("/api/v1/apps/").json()
    assert apps == [
        {
            "id": globe_app.pk,
            "name": globe_app.name,
            "shortcode": globe_app.shortcode,
            "consent_url": f"http://127.0.0.1:8000/consent/{globe_app.app_id}/",
        }
    ]
    page = client.get(f"/consent/{globe_app.app_id}/?amount=2.50")
    assert page.status_code == 200
    assert f"/dialog/oauth/{globe_app.app_id}?amount=2.50".encode() in page.content


def test_consent_page_refuses_a_bad_amount_and_unknown_apps(client, globe_app):
    assert client.get(f"/consent/{globe_app.app_id}/?amount=abc").status_code == 400
    assert client.get("/consent/nope/").status_code == 404


def test_charging_optin_offer_is_queued(api, globe_app):
    response = api.post(
        f"/api/v1/apps/{globe_app.pk}/charging-optin/",
        {"to": "0917-123-4567", "amount": "5", "duration_days": 7},
        format="json",
        HTTP_IDEMPOTENCY_KEY="c-1",
    )
    assert response.status_code == 202, response.json()
    assert response.json()["to"] == "+639171234567"
    assert response.json()["amount"] == "5.00"


def test_subscriber_list_has_a_constant_number_of_queries(
    api, globe_app, django_assert_max_num_queries
):
    from subscribers.services.tags import tag_subscribers

    ids = [subscribe(globe_app, f"0917{n:07d}", token=f"token-{n:08d}").pk for n in range(30)]
    tag_subscribers(subscriber_ids=ids, tag_name="bulk")
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/subscribers/")
    assert len(response.json()["results"]) == 30
