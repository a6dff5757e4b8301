"""The partner API's foundation: keys, scopes, idempotency, errors, throttling, pages."""

import io
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from rest_framework.test import APIClient

from telecom.models import ApiKey, IdempotencyRecord, Partner
from tests.support.factories import PartnerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.support.api_urls")]

CREATE = "/api/v1/test/partners/"
LIST = "/api/v1/test/partners/list/"


@pytest.fixture
def partner():
    return PartnerFactory()


@pytest.fixture
def key(partner):
    _, key = ApiKey.generate(partner=partner, scopes=["sms:send", "sms:read"])
    return key


@pytest.fixture
def api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def post(api, body, key="k-1", **extra):
    return api.post(CREATE, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra)


def test_create_api_key_command_prints_a_working_key_once(globe_app):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_key",
        "Acme",
        "--scopes",
        "sms:send,charge",
        "--app",
        globe_app.name,
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    row = ApiKey.objects.get()
    assert row.partner.name == "Acme"
    assert row.scopes == ["charge", "sms:send"]
    assert key not in json.dumps([row.prefix, row.digest, row.name])
    assert list(row.partner.apps.all()) == [globe_app]

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    me = client.get("/api/v1/me/").json()
    assert me["partner"] == "Acme"
    assert me["apps"] == [
        {"id": globe_app.pk, "name": globe_app.name, "shortcode": globe_app.shortcode}
    ]


def test_create_api_key_command_refuses_unknown_scopes():
    with pytest.raises(CommandError, match="unknown scopes: sms:fly"):
        call_command("create_api_key", "Acme", "--scopes", "sms:fly")


@pytest.mark.parametrize(
    "header",
    ["", "Api-Key ", "Api-Key hatid_000000000000_nope", "Bearer abc", "Api-Key garbage"],
)
def test_request_without_a_valid_key_is_401_in_the_envelope(header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_revoked_key_is_refused(api, partner):
    ApiKey.objects.get(partner=partner).revoke()
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_key_without_the_scope_is_403_naming_it(partner):
    _, key = ApiKey.generate(partner=partner, scopes=["sms:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = client.post(CREATE, {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="a")
    assert response.status_code == 403
    assert "sms:send" in response.json()["error"]["message"]


def test_post_without_idempotency_key_is_400(api):
    response = api.post(CREATE, {"name": "x"}, format="json")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert not Partner.objects.filter(name="x").exists()


def test_same_key_and_body_replays_the_first_answer_without_doing_it_again(api):
    first = post(api, {"name": "once"})
    second = post(api, {"name": "once"})
    assert first.status_code == second.status_code == 201
    assert second.content == first.content  # byte for byte, key order included
    assert second["Idempotent-Replayed"] == "true"
    assert Partner.objects.filter(name="once").count() == 1


def test_same_key_with_another_body_is_422(api):
    post(api, {"name": "first"})
    response = post(api, {"name": "second"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert not Partner.objects.filter(name="second").exists()


def test_keys_are_per_api_key(api, partner):
    post(api, {"name": "mine"})
    _, other = ApiKey.generate(partner=PartnerFactory(), scopes=["sms:send"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {other}")
    assert post(client, {"name": "theirs"}).status_code == 201


def test_invalid_request_stores_nothing_so_a_corrected_retry_works(api):
    response = post(api, {"name": ""})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"name": ["This field may not be blank."]}
    assert IdempotencyRecord.objects.count() == 0
    assert post(api, {"name": "fixed"}).status_code == 201


def test_service_error_is_rendered_in_the_envelope(api):
    response = post(api, {"name": "refused"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "this name is refused",
            "fields": {"name": ["this name is refused"]},
        }
    }


def test_expired_key_is_treated_as_new(api):
    from datetime import timedelta

    from django.utils import timezone

    post(api, {"name": "old"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert post(api, {"name": "new"}).status_code == 201


def test_abandoned_in_progress_key_is_409_until_its_lock_expires(api, partner):
    from datetime import timedelta

    from django.utils import timezone

    post(api, {"name": "crashed"})
    # As if the process died after claiming the key: its work rolled back.
    Partner.objects.filter(name="crashed").delete()
    IdempotencyRecord.objects.update(
        status=IdempotencyRecord.Status.IN_PROGRESS,
        locked_until=timezone.now() + timedelta(minutes=1),
    )
    response = post(api, {"name": "crashed"})
    assert response.status_code == 409
    IdempotencyRecord.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert post(api, {"name": "crashed"}).status_code == 201
    assert Partner.objects.filter(name="crashed").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_do_the_work_once(key):
    results, barrier = [], threading.Barrier(8)

    def hit():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        barrier.wait()
        try:
            response = client.post(
                CREATE, {"name": "race"}, format="json", HTTP_IDEMPOTENCY_KEY="race-1"
            )
            results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert Partner.objects.filter(name="race").count() == 1
    statuses = sorted(status for status, _ in results)
    assert len(statuses) == 8 and set(statuses) <= {201, 409}
    bodies = {json.dumps(body) for status, body in results if status == 201}
    assert len(bodies) == 1


def test_malformed_json_is_400_in_the_envelope(api):
    response = api.post(
        CREATE, "{not json", content_type="application/json", HTTP_IDEMPOTENCY_KEY="j"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_unknown_api_path_is_a_json_404(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_throttle_answers_429_with_retry_after(api, partner):
    ApiKey.objects.filter(partner=partner).update(rate_per_minute=3)
    codes = [api.get("/api/v1/me/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get("/api/v1/me/")
    assert response.json()["error"]["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_lists_are_cursor_paginated(api):
    PartnerFactory.create_batch(60)
    first = api.get(LIST).json()
    assert len(first["results"]) == 50 and first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 11  # 60 + the key's own partner
    ids = [p["id"] for p in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True)


def test_list_page_has_a_constant_number_of_queries(api, django_assert_max_num_queries):
    PartnerFactory.create_batch(120)
    with django_assert_max_num_queries(4):
        api.get(LIST + "?page_size=100")


def test_schema_and_interactive_docs_are_served(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/me/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
