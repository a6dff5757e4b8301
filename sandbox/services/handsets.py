"""Handsets: subscribers appear on first use, and what their screens show."""

from decimal import Decimal

from django.db import IntegrityError
from django.utils import timezone

from sandbox import conf, sql
from sandbox.models import HandsetMessage, Subscriber


def subscriber_for(number: str) -> Subscriber:
    """The subscriber with this E.164 number, created on first use with the default load."""
    subscriber = Subscriber.objects.filter(number=number).first()
    if subscriber is not None:
        return subscriber
    try:
        return Subscriber.objects.create(
            number=number, balance=Decimal(conf.option("default_subscriber_balance"))
        )
    except IntegrityError:  # created meanwhile by a concurrent request
        return Subscriber.objects.get(number=number)


def receive(
    subscriber: Subscriber, peer: str, text: str, *, parts: int = 1, delivery_id=None
) -> int:
    """An SMS lands in the handset's inbox (one statement: SMS MT's hot path)."""
    return sql.insert(
        HandsetMessage,
        subscriber_id=subscriber.pk,
        direction=HandsetMessage.Direction.RECEIVED,
        peer=peer,
        text=text,
        parts=parts,
        delivery_id=delivery_id,
        created_at=timezone.now(),
    )


def record_sent(subscriber: Subscriber, peer: str, text: str) -> HandsetMessage:
    """An SMS the handset sent, kept for its conversation view."""
    return HandsetMessage.objects.create(
        subscriber=subscriber, direction=HandsetMessage.Direction.SENT, peer=peer, text=text
    )


def split(text: str, size: int) -> list[str]:
    """`text` in parts of at most `size` characters (one part when it fits)."""
    if len(text) <= size:
        return [text]
    return [text[i : i + size] for i in range(0, len(text), size)]
