"""`send_sms`: validation, the clientCorrelator fixed at birth, publish on commit,
and subscribers who cannot be reached failing before any call."""

import pytest

from subscribers.services.consent import subscriber_unsubscribe
from telecom.errors import ServiceError
from telecom.models import Message
from telecom.services.messaging import BinaryPayload, send_sms
from telecom.sms_length import measure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "encoding", "characters", "parts"),
    [
        ("Hello World", "GSM-7", 11, 1),
        ("x" * 160, "GSM-7", 160, 1),
        ("x" * 161, "GSM-7", 161, 2),
        ("€" * 80, "GSM-7", 160, 1),  # extension characters count twice
        ("Salamat po 🙏", "UCS-2", 13, 1),
        ("ñ" * 70, "GSM-7", 70, 1),
        ("ą" * 71, "UCS-2", 71, 2),
    ],
)
def test_measure_counts_characters_parts_and_encoding(text, encoding, characters, parts):
    length = measure(text)
    assert (length.encoding, length.characters, length.parts) == (encoding, characters, parts)


def test_send_sms_queues_with_a_fixed_correlator_and_publishes_on_commit(
    globe_app, subscribe, django_capture_on_commit_callbacks
):
    subscribe("+639171234567")
    with django_capture_on_commit_callbacks() as callbacks:
        message = send_sms(app=globe_app, to="0917 123 4567", text="Hello")
    assert message.status == Message.Status.QUEUED
    assert message.msisdn == "+639171234567"
    assert len(message.client_correlator) >= 16
    assert (message.encoding, message.parts) == ("GSM-7", 1)
    assert len(callbacks) == 1  # the delivery task, published only after commit


def test_correlators_are_unique(globe_app, subscribe):
    subscribe("+639171234567")
    correlators = {
        send_sms(app=globe_app, to="09171234567", text="x").client_correlator for _ in range(50)
    }
    assert len(correlators) == 50


def test_unsubscribed_subscriber_fails_before_any_call(
    globe_app, subscribe, django_capture_on_commit_callbacks
):
    subscribe("+639171234567")
    subscriber_unsubscribe(app=globe_app, msisdn="+639171234567", token=None)
    with django_capture_on_commit_callbacks() as callbacks:
        message = send_sms(app=globe_app, to="09171234567", text="Hello")
    assert message.status == Message.Status.FAILED
    assert message.last_error == "the subscriber has unsubscribed"
    assert callbacks == []


def test_number_without_consent_fails_with_that_reason(globe_app):
    message = send_sms(app=globe_app, to="09181234567", text="Hello")
    assert message.status == Message.Status.FAILED
    assert "no live access token" in message.last_error


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"to": "12", "text": "x"}, "to"),
        ({"to": "09171234567", "text": "   "}, "text"),
        ({"to": "09171234567", "text": "x" * 2000}, "text"),
        ({"to": "09171234567", "binary": BinaryPayload("m", "0605", 4)}, "user_data_header"),
        ({"to": "09171234567", "binary": BinaryPayload("m", "ZZ", 4)}, "user_data_header"),
        (
            {"to": "09171234567", "binary": BinaryPayload("m", "06050423F423F4", 2)},
            "data_coding_scheme",
        ),
        ({"to": "09171234567", "binary": BinaryPayload("", "06050423F423F4", 4)}, "message"),
    ],
)
def test_send_sms_refuses_bad_input_naming_the_field(globe_app, kwargs, field):
    with pytest.raises(ServiceError) as caught:
        send_sms(app=globe_app, **kwargs)
    assert caught.value.field == field
    assert not Message.objects.exists()


def test_binary_sms_is_queued_with_its_header_and_scheme(globe_app, subscribe):
    subscribe("+639171234567")
    message = send_sms(
        app=globe_app,
        to="09171234567",
        binary=BinaryPayload("samplebinarymessage", "06050423F423F4", 4),
    )
    assert message.is_binary and message.status == Message.Status.QUEUED
    assert (message.user_data_header, message.data_coding_scheme) == ("06050423F423F4", 4)


def test_unsubscribe_cancels_queued_messages_with_the_reason(globe_app, subscribe):
    subscribe("+639171234567")
    message = send_sms(app=globe_app, to="09171234567", text="Hello")
    subscriber_unsubscribe(app=globe_app, msisdn="+639171234567", token=None)
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED
    assert message.last_error == "the subscriber unsubscribed"


def test_inactive_app_cannot_send(globe_app, subscribe):
    subscribe("+639171234567")
    globe_app.is_active = False
    globe_app.save()
    with pytest.raises(ServiceError, match="inactive"):
        send_sms(app=globe_app, to="09171234567", text="x")
