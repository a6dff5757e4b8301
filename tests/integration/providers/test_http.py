"""`ProviderClient`: one session, timeouts, error mapping, a redacted log row per call."""

import json

import pytest
import requests

from telecom.errors import (
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    TransientError,
)
from telecom.http import ProviderClient
from telecom.models import OutboundCall
from tests.support.http_server import ScriptedServer, free_port

pytestmark = pytest.mark.django_db


class ExampleClient(ProviderClient):
    provider = "example"


@pytest.fixture
def server():
    with ScriptedServer() as srv:
        yield srv


@pytest.fixture
def client(globe_app):
    return ExampleClient(app=globe_app)


def test_call_returns_response_and_logs_it_redacted(server, client, globe_app):
    server.reply(201, {"ok": True, "access_token": "returned-token"})
    response = client.call(
        "thing.create",
        "POST",
        f"{server.url}/things",
        params={"access_token": "query-token", "address": "9171234567"},
        json={"app_secret": "body-secret", "message": "hi"},
        correlation="corr-1",
        subject=globe_app,
    )
    assert response.status == 201
    assert response.json() == {"ok": True, "access_token": "returned-token"}
    assert server.requests[0]["path"] == "/things?access_token=query-token&address=9171234567"
    assert json.loads(server.requests[0]["body"]) == {"app_secret": "body-secret", "message": "hi"}

    row = OutboundCall.objects.get()
    assert row.outcome == OutboundCall.Outcome.SUCCESS
    assert row.status_code == 201
    assert row.correlation == "corr-1"
    assert (row.subject_type, row.subject_id) == ("telecom.providerapp", globe_app.pk)
    everything = row.url + row.request_body + row.response_body
    for secret in ("query-token", "body-secret", "returned-token"):
        assert secret not in everything
    assert "address=9171234567" in row.url
    assert '"message": "hi"' in row.request_body


def test_call_sends_form_bodies_and_redacts_them(server, client):
    server.reply(201, {})
    client.call("charge", "POST", f"{server.url}/pay", data={"amount": "1.00", "code": "abc"})
    assert server.requests[0]["body"] == b"amount=1.00&code=abc"
    assert "abc" not in OutboundCall.objects.get().request_body


def test_busy_provider_is_a_transient_error(server, client):
    server.reply(503, {"error": "busy"})
    with pytest.raises(TransientError) as caught:
        client.call("x", "GET", server.url)
    assert caught.value.status == 503
    assert "503" in str(caught.value)
    assert OutboundCall.objects.get().outcome == OutboundCall.Outcome.TRANSIENT


def test_rate_limit_carries_retry_after(server, client):
    server.reply(429, {}, headers={"Retry-After": "7"})
    with pytest.raises(RateLimited) as caught:
        client.call("x", "GET", server.url)
    assert caught.value.retry_after == 7.0


def test_client_error_is_permanent_with_the_body(server, client):
    server.reply(400, {"error": "Invalid subscriber number"})
    with pytest.raises(PermanentError, match="Invalid subscriber number"):
        client.call("x", "GET", server.url)
    assert OutboundCall.objects.get().outcome == OutboundCall.Outcome.PERMANENT


def test_read_timeout_is_an_unknown_outcome(server, client, settings):
    settings.PROVIDER_READ_TIMEOUT = 0.2
    server.reply(201, {}, delay=1.0)
    with pytest.raises(OutcomeUnknown):
        client.call("x", "POST", server.url, json={})
    row = OutboundCall.objects.get()
    assert row.outcome == OutboundCall.Outcome.UNKNOWN
    assert row.status_code is None
    assert 150 <= row.latency_ms < 1000


def test_connection_dropped_after_sending_is_an_unknown_outcome(server, client):
    server.reply(drop=True)
    with pytest.raises(OutcomeUnknown):
        client.call("x", "POST", server.url, json={})


def test_connection_refused_is_transient_since_nothing_was_sent(client):
    with pytest.raises(TransientError):
        client.call("x", "POST", f"http://127.0.0.1:{free_port()}/", json={})
    assert OutboundCall.objects.get().outcome == OutboundCall.Outcome.TRANSIENT


def test_session_is_shared_per_client_class_and_process(client):
    assert ExampleClient.session() is ExampleClient.session()

    class OtherClient(ProviderClient):
        provider = "other"

    assert OtherClient.session() is not ExampleClient.session()
    adapter = ExampleClient.session().get_adapter("http://x")
    assert adapter.max_retries.total == 0


def test_the_request_is_what_requests_would_send_without_cookies(server, client):
    """`call` prepares the request with requests' own steps and hands it to the
    session's adapter: the same bytes as `Session.request`, but a provider's
    Set-Cookie is never sent back (one session serves every app of a
    provider), and a header given as None drops the session's default."""
    server.reply(200, {"ok": True}, headers={"Set-Cookie": "lb=app-1; Path=/"})
    server.reply(200, {"ok": True})
    client.call("x", "POST", f"{server.url}/a", json={"message": "hi é"}, headers={"X-Id": "1"})
    client.call(
        "x", "POST", f"{server.url}/b", data={"to": "+639171234567"}, headers={"Accept": None}
    )
    first, second = server.requests
    reference = ExampleClient.session().prepare_request(
        requests.Request("POST", f"{server.url}/a", json={"message": "hi é"}, headers={"X-Id": "1"})
    )
    assert first["body"] == reference.body
    for name in ("User-Agent", "Content-Type", "Content-Length", "Accept", "X-Id"):
        assert first["headers"][name] == reference.headers[name]
    assert first["headers"]["User-Agent"] == "Hatid/1.0"
    assert "Cookie" not in second["headers"]
    assert "Accept" not in second["headers"]
    assert second["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert second["body"] == b"to=%2B639171234567"
