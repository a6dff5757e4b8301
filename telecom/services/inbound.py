"""Receiving SMS: each inbound message is stored once and handled once.

A plain message is keyed by the platform's messageId (or a hash of its
content); a multipart one is assembled from its parts under a row lock, in
sequence order, whatever order and however often the parts arrive, and
handled once, when complete (or, after MULTIPART_TIMEOUT_SECONDS, as it is,
marked incomplete). Handling runs in the same transaction as the storing:
a Hoiio opt-out keyword (STOP, START: `services.hoiio.opt_out`) or else the
keyword rules, then the partners' webhooks.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from subscribers.models import Subscriber
from telecom.inbound_events import InboundSms
from telecom.models import CallbackEvent, InboundMultipart, Message, ProviderApp
from telecom.services.hoiio.opt_out import apply_opt_out_keywords
from telecom.services.keywords import apply_keyword_rules
from telecom.services.webhooks import notify_partners
from telecom.sms_length import measure

MISSING_PART = "…"


def _store(
    app: ProviderApp, *, key: str, sender: str, text: str, sent_at, event, incomplete: bool = False
) -> Message | None:
    """The new inbound message, or None when this key was stored before."""
    prepared = getattr(event, "prepared", None)
    subscriber = prepared.subscriber(app, sender) if prepared else None
    if subscriber is None:
        subscriber, _ = Subscriber.objects.get_or_create(app=app, msisdn=sender)
    message = new_message(
        app,
        subscriber,
        key=key,
        text=text,
        sent_at=sent_at,
        event=event,
        incomplete=incomplete,
    )
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return None
    return message


def new_message(
    app: ProviderApp, subscriber, *, key: str, text: str, sent_at, event, incomplete: bool = False
) -> Message:
    """An inbound message, not saved yet (`services.inbound_batch` saves many at once)."""
    length = measure(text)
    return Message(
        app=app,
        subscriber=subscriber,
        msisdn=subscriber.msisdn,
        direction=Message.Direction.IN,
        status=Message.Status.RECEIVED,
        source=Message.Source.PLATFORM,
        text=text,
        encoding=length.encoding,
        parts=length.parts,
        platform_key=key,
        platform_sent_at=sent_at,
        incomplete=incomplete,
        callback_event=event,
        finished_at=timezone.now(),
    )


def handle(message: Message, event=None) -> str:
    """Keyword rules, then partners; read once per batch when the lane worker
    prepared `event` (`services.inbound_batch`)."""
    prepared = getattr(event, "prepared", None)
    rules = prepared.rules.get(message.app_id) if prepared else None
    partners = prepared.partners.get(message.app_id) if prepared else None
    consent_note = apply_opt_out_keywords(message)
    rule_note = consent_note if consent_note is not None else apply_keyword_rules(message, rules)
    partners = notify_partners(message, partners=partners)
    return f"message {message.pk}{rule_note}{f', {partners} webhook(s)' if partners else ''}"


def receive_sms(app: ProviderApp, sms: InboundSms, event: CallbackEvent | None) -> str:
    """Store and handle one inbound SMS (or one part of one). Returns a note."""
    if sms.multipart_ref is not None:
        return _receive_part(app, sms, event)
    message = _store(
        app,
        key=sms.platform_key,
        sender=sms.sender,
        text=sms.text,
        sent_at=sms.sent_at,
        event=event,
    )
    if message is None:
        return f"duplicate of {sms.platform_key}"
    return handle(message, event)


def _receive_part(app: ProviderApp, sms: InboundSms, event) -> str:
    # The first part makes the assembly row (one INSERT ... ON CONFLICT DO
    # NOTHING, no savepoint); every part then takes its lock.
    InboundMultipart.objects.bulk_create(
        [InboundMultipart(app=app, ref_id=sms.multipart_ref, msisdn=sms.sender)],
        ignore_conflicts=True,
    )
    assembly = InboundMultipart.objects.select_for_update().get(app=app, ref_id=sms.multipart_ref)
    assembly.app = app  # the caller's, not read again
    seq = str(sms.multipart_seq)
    if assembly.message_id is not None:
        return f"part {seq} of completed multipart {assembly.ref_id}"
    if seq in assembly.parts:
        return f"duplicate part {seq} of multipart {assembly.ref_id}"
    assembly.parts[seq] = sms.text
    assembly.total = assembly.total or sms.multipart_total
    if assembly.total and len(assembly.parts) >= assembly.total:
        return _assemble(assembly, event, sms.sent_at)
    assembly.save(update_fields=["parts", "total"])
    return f"part {seq} of multipart {assembly.ref_id} ({len(assembly.parts)}/{assembly.total})"


def _assemble(assembly: InboundMultipart, event, sent_at=None, *, incomplete=False) -> str:
    numbers = [int(seq) for seq in assembly.parts]
    last = max([*numbers, assembly.total or 0])
    text = "".join(assembly.parts.get(str(n), MISSING_PART) for n in range(1, last + 1))
    message = _store(
        assembly.app,
        key=f"multipart:{assembly.ref_id}"[:80],
        sender=assembly.msisdn,
        text=text,
        sent_at=sent_at,
        event=event,
        incomplete=incomplete,
    )
    if message is None:  # pragma: no cover - the assembly row is locked
        return f"multipart {assembly.ref_id} already stored"
    assembly.message = message
    assembly.save(update_fields=["parts", "total", "message"])
    return handle(message, event)


def assemble_stale_multiparts() -> int:
    """Handle, as they are, multipart messages whose parts stopped coming."""
    cutoff = timezone.now() - timedelta(seconds=settings.MULTIPART_TIMEOUT_SECONDS)
    done = 0
    for pk in InboundMultipart.objects.filter(
        message__isnull=True, first_seen_at__lt=cutoff
    ).values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            assembly = InboundMultipart.objects.select_for_update().select_related("app").get(pk=pk)
            if assembly.message_id is None:
                _assemble(assembly, None, incomplete=True)
                done += 1
    return done
