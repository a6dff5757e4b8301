"""Sending SMS: `send_sms` is the one entry point for every outbound message.

It validates, creates the `Message` (queued, its clientCorrelator fixed now)
in the caller's transaction, and enqueues delivery on commit. A subscriber
who cannot be reached (unsubscribed; on Globe Labs, no live token) gets a
message that fails at once with that reason, before any call, so the record
is complete; on Hoiio, where the opt-out is Hatid's own, an operator's or a
partner's send to an opted-out number is refused instead (a ServiceError on
`to`). The one message an opted-out number still gets is the confirmation of
its opt-out (`consent_notice`). Whichever provider the app belongs to carries the message
(`telecom.services.sms_channels`).
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from subscribers.models import Subscriber
from telecom import outbox
from telecom.errors import ServiceError
from telecom.models import Message, ProviderApp
from telecom.models.message import new_client_correlator
from telecom.models.message_template import MessageTemplate
from telecom.services import checks
from telecom.services.message_templates import check_given, fill_for
from telecom.services.sms_channels import sms_channel
from telecom.sms_length import measure

DATA_CODING_SCHEMES = {
    0: "SMSC default",
    1: "IA5/ASCII",
    3: "Latin 1",
    4: "8-bit binary",
    8: "UCS2",
}
# Who is told "no" rather than handed a failed row: a person who asked to send.
REFUSED_SOURCES = frozenset({Message.Source.API, Message.Source.ADMIN})
_HEX = re.compile(r"^(?:[0-9A-Fa-f]{2})+$")


@dataclass(frozen=True)
class BinaryPayload:
    message: str
    user_data_header: str
    data_coding_scheme: int


def resolve_subscriber(app: ProviderApp, to) -> Subscriber:
    if isinstance(to, Subscriber):
        if to.app_id != app.pk:
            raise ServiceError("this subscriber belongs to another app", field="to")
        return to
    number = checks.number(to, "to")
    subscriber, _ = Subscriber.objects.get_or_create(app=app, msisdn=number)
    return subscriber


def validate_text(text: str) -> None:
    if not isinstance(text, str) or not text.strip():
        raise ServiceError("the message is empty", field="text")
    length = measure(text)
    if length.parts > settings.SMS_MAX_PARTS:
        raise ServiceError(
            f"the message is {length.characters} {length.encoding} characters, "
            f"{length.parts} parts; at most {settings.SMS_MAX_PARTS} parts "
            f"({settings.SMS_MAX_PARTS * length.per_part} characters) are allowed",
            field="text",
        )


def validate_binary(binary: BinaryPayload) -> None:
    if binary.data_coding_scheme not in DATA_CODING_SCHEMES:
        raise ServiceError(
            f"data coding scheme must be one of {sorted(DATA_CODING_SCHEMES)}",
            field="data_coding_scheme",
        )
    udh = binary.user_data_header
    if not _HEX.match(udh or ""):
        raise ServiceError(
            "the user data header must be hexadecimal bytes", field="user_data_header"
        )
    if int(udh[:2], 16) != len(udh) // 2 - 1:
        raise ServiceError(
            "the user data header's first byte must be its length", field="user_data_header"
        )
    if not binary.message:
        raise ServiceError("the binary message is empty", field="message")
    if len(binary.message) > 1000:
        raise ServiceError("the binary message is too long", field="message")


@transaction.atomic
def send_sms(
    *,
    app: ProviderApp,
    to,
    text: str = "",
    binary: BinaryPayload | None = None,
    template: MessageTemplate | None = None,
    variables: dict | None = None,
    source: str = Message.Source.API,
    partner=None,
    consent_notice: bool = False,
) -> Message:
    """Queue one SMS (text, a template filled for the subscriber, or binary) to a
    subscriber or a number of this app. `variables`: a template's values for
    this message, before the subscriber's attributes and its defaults.

    `consent_notice`: the confirmation of an opt-out or opt-in, sent whatever
    the subscriber's status."""
    if not app.is_active:
        raise ServiceError(f"the app {app} is inactive", field="app")
    channel = sms_channel(app)
    if binary is not None and not channel.supports_binary:
        raise ServiceError(f"{app.get_provider_display()} does not send binary SMS", field="binary")
    if template is not None and template.app_id != app.pk:
        raise ServiceError(f"the template {template} belongs to another app", field="template")
    if binary is not None:
        validate_binary(binary)
        length = measure(binary.message)
    elif template is None:
        validate_text(text)
        length = measure(text)
    subscriber = resolve_subscriber(app, to)
    if template is not None and binary is None:
        text = fill_for(template, subscriber, check_given(template, variables))
        try:
            validate_text(text)
        except ServiceError as exc:
            raise ServiceError(f"filled for {subscriber.msisdn}, {exc}", field="template") from None
        length = measure(text)
    reason = "" if consent_notice else channel.unreachable_reason(subscriber)
    if reason and channel.refuses_unsubscribed and source in REFUSED_SOURCES:
        raise ServiceError(
            f"{subscriber.msisdn} has unsubscribed from {app} (STOP, or an operator); "
            "it is not texted until it subscribes again",
            field="to",
            code="unsubscribed",
        )
    message = Message.objects.create(
        app=app,
        subscriber=subscriber,
        msisdn=subscriber.msisdn,
        direction=Message.Direction.OUT,
        status=Message.Status.FAILED if reason else Message.Status.QUEUED,
        source=source,
        text=binary.message if binary else text,
        encoding=length.encoding,
        parts=length.parts,
        user_data_header=binary.user_data_header if binary else "",
        data_coding_scheme=binary.data_coding_scheme if binary else None,
        client_correlator=new_client_correlator(),
        partner=partner,
        last_error=reason,
        finished_at=timezone.now() if reason else None,
    )
    if not reason:
        outbox.enqueue_on_commit(Message, [message.pk])
    return message


@transaction.atomic
def cancel_messages(ids, reason: str = "cancelled by an operator") -> int:
    return Message.objects.filter(
        pk__in=list(ids), direction=Message.Direction.OUT, status=Message.Status.QUEUED
    ).update(status=Message.Status.CANCELLED, last_error=reason, finished_at=timezone.now())


def cancel_for_ended_consent(sender, subscriber, reason: str, **kwargs) -> int:
    """Receiver of `consent_ended`: the subscriber's queued messages stop, with the reason."""
    return Message.objects.filter(
        subscriber=subscriber, direction=Message.Direction.OUT, status=Message.Status.QUEUED
    ).update(status=Message.Status.CANCELLED, last_error=reason, finished_at=timezone.now())
