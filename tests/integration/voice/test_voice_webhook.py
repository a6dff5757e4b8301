"""The voice webhook: sessions and results in, Tropo JSON out, each request
kept raw and applied once."""

import json

import pytest
from django.urls import reverse

from telecom.callbacks.service import rerun_callback
from telecom.models import CallbackEvent, Message
from tests.support.factories import HoiioAppFactory
from tests.support.tropo_fixtures import payload_bytes
from tests.support.voice_flows import answer, result_body, session_body
from voiceflows.models import CallExchange, CallSession
from voiceflows.tropo import load

pytestmark = pytest.mark.django_db

SESSION = "89c5f45de96f8ac16aac3b57387423fb"


def voice_path(app, flow=None, step=None, on=None) -> str:
    token = app.callback_token.reveal()
    if step:
        path = reverse("voice-step", kwargs={"token": token, "flow": flow, "step": step})
    elif flow:
        path = reverse("voice-flow", kwargs={"token": token, "flow": flow})
    else:
        path = reverse("voice-app", kwargs={"token": token})
    return path + (f"?on={on}" if on else "")


def post(client, path, body):
    raw = body if isinstance(body, bytes | str) else json.dumps(body)
    response = client.post(path, raw, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    load(document)  # a valid Tropo document, whatever happened
    return document["tropo"]


def verbs(document) -> list[str]:
    return [next(iter(item)) for item in document]


def handler(document, event) -> str:
    return next(item["on"]["next"] for item in document if item.get("on", {}).get("event") == event)


def says(document) -> list[str]:
    return [item["say"]["value"] for item in document if "say" in item]


def test_voice_uri_answers_an_incoming_call_with_the_default_flow(client, globe_app, menu_flow):
    document = post(client, voice_path(globe_app), payload_bytes("session_inbound_call"))

    assert verbs(document) == ["say", "ask", "on", "on", "on"]
    assert handler(document, "hangup").endswith("/menu/menu/?on=hangup")
    assert says(document) == ["Hello. Thank you for calling."]
    ask = document[1]["ask"]
    assert ask["name"] == "choice" and ask["choices"] == {"value": "1, 2", "mode": "dtmf"}
    assert handler(document, "continue").endswith("/menu/menu/?on=continue")
    assert handler(document, "incomplete").endswith("/menu/menu/?on=incomplete")
    session = CallSession.objects.get(session_id=SESSION)
    assert session.direction == "inbound" and session.status == "active"
    assert session.msisdn == "+639171234567" and session.callee == "21581029"
    assert session.awaiting == ["greet", "menu"]
    event = CallbackEvent.objects.get(kind="voice")
    assert event.status == "processed" and "started" in event.note
    assert globe_app.callback_token.reveal() not in json.dumps(event.headers)
    assert event.route == "/voice/…/" and "Path" not in event.headers


def test_voice_request_is_stored_with_its_route_and_no_token(client, globe_app, menu_flow):
    post(client, voice_path(globe_app), session_body(SESSION))
    post(client, voice_path(globe_app, "menu", "menu", on="continue"), result_body(SESSION, 1))

    event = CallbackEvent.objects.filter(kind="voice").order_by("pk").last()
    assert event.route == "/voice/…/menu/menu/"
    assert globe_app.callback_token.reveal() not in event.route
    assert "Path" not in event.headers


def test_voice_event_from_before_the_route_field_is_moved_out_of_its_headers(globe_app):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("telecom.migrations.0015_callbackevent_route")
    event = CallbackEvent.objects.create(
        app=globe_app,
        kind="voice",
        method="POST",
        headers={"Content-Type": "application/json", "Path": "/voice/…/menu/menu/"},
    )

    migration.move_route_out_of_headers(apps, None)

    event.refresh_from_db()
    assert event.route == "/voice/…/menu/menu/"
    assert event.headers == {"Content-Type": "application/json"}


def test_answer_branches_keeps_the_variable_and_acts_once(client, globe_app, menu_flow):
    post(client, voice_path(globe_app), session_body(SESSION))
    path = voice_path(globe_app, "menu", "menu", on="continue")
    body = result_body(SESSION, 1, answer("choice", "1"))

    document = post(client, path, body)

    assert says(document) == ["You pressed 1. A text with the promo is on its way.", "Goodbye."]
    assert verbs(document) == ["say", "say", "hangup"]
    session = CallSession.objects.get(session_id=SESSION)
    assert session.variables["choice"] == "1"
    assert session.status == "completed" and session.end_reason == "the flow ended at end"
    assert Message.objects.filter(source="flow", msisdn="+639171234567").count() == 1

    repeated = post(client, path, body)

    assert repeated == document
    assert Message.objects.filter(source="flow").count() == 1
    assert session.exchanges.count() == 2


def test_timeout_route_says_its_words_on_the_way(client, globe_app, menu_flow):
    post(client, voice_path(globe_app), session_body(SESSION))
    body = result_body(SESSION, 1, answer("choice", "", disposition="TIMEOUT", attempts=2))

    document = post(client, voice_path(globe_app, "menu", "menu", on="incomplete"), body)

    assert says(document) == ["We did not hear you.", "Goodbye."]
    assert CallExchange.objects.get(sequence=2).disposition == "TIMEOUT"


def test_record_result_keeps_the_recording_and_goes_on_to_the_transfer(
    client, globe_app, menu_flow
):
    post(client, voice_path(globe_app), session_body(SESSION))
    post(
        client,
        voice_path(globe_app, "menu", "menu", on="continue"),
        result_body(SESSION, 1, answer("choice", "2")),
    )
    recording = "https://recordings.example.com/upload/89c5f45de96f8ac16aac3b57387423fb.wav"
    action = {**answer("voicemail", "#"), "value": recording, "uploadStatus": "success"}

    document = post(client, voice_path(globe_app, "menu", "agent"), result_body(SESSION, 2, action))

    assert verbs(document) == ["transfer", "on"]
    assert document[0]["transfer"]["to"] == "9171112222"
    session = CallSession.objects.get(session_id=SESSION)
    assert session.variables["voicemail"] == recording
    assert session.exchanges.get(sequence=3).recording_url == recording


def test_hangup_ends_the_session(client, globe_app, menu_flow):
    post(client, voice_path(globe_app), session_body(SESSION))

    document = post(
        client, voice_path(globe_app, "menu", "menu", on="hangup"), payload_bytes("result_hangup")
    )

    assert verbs(document) == ["hangup"]
    session = CallSession.objects.get(session_id=SESSION)
    assert session.status == "hung_up" and session.ended_at is not None


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"result": {"callId": "x"}}',
        b'{"result": {"sessionId": "x", "actions": "a string"}}',
        b'{"tropo": []}',
        b"",
        # Found by the property test: JSON PostgreSQL cannot store.
        b'{"result": {"sessionId": "x", "sequence": NaN}}',
        b'{"result": {"sessionId": "x\\u0000"}}',
    ],
)
def test_malformed_request_is_a_spoken_error_and_a_hangup(client, globe_app, menu_flow, body):
    document = post(client, voice_path(globe_app, "menu", "menu"), body)

    assert verbs(document) == ["say", "hangup"]
    assert says(document) == [menu_flow.app.voice_settings.error_message]
    assert CallbackEvent.objects.get(kind="voice").status == "rejected"


