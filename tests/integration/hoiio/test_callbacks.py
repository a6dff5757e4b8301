"""Hoiio's notifications at /callbacks/hoiio/<token>/<kind>/: stored raw first,
applied once, bad input a 400 naming the field, nothing ever a 500."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subscribers.models import Subscriber
from telecom.models import CallbackEvent, Fax, IvrSession, Message, VoiceCall
from tests.support.factories import HoiioAppFactory

pytestmark = pytest.mark.django_db
A = "+639171234567"
KINDS = ("sms", "sms-in", "voice", "ivr", "fax", "fax-in")


@pytest.fixture
def app():
    return HoiioAppFactory()


def post(client, app, kind, fields: dict):
    return client.post(
        app.callback_path(kind),
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )


@pytest.fixture
def sent(app):
    subscriber = Subscriber.objects.create(app=app, msisdn=A)
    return Message.objects.create(
        app=app,
        subscriber=subscriber,
        msisdn=A,
        direction=Message.Direction.OUT,
        status=Message.Status.SENT,
        source=Message.Source.API,
        text="hi",
        client_correlator="corr-1",
        txn_ref="AA-S-1",
    )


def test_a_delivery_report_is_stored_raw_and_applied_once(client, app, sent):
    fields = {
        "txn_ref": "AA-S-1",
        "tag": "corr-1",
        "dest": A,
        "sms_status": "delivered",
        "date": "2024-01-31 12:06:15",
    }
    assert post(client, app, "sms", fields).status_code == 200
    sent.refresh_from_db()
    assert sent.delivery_status == "delivered" and sent.delivered_at is not None
    assert post(client, app, "sms", fields).status_code == 200
    first, second = CallbackEvent.objects.order_by("pk")
    assert first.status == second.status == CallbackEvent.Status.PROCESSED
    assert "nothing new" in second.note
    assert first.body_text == urlencode(fields)


def test_a_late_queued_report_never_undoes_delivered(client, app, sent):
    post(client, app, "sms", {"txn_ref": "AA-S-1", "sms_status": "delivered"})
    post(client, app, "sms", {"txn_ref": "AA-S-1", "sms_status": "queued"})
    sent.refresh_from_db()
    assert sent.delivery_status == "delivered"


def test_a_report_proves_an_unknown_message_was_sent(client, app, sent):
    Message.objects.filter(pk=sent.pk).update(status=Message.Status.UNKNOWN, txn_ref="")
    post(client, app, "sms", {"txn_ref": "AA-S-9", "tag": "corr-1", "sms_status": "queued"})
    sent.refresh_from_db()
    assert (sent.status, sent.txn_ref) == (Message.Status.SENT, "AA-S-9")


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("sms", {"txn_ref": "AA-S-1"}, "sms_status"),
        ("sms", {"sms_status": "delivered"}, "txn_ref"),
        ("sms", {"txn_ref": "x", "sms_status": "teleported"}, "sms_status"),
        ("sms-in", {"txn_ref": "AA-S-2", "msg": "hi"}, "from"),
        ("voice", {"txn_ref": "AA-C-1"}, "call_status_dest1"),
        ("ivr", {"call_state": "ongoing"}, "session"),
        ("ivr", {"session": "S1", "call_state": "ongoing", "digits": "12a"}, "digits"),
        ("fax", {"txn_ref": "AA-F-1", "fax_status": "answered", "fax_url": "ftp://x"}, "fax_url"),
        ("fax-in", {"txn_ref": "AA-F-2", "dest": A}, "fax_url"),
    ],
)
def test_bad_fields_are_a_400_naming_the_field_and_kept_rejected(client, app, kind, fields, field):
    response = post(client, app, kind, fields)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert CallbackEvent.objects.get().status == CallbackEvent.Status.REJECTED


def test_an_sms_to_the_apps_number_is_stored_once(client, app):
    fields = {"txn_ref": "AA-S-7", "from": A, "to": "+6531591000", "msg": "HELP"}
    post(client, app, "sms-in", fields)
    post(client, app, "sms-in", fields)
    message = Message.objects.get(direction=Message.Direction.IN)
    assert (message.msisdn, message.text) == (A, "HELP")


def test_a_received_fax_is_stored_once_and_its_fetch_queued(client, app):
    fields = {
        "txn_ref": "AA-F-7",
        "src": A,
        "dest": "+6531591000",
        "fax_pages": "2",
        "fax_url": "http://127.0.0.1:9/hoiio/files/x.pdf",
        "fax_status": "answered",
    }
    post(client, app, "fax-in", fields)
    post(client, app, "fax-in", fields)
    fax = Fax.objects.get()
    assert (fax.direction, fax.status, fax.pages, fax.src) == ("in", "queued", 2, A)
    assert "duplicate" in CallbackEvent.objects.order_by("pk").last().note


def test_a_call_report_for_a_finished_call_never_reopens_it(client, app):
    call = VoiceCall.objects.create(
        app=app, kind="callback", dest1=A, dest2=A, tag="c1", txn_ref="AA-C-1", status="answered"
    )
    post(
        client,
        app,
        "voice",
        {"txn_ref": "AA-C-1", "call_status_dest1": "ongoing", "call_status_dest2": "ongoing"},
    )
    call.refresh_from_db()
    assert call.status == "answered"


def test_an_ivr_event_for_no_session_is_noted(client, app):
    response = post(client, app, "ivr", {"session": "S404", "call_state": "ongoing"})
    assert response.status_code == 200
    assert "no session matches" in CallbackEvent.objects.get().note
    assert not IvrSession.objects.exists()


def test_a_call_ringing_on_a_number_opens_an_inbound_session(client, app):
    fields = {"session": "S405", "call_state": "ringing", "from": A, "to": "+6531591000"}
    assert post(client, app, "ivr", fields).status_code == 200
    post(client, app, "ivr", fields)
    session = IvrSession.objects.get()
    assert (session.direction, session.dest, session.status) == ("in", A, "running")


def test_only_post_is_accepted(client, app):
    assert client.get(app.callback_path("sms")).status_code == 405


def test_an_unknown_token_or_kind_is_a_404_that_stores_nothing(client, app):
    assert client.post("/callbacks/hoiio/" + "x" * 43 + "/sms/").status_code == 404
    assert client.post(app.callback_path("sms").replace("/sms/", "/notify/")).status_code == 404
    assert not CallbackEvent.objects.exists()


def test_a_token_answers_only_under_its_own_provider(client, app, globe_app):
    hoiio_token = app.callback_token.reveal()
    assert client.post(f"/callbacks/globe/{hoiio_token}/notify/").status_code == 404
    globe_token = globe_app.callback_token.reveal()
    assert client.post(f"/callbacks/hoiio/{globe_token}/sms/").status_code == 404
    assert not CallbackEvent.objects.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(KINDS),
    fields=st.dictionaries(
        st.sampled_from(
            [
                "txn_ref",
                "tag",
                "dest",
                "sms_status",
                "from",
                "to",
                "msg",
                "session",
                "call_state",
                "digits",
                "record_url",
                "call_status_dest1",
                "fax_status",
                "fax_url",
                "fax_pages",
                "debit",
                "duration",
                "date",
                "x",
            ]
        ),
        st.text(max_size=30),
        max_size=8,
    ),
)
def test_any_form_is_answered_200_or_400_and_stored(client, app, kind, fields):
    before = CallbackEvent.objects.count()
    response = post(client, app, kind, fields)
    assert response.status_code in (200, 400)
    assert CallbackEvent.objects.count() == before + 1
    event = CallbackEvent.objects.order_by("pk").last()
    assert event.status in (CallbackEvent.Status.PROCESSED, CallbackEvent.Status.REJECTED)
