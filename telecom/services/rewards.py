"""Rewards and load: `send_reward` queues; `RewardDelivery` sends once
(`telecom.send_once`);
`apply_reward_callback` completes it when the platform reports back.

The rewards API has no idempotency key. A reward is sent once: a lost answer
(timeout, reset, a 500) leaves it `unknown` until the platform's callback
names it, matched by transaction_id, or by number and promo around the
time it was sent, or until an operator decides.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.globe import GlobeClient
from telecom.models import Promo, ProviderApp, Reward
from telecom.send_once import SendOnceSender
from telecom.services.messaging import resolve_subscriber
from telecom.services.queueing import queue

# A callback without a known transaction_id matches a reward sent this close to it.
MATCH_WINDOW = timedelta(hours=2)
OPEN = [Reward.Status.SENDING, Reward.Status.ACCEPTED, Reward.Status.UNKNOWN]


def promo_for(app: ProviderApp, promo) -> Promo:
    if isinstance(promo, Promo):
        if promo.app_id != app.pk:
            raise ServiceError("this promo belongs to another app", field="promo")
        found = promo
    else:
        found = Promo.objects.filter(app=app, code=str(promo).strip()).first()
    if found is None:
        raise ServiceError(f"no promo {promo!r} is configured for this app", field="promo")
    if not found.is_active:
        raise ServiceError(f"the promo {found.code} is inactive", field="promo")
    return found


@transaction.atomic
def send_reward(*, app: ProviderApp, to, promo, source: str = "api", partner=None) -> Reward:
    if not app.rewards_token:
        raise ServiceError("this app has no rewards token configured", field="app")
    found = promo_for(app, promo)
    subscriber = resolve_subscriber(app, to)
    return queue(
        Reward,
        app=app,
        subscriber=subscriber,
        msisdn=subscriber.msisdn,
        promo=found,
        source=source,
        partner=partner,
    )


class RewardDelivery(SendOnceSender):
    model = Reward
    done_status = Reward.Status.ACCEPTED
    settled_status = Reward.Status.SUCCEEDED  # an operator's "it was delivered"

    def submit(self, row: Reward):
        return GlobeClient(row.app).send_reward(
            address=row.msisdn, promo=row.promo.code, subject=row
        )

    def record(self, row: Reward, accepted) -> dict:
        return {"transaction_id": accepted.transaction_id[:64]}


def _match(app: ProviderApp, transaction_id: str, msisdn: str | None, promo: str | None, at):
    if transaction_id:
        found = (
            Reward.objects.select_for_update()
            .filter(app=app, transaction_id=transaction_id)
            .first()
        )
        if found is not None:
            return found
    if not msisdn or not promo:
        return None
    return (
        Reward.objects.select_for_update()
        .filter(
            app=app,
            msisdn=msisdn,
            promo__code=promo,
            status__in=OPEN,
            transaction_id="",
            created_at__gte=at - MATCH_WINDOW,
            created_at__lte=at + MATCH_WINDOW,
        )
        .order_by("created_at")
        .first()
    )


def apply_reward_callback(
    *,
    app: ProviderApp,
    transaction_id: str,
    status: str,
    msisdn: str | None,
    promo: str | None,
    at,
    callback_event=None,
) -> str:
    """Complete the reward the platform reports on; a note for the callback log."""
    reward = _match(app, transaction_id, msisdn, promo, at)
    if reward is None:
        return f"no reward matches transaction {transaction_id or '?'}"
    if (
        reward.status in (Reward.Status.SUCCEEDED, Reward.Status.FAILED)
        and reward.callback_event_id
    ):
        return f"reward {reward.pk} already {reward.status}"
    succeeded = status.strip().upper() == "SUCCESS"
    reward.status = Reward.Status.SUCCEEDED if succeeded else Reward.Status.FAILED
    reward.platform_status = status[:200]
    reward.transaction_id = reward.transaction_id or transaction_id
    reward.callback_event = callback_event
    reward.lease_until = None
    reward.finished_at = timezone.now()
    if not succeeded:
        reward.last_error = f"the platform reported: {status}"[:2000]
    reward.save()
    return f"reward {reward.pk} {reward.status}"


def flag_overdue_rewards() -> int:
    """Accepted rewards whose callback never came are shown as unknown."""
    cutoff = timezone.now() - timedelta(seconds=settings.REWARD_CALLBACK_TIMEOUT_SECONDS)
    return Reward.objects.filter(status=Reward.Status.ACCEPTED, finished_at__lt=cutoff).update(
        status=Reward.Status.UNKNOWN, last_error="the platform's callback never came"
    )
