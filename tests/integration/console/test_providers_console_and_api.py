"""Hoiio and the Voicent gateway in the console and the partner API: every
"add" queues through a service (nothing is sent from the web process), the
permissions hold, and each provider's credentials are asked for."""

import base64

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from telecom.models import (
    ConferenceRoom,
    Fax,
    IvrSession,
    ProviderApp,
    VoiceCall,
    VoicentCall,
    VoicentEscalation,
)
from telecom.models.partner import ApiKey
from telecom.roles import OPERATORS, VIEWERS
from tests.support.factories import HoiioAppFactory, PartnerFactory, VoicentAppFactory

pytestmark = pytest.mark.django_db
A, B = "+639171234567", "+639181234567"
PDF = b"%PDF-1.4\n/Type /Page\n%%EOF\n"


def staff(username, group):
    user = User.objects.create_user(username, password="pw-123-XYZ", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def hoiio_app():
    return HoiioAppFactory()


@pytest.fixture
def voicent_app():
    return VoicentAppFactory()


@pytest.fixture
def operator_client(client):
    client.force_login(staff("olive", OPERATORS))
    return client


@pytest.fixture
def viewer_client(client):
    client.force_login(staff("victor", VIEWERS))
    return client


PAGES = [
    "voicecall",
    "conferenceroom",
    "ivrsession",
    "fax",
    "hoiionumber",
    "smsbulk",
    "voicentcall",
    "voicentescalation",
]


@pytest.mark.parametrize("page", PAGES)
def test_operators_see_every_page(operator_client, page):
    assert operator_client.get(reverse(f"admin:telecom_{page}_changelist")).status_code == 200


@pytest.mark.parametrize(
    "page",
    [
        "voicecall",
        "conferenceroom",
        "ivrsession",
        "fax",
        "hoiionumber",
        "voicentcall",
        "voicentescalation",
    ],
)
def test_viewers_cannot_start_anything(viewer_client, page):
    assert viewer_client.get(reverse(f"admin:telecom_{page}_add")).status_code == 403


def test_a_call_back_from_the_console_is_queued(operator_client, hoiio_app):
    response = operator_client.post(
        reverse("admin:telecom_voicecall_add"),
        {"app": hoiio_app.pk, "dest1": "09171234567", "dest2": B},
    )
    assert response.status_code == 302
    call = VoiceCall.objects.get()
    assert (call.status, call.dest1, call.source) == ("queued", A, "admin")


def test_a_conference_and_an_ivr_session_from_the_console(operator_client, hoiio_app):
    operator_client.post(
        reverse("admin:telecom_conferenceroom_add"),
        {"app": hoiio_app.pk, "name": "Ops", "numbers": f"{A}\n{B}"},
    )
    room = ConferenceRoom.objects.get()
    assert room.calls.count() == 2
    page = operator_client.get(reverse("admin:telecom_conferenceroom_change", args=[room.pk]))
    assert b"Call someone into the room" in page.content
    operator_client.post(
        reverse("admin:telecom_conferenceroom_participant", args=[room.pk]),
        {"number": "09191234567"},
    )
    assert room.calls.count() == 3
    response = operator_client.post(
        reverse("admin:telecom_ivrsession_add"),
        {"app": hoiio_app.pk, "dest": A, "greeting": "", "steps": '[{"kind": "nope"}]'},
    )
    assert b"kind must be one of" in response.content and not IvrSession.objects.exists()


def test_a_fax_is_sent_from_the_console_and_its_document_read_back(operator_client, hoiio_app):
    response = operator_client.post(
        reverse("admin:telecom_fax_add"),
        {"app": hoiio_app.pk, "dest": A, "document": SimpleUploadedFile("bill.pdf", PDF)},
    )
    assert response.status_code == 302
    fax = Fax.objects.get()
    assert (fax.status, fax.filename, bytes(fax.document)) == ("queued", "bill.pdf", PDF)
    download = operator_client.get(reverse("admin:telecom_fax_document", args=[fax.pk]))
    assert download.content == PDF and download["Content-Type"] == "application/pdf"


def test_voicent_calls_and_escalations_from_the_console(operator_client, voicent_app):
    operator_client.post(
        reverse("admin:telecom_voicentcall_add"),
        {"app": voicent_app.pk, "to": A, "text": "Hello", "audio_file": ""},
    )
    assert VoicentCall.objects.get().kind == "text"
    operator_client.post(
        reverse("admin:telecom_voicentescalation_add"),
        {
            "app": voicent_app.pk,
            "reason": "Hot",
            "contacts": f"{A}\n{B}",
            "audio_file": r"C:\a.wav",
            "confirm_code": "12",
            "call_list": r"C:\lists\{number}.voc",
            "rounds": 1,
            "attempt_timeout": 60,
        },
    )
    escalation = VoicentEscalation.objects.get()
    [attempt] = escalation.calls.all()
    assert attempt.call_list == r"C:\lists\639171234567.voc"


def test_a_service_error_lands_on_its_field(operator_client, voicent_app):
    response = operator_client.post(
        reverse("admin:telecom_voicentcall_add"),
        {"app": voicent_app.pk, "to": A, "text": "", "audio_file": ""},
    )
    assert b"give either text or an audio file" in response.content
    assert not VoicentCall.objects.exists()


@pytest.mark.parametrize(
    ("provider", "missing"),
    [("hoiio", "A Hoiio app needs this."), ("voicent", "A Voicent gateway app needs this.")],
)
def test_each_provider_asks_for_its_own_credentials(admin_client, provider, missing):
    response = admin_client.post(
        reverse("admin:telecom_providerapp_add"),
        {
            "name": "New",
            "provider": provider,
            "allowed_ips": "",
            "is_active": "on",
            "sms_per_second": 20,
        },
    )
    assert missing in response.content.decode()
    assert not ProviderApp.objects.exists()


def test_a_hoiio_app_keeps_its_access_token_secret(admin_client):
    admin_client.post(
        reverse("admin:telecom_providerapp_add"),
        {
            "name": "Hoiio",
            "provider": "hoiio",
            "app_id": "AP-1",
            "access_token": "very-secret-token-0123456789",
            "allowed_ips": "",
            "is_active": "on",
            "sms_per_second": 20,
        },
    )
    app = ProviderApp.objects.get()
    assert app.access_token.reveal() == "very-secret-token-0123456789"
    page = admin_client.get(reverse("admin:telecom_providerapp_change", args=[app.pk]))
    assert b"very-secret-token" not in page.content
    assert app.callback_uri("sms").encode() in page.content


# --- the partner API ---------------------------------------------------------------------


def api(app, scopes):
    partner = PartnerFactory()
    partner.apps.add(app)
    _, key = ApiKey.generate(partner=partner, scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def post(client, path, body, key="k-1"):
    return client.post(f"/api/v1/{path}", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_calls_conferences_and_ivr_through_the_api(hoiio_app):
    client = api(hoiio_app, ["calls"])
    response = post(client, "hoiio/calls/", {"dest1": A, "dest2": B})
    assert response.status_code == 201 and response.json()["status"] == "queued"
    assert post(client, "hoiio/calls/", {"dest1": A, "dest2": B}).status_code == 201  # replayed
    assert VoiceCall.objects.count() == 1
    room = post(client, "hoiio/conferences/", {"numbers": [A, B], "name": "Ops"}, key="k-2").json()
    assert len(room["participants"]) == 2
    added = post(
        client,
        f"hoiio/conferences/{room['id']}/participants/",
        {"number": "09191234567"},
        key="k-3",
    )
    assert added.status_code == 201
    session = post(
        client, "hoiio/ivr/", {"dest": A, "steps": [{"kind": "play", "msg": "Hi"}]}, key="k-4"
    )
    assert [s for s in session.json()["steps"]] == []
    assert IvrSession.objects.get().plan[-1] == {"kind": "hangup"}
    listed = client.get("/api/v1/hoiio/calls/").json()
    assert len(listed["results"]) == 4  # the call-back and three participants


def test_a_globe_app_cannot_place_hoiio_calls(globe_app):
    response = post(api(globe_app, ["calls"]), "hoiio/calls/", {"dest1": A, "dest2": B})
    assert response.status_code == 400
    assert "not a Hoiio app" in response.json()["error"]["message"]


def test_faxes_through_the_api(hoiio_app):
    client = api(hoiio_app, ["fax"])
    response = post(client, "hoiio/faxes/", {"dest": A, "document": base64.b64encode(PDF).decode()})
    assert response.status_code == 201 and response.json()["document_bytes"] == len(PDF)
    fax_id = response.json()["id"]
    assert client.get(f"/api/v1/hoiio/faxes/{fax_id}/document/").content == PDF
    bad = post(client, "hoiio/faxes/", {"dest": A, "document": "%%%"}, key="k-2")
    assert bad.status_code == 400 and "document" in bad.json()["error"]["fields"]


def test_the_fax_scope_is_needed_for_faxes(hoiio_app):
    assert api(hoiio_app, ["calls"]).get("/api/v1/hoiio/faxes/").status_code == 403


def test_voicent_calls_and_escalations_through_the_api(voicent_app):
    client = api(voicent_app, ["calls"])
    call = post(client, "voicent/calls/", {"to": A, "text": "Hello", "remove_when_done": True})
    assert call.status_code == 201 and call.json()["kind"] == "text"
    escalation = post(
        client,
        "voicent/escalations/",
        {
            "reason": "Hot",
            "contacts": [A, B],
            "audio_file": r"C:\a.wav",
            "confirm_code": "12",
            "call_list": r"C:\lists\{number}.voc",
        },
        key="k-2",
    ).json()
    assert escalation["status"] == "running" and len(escalation["attempts"]) == 1
    cancelled = post(client, f"voicent/escalations/{escalation['id']}/cancel/", {}, key="k-3")
    assert cancelled.json()["status"] == "cancelled"


def test_hanging_up_a_hoiio_call_answers_the_call_as_it_now_is(hoiio_app):
    client = api(hoiio_app, ["calls"])
    call = post(client, "hoiio/calls/", {"dest1": A, "dest2": B}).json()
    VoiceCall.objects.filter(pk=call["id"]).update(status=VoiceCall.Status.ONGOING)

    hung_up = post(client, f"hoiio/calls/{call['id']}/hangup/", {}, key="k-2")

    assert hung_up.status_code == 200
    assert hung_up.json() == client.get(f"/api/v1/hoiio/calls/{call['id']}/").json()
    assert hung_up.json()["status"] == "ongoing"
    assert VoiceCall.objects.get(pk=call["id"]).hangup_requested_at is not None
    other = api(HoiioAppFactory(), ["calls"])
    assert post(other, f"hoiio/calls/{call['id']}/hangup/", {}).status_code == 404


def test_removing_a_voicent_call_is_accepted_and_answers_the_call(voicent_app):
    client = api(voicent_app, ["calls"])
    call = post(client, "voicent/calls/", {"to": A, "text": "Hello"}).json()
    VoicentCall.objects.filter(pk=call["id"]).update(req_id="req-1")

    removed = post(client, f"voicent/calls/{call['id']}/remove/", {}, key="k-2")

    assert removed.status_code == 202
    assert removed.json() == client.get(f"/api/v1/voicent/calls/{call['id']}/").json()
    assert removed.json()["req_id"] == "req-1"


def test_compose_shows_hoiios_rate_before_sending(operator_client, sandbox, hoiio_app, globe_app):
    sandbox.hoiio_account(hoiio_app.app_id, access_token=hoiio_app.access_token.reveal())
    url = reverse("admin:telecom_message_rate")
    rate = operator_client.get(
        url, {"app": hoiio_app.pk, "to": f"09171234567, {B}", "text": "x" * 200}
    )
    assert rate.json() == {
        "currency": "SGD",
        "rate": "0.05",
        "split_count": 2,
        "total_cost": "0.10",
        "is_unicode": False,
    }
    assert operator_client.get(url, {"app": globe_app.pk, "to": A, "text": "x"}).json() == {}
    assert url.encode() in operator_client.get(reverse("admin:telecom_message_compose")).content


def test_an_unknown_call_is_settled_by_an_operator_then_placed_again(operator_client, hoiio_app):
    call = VoiceCall.objects.create(
        app=hoiio_app,
        kind="callback",
        dest1=A,
        dest2=B,
        tag="c-unknown",
        status="unknown",
        submitted_at="2024-01-01T00:00:00Z",
    )
    changelist = reverse("admin:telecom_voicecall_changelist")
    operator_client.post(changelist, {"action": "settle_failed", "_selected_action": [call.pk]})
    call.refresh_from_db()
    assert call.status == "failed" and call.last_error == "resolved by olive"
    operator_client.post(changelist, {"action": "retry", "_selected_action": [call.pk]})
    call.refresh_from_db()
    assert (call.status, call.submitted_at) == ("queued", None)


def test_viewers_cannot_settle_or_retry(viewer_client, hoiio_app):
    call = VoiceCall.objects.create(
        app=hoiio_app, kind="callback", dest1=A, dest2=B, tag="c-u2", status="unknown"
    )
    changelist = reverse("admin:telecom_voicecall_changelist")
    viewer_client.post(changelist, {"action": "settle_failed", "_selected_action": [call.pk]})
    call.refresh_from_db()
    assert call.status == "unknown"
