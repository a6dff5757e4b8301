"""Whether a subscriber's charging opt-in covers a charge.

A charging opt-in (ConsentEvent `charging_opt_in`) consents to an amount for
a duration in days (API docs, "Charging": `duration=0` for one-time
charging). It covers a charge of at most that amount: while it lasts for a
subscription, or once for a one-time consent.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from subscribers.models import ConsentEvent, Subscriber


def charging_consent_gap(subscriber: Subscriber, amount: Decimal) -> str:
    """Why the subscriber's opt-in does not cover `amount`; "" when it does."""
    consent = (
        subscriber.consent_events.filter(kind=ConsentEvent.Kind.CHARGING_OPT_IN)
        .order_by("-occurred_at", "-pk")
        .first()
    )
    if consent is None or consent.amount is None:
        return "the subscriber has not opted in to charging"
    if amount > consent.amount:
        return f"the subscriber opted in to charges of at most {consent.amount}"
    if consent.duration_days:
        if timezone.now() > consent.occurred_at + timedelta(days=consent.duration_days):
            return "the subscriber's charging opt-in has expired"
        return ""
    used = subscriber.charges.filter(
        created_at__gte=consent.occurred_at, status__in=["queued", "sending", "charged", "unknown"]
    ).exists()
    return "the subscriber's one-time charging opt-in was used" if used else ""
