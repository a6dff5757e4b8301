"""Asking the platform about subscribers: where they are, their balance, and
(for charging) whether they consent to an amount. Each request becomes an
outbox row that a worker sends; these functions validate and queue."""

from django.db import transaction

from subscribers.models import BalanceQuery, ChargingOptInRequest, LocationQuery, Subscriber
from subscribers.services.consent import live_token_for, subscriber_for_update
from telecom import outbox
from telecom.errors import ServiceError
from telecom.models.provider_app import ProviderApp
from telecom.money import parse_amount
from telecom.services import checks
from telecom.services.queueing import queue

MAX_ACCURACY_METRES = 10_000


@transaction.atomic
def locate_subscriber(*, subscriber: Subscriber, requested_accuracy: int = 100) -> LocationQuery:
    if (
        not isinstance(requested_accuracy, int)
        or not 1 <= requested_accuracy <= MAX_ACCURACY_METRES
    ):
        raise ServiceError(
            f"requested accuracy must be 1 to {MAX_ACCURACY_METRES} metres",
            field="requested_accuracy",
        )
    live_token_for(subscriber)
    return queue(LocationQuery, subscriber=subscriber, requested_accuracy=requested_accuracy)


@transaction.atomic
def query_balance(*, subscriber: Subscriber, kind: str = BalanceQuery.Kind.BALANCE) -> BalanceQuery:
    if kind not in BalanceQuery.Kind.values:
        raise ServiceError(
            f"kind must be one of {', '.join(BalanceQuery.Kind.values)}", field="kind"
        )
    live_token_for(subscriber)
    query = BalanceQuery.objects.create(subscriber=subscriber, kind=kind)
    outbox.enqueue_on_commit(BalanceQuery, [query.pk])
    return query


@transaction.atomic
def request_charging_optin(
    *, app: ProviderApp, msisdn: str, amount, duration_days: int = 0
) -> ChargingOptInRequest:
    """Ask the platform to text the subscriber a charging opt-in offer."""
    number = checks.number(msisdn, "to")
    amount = parse_amount(amount)
    if not isinstance(duration_days, int) or not 0 <= duration_days <= 366:
        raise ServiceError("duration must be 0 to 366 days", field="duration_days")
    subscriber = subscriber_for_update(app, number)
    return queue(
        ChargingOptInRequest, subscriber=subscriber, amount=amount, duration_days=duration_days
    )
