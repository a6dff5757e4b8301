"""Traffic to roll up: messages, charges, a USSD session and a call at known hours."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from subscribers.services.consent import subscriber_opt_in
from telecom.models import Charge, Message, UssdSession

# 2026-03-10 09:xx UTC is 17:xx in Manila: the same day in both.
AT = datetime(2026, 3, 10, 9, 15, tzinfo=UTC)


def message(app, subscriber, direction="out", status="sent", at=AT, **fields):
    return Message.objects.create(
        app=app,
        subscriber=subscriber,
        msisdn=subscriber.msisdn,
        direction=direction,
        status=status,
        source="api" if direction == "out" else "platform",
        text="hi",
        client_correlator=uuid4().hex if direction == "out" else "",
        platform_key="" if direction == "out" else uuid4().hex,
        created_at=at,
        **fields,
    )


def charge(app, subscriber, n, status="charged", platform_status=201, at=AT, amount="2.50"):
    return Charge.objects.create(
        app=app,
        subscriber=subscriber,
        msisdn=subscriber.msisdn,
        amount=Decimal(amount),
        description="test",
        reference_code=f"9999{n:07d}",
        status=status,
        platform_status=platform_status,
        created_at=at,
    )


@pytest.fixture
def traffic(globe_app):
    """In the hour of AT: 3 SMS out (one failed, one delivered, 2 parts each), 1 in,
    2 charges (one refused 411), 1 USSD session completed."""
    subscriber = subscriber_opt_in(
        app=globe_app, msisdn="+639171234567", token="token-abcdefgh", channel="sms"
    ).subscriber
    message(globe_app, subscriber, parts=2)
    message(globe_app, subscriber, parts=2, delivery_status="delivered")
    message(globe_app, subscriber, status="failed", parts=2)
    message(globe_app, subscriber, direction="in", status="received")
    charge(globe_app, subscriber, 1)
    charge(globe_app, subscriber, 2, status="failed", platform_status=411)
    session = UssdSession.objects.create(
        app=globe_app,
        subscriber=subscriber,
        msisdn=subscriber.msisdn,
        session_id="s-1",
        status=UssdSession.Status.COMPLETED,
    )
    UssdSession.objects.filter(pk=session.pk).update(started_at=AT)
    return subscriber
