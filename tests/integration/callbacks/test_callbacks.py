"""The callback endpoint: authenticate by path token, keep the raw request
first, then process it with the kind's handler."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from telecom.callbacks import registry
from telecom.callbacks.registry import CallbackHandler, HandlerResult
from telecom.errors import RejectedPayload
from telecom.models import CallbackEvent, ProviderApp

pytestmark = pytest.mark.django_db


class EchoHandler(CallbackHandler):
    """A handler for these tests: applies `{"value": ...}` once per value."""

    kind = "echo"
    methods = ("POST", "GET")
    seen: list = []
    broken = True  # "boom" fails while the handler is broken

    def handle(self, event):
        if event.method == "GET":
            value = event.query_params.get("value")
        else:
            value = event.json().get("value")
        if value is None:
            raise RejectedPayload("value is required", {"value": ["This field is required."]})
        if value == "boom" and EchoHandler.broken:
            raise RuntimeError("handler bug")
        EchoHandler.seen.append(value)
        return HandlerResult(note=f"applied {value}")


@pytest.fixture(autouse=True)
def echo_handler():
    EchoHandler.seen, EchoHandler.broken = [], True
    registry.register(EchoHandler)
    yield
    registry.unregister("echo")


def url(app, kind="echo"):
    return app.callback_path(kind)


def test_callback_with_unknown_token_is_404_and_stores_nothing(client, globe_app):
    path = reverse("globe-callback", kwargs={"token": "x" * 43, "kind": "echo"})
    response = client.post(path, {"value": 1}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert CallbackEvent.objects.count() == 0


def test_callback_for_inactive_app_is_404(client, globe_app):
    ProviderApp.objects.filter(pk=globe_app.pk).update(is_active=False)
    response = client.post(url(globe_app), {"value": 1}, content_type="application/json")
    assert response.status_code == 404


def test_callback_for_unknown_kind_is_404(client, globe_app):
    response = client.post(url(globe_app, "nonsense"), {}, content_type="application/json")
    assert response.status_code == 404


def test_callback_is_stored_raw_then_processed(client, globe_app):
    body = json.dumps({"value": "hello", "access_token": "tok-123"})
    response = client.post(
        url(globe_app) + "?access_token=qs-secret", body, content_type="application/json"
    )
    assert response.status_code == 200
    event = CallbackEvent.objects.get()
    assert event.status == CallbackEvent.Status.PROCESSED
    assert event.note == "applied hello"
    assert event.body_text == body
    assert event.query_params["access_token"] == "qs-secret"
    assert event.remote_addr == "127.0.0.1"
    assert event.attempts == 1
    assert EchoHandler.seen == ["hello"]


def test_callback_with_invalid_payload_is_400_naming_the_field_and_kept(client, globe_app):
    response = client.post(url(globe_app), {"other": 1}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"value": ["This field is required."]}
    event = CallbackEvent.objects.get()
    assert event.status == CallbackEvent.Status.REJECTED
    assert json.loads(event.body_text) == {"other": 1}


def test_callback_with_wrong_method_is_405_and_kept(client, globe_app):
    response = client.put(url(globe_app), "x=1", content_type="text/plain")
    assert response.status_code == 405
    assert CallbackEvent.objects.get().status == CallbackEvent.Status.REJECTED


def test_callback_whose_handler_fails_is_500_and_keeps_the_traceback(client, globe_app):
    response = client.post(url(globe_app), {"value": "boom"}, content_type="application/json")
    assert response.status_code == 500
    event = CallbackEvent.objects.get()
    assert event.status == CallbackEvent.Status.FAILED
    assert "handler bug" in event.error
    assert "RuntimeError" in event.traceback


def test_callback_from_address_outside_allow_list_is_403_and_kept(client, globe_app):
    globe_app.allowed_ips = "10.0.0.0/8\n192.168.1.7"
    globe_app.save()
    response = client.post(url(globe_app), {"value": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert CallbackEvent.objects.get().status == CallbackEvent.Status.REJECTED
    assert EchoHandler.seen == []

    response = client.post(
        url(globe_app), {"value": "y"}, content_type="application/json", REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    assert EchoHandler.seen == ["y"]


def test_callback_body_and_query_are_encrypted_at_rest(client, globe_app):
    from django.db import connection

    client.post(
        url(globe_app) + "?access_token=very-secret-token",
        {"value": "v", "access_token": "body-secret-token"},
        content_type="application/json",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT query_string, body FROM telecom_callbackevent")
        query, body = cursor.fetchone()
    assert "very-secret-token" not in query
    assert "body-secret-token" not in body
    assert CallbackEvent.objects.get().json()["access_token"] == "body-secret-token"


def test_rerun_processes_a_stored_callback_again(client, globe_app):
    from telecom.callbacks.service import rerun_callback

    client.post(url(globe_app), {"value": "boom"}, content_type="application/json")
    event = CallbackEvent.objects.get()
    assert event.status == CallbackEvent.Status.FAILED
    EchoHandler.broken = False  # the operator deployed a fix

    outcome = rerun_callback(event)

    event.refresh_from_db()
    assert outcome.status == 200
    assert event.status == CallbackEvent.Status.PROCESSED
    assert event.attempts == 2
    assert EchoHandler.seen == ["boom"]


def test_replay_callbacks_command_reruns_failed_ones(client, globe_app):
    client.post(url(globe_app), {"value": "boom"}, content_type="application/json")
    client.post(url(globe_app), {"value": "ok"}, content_type="application/json")

    out = io.StringIO()
    call_command("replay_callbacks", stdout=out)
    assert "re-ran 1 callback(s): 1 answered 500" in out.getvalue()


def test_callback_too_large_is_413(client, globe_app, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client.post(url(globe_app), {"value": "x" * 500}, content_type="application/json")
    assert response.status_code == 413