def test_unknown_step_ends_the_call_with_the_error_message(client, globe_app, menu_flow):
    post(client, voice_path(globe_app), session_body(SESSION))

    document = post(client, voice_path(globe_app, "menu", "nowhere"), result_body(SESSION, 1))

    assert verbs(document) == ["say", "hangup"]
    session = CallSession.objects.get(session_id=SESSION)
    assert session.status == "error" and "nowhere" in session.end_reason


def test_result_for_an_unknown_call_is_refused_politely(client, globe_app, menu_flow):
    document = post(client, voice_path(globe_app, "menu", "menu"), result_body("nobody", 1))
    assert verbs(document) == ["say", "hangup"]
    assert not CallSession.objects.exists()


def test_unknown_token_is_a_404_and_stores_nothing(client, globe_app):
    response = client.post("/voice/not-a-token-at-all-0123456789/", b"{}", "application/json")
    assert response.status_code == 404
    assert not CallbackEvent.objects.exists()


def test_token_of_a_hoiio_app_is_a_404_at_the_voice_uri(client):
    # Hoiio's own "voice" notifications go to /callbacks/hoiio/<token>/voice/.
    hoiio_app = HoiioAppFactory()
    response = client.post(voice_path(hoiio_app), b'{"session": {}}', "application/json")
    assert response.status_code == 404
    assert not CallbackEvent.objects.exists()


def test_call_without_a_flow_hears_the_error_message(client, globe_app):
    document = post(client, voice_path(globe_app), session_body(SESSION))
    assert verbs(document) == ["say", "hangup"]
    assert CallSession.objects.get().status == "error"


def test_address_outside_the_allow_list_is_refused_with_tropo_json(client, globe_app, menu_flow):
    globe_app.allowed_ips = "10.9.0.0/16"
    globe_app.save()
    document = post(client, voice_path(globe_app), session_body(SESSION))
    assert verbs(document) == ["say", "hangup"]
    assert CallbackEvent.objects.get().status == "rejected"
    assert not CallSession.objects.exists()


def test_latin1_body_is_read_as_the_reference_says(client, globe_app, menu_flow):
    body = json.dumps(session_body(SESSION, caller="9171234567")).replace(
        '"headers": {}', '"headers": {"x-name": "Jos\\u00e9"}'
    )
    raw = json.loads(body)
    raw_bytes = json.dumps(raw, ensure_ascii=False).encode("latin-1")

    document = post(client, voice_path(globe_app), raw_bytes)

    assert verbs(document)[:2] == ["say", "ask"]
    assert "José" in CallbackEvent.objects.get().body_text


def test_rerunning_a_stored_request_answers_the_same_and_applies_nothing(
    client, globe_app, menu_flow
):
    post(client, voice_path(globe_app), session_body(SESSION))
    document = post(
        client,
        voice_path(globe_app, "menu", "menu", on="continue"),
        result_body(SESSION, 1, answer("choice", "1")),
    )
    event = CallbackEvent.objects.filter(kind="voice").order_by("pk").last()

    outcome = rerun_callback(event)

    assert json.loads(outcome.response.content)["tropo"] == document
    assert Message.objects.count() == 1
    assert CallbackEvent.objects.get(pk=event.pk).attempts == 2


def test_abandon_ends_the_call_of_a_request_that_could_not_be_processed(
    client, globe_app, menu_flow
):
    from voiceflows.services.calls import abandon

    post(client, voice_path(globe_app), session_body(SESSION))
    body = json.dumps(result_body(SESSION, 1)).encode()

    assert abandon(globe_app, body, "the database went away")

    session = CallSession.objects.get(session_id=SESSION)
    assert (session.status, session.end_reason) == ("error", "the database went away")
    assert not abandon(globe_app, body, "again")  # already over
    assert not abandon(globe_app, b"not json", "x")
    assert not abandon(globe_app, b'{"result": {"sessionId": 5}}', "x")


def test_a_route_to_another_flows_url_moves_the_call_to_that_flow(client, globe_app, menu_flow):
    from voiceflows.services.flows import import_flow

    import_flow(
        app=globe_app,
        data={
            "slug": "survey",
            "name": "Survey",
            "steps": [
                {
                    "key": "thanks",
                    "verb": "say",
                    "options": {"value": "Thanks, {choice}."},
                    "action": "tag",
                    "action_tag": "surveyed",
                }
            ],
        },
    )
    post(client, voice_path(globe_app), session_body(SESSION))
    body = result_body(SESSION, 1, answer("choice", "1"))

    document = post(client, voice_path(globe_app, "survey", "thanks"), body)

    assert says(document) == ["Thanks, 1."]
    session = CallSession.objects.get(session_id=SESSION)
    assert session.flow.slug == "survey" and session.status == "completed"
    assert session.subscriber.tags.filter(name="surveyed").exists()
