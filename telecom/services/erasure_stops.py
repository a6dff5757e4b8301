"""What an erasure stops in telecom (`subscribers.signals.number_erasing`):
the person's queued charges and rewards. Once the erasure has rewritten
them they carry the pseudonym (`erased:…`) where the number was, and a
reward, which needs no token, would go to the platform addressed to it."""

from django.db import transaction
from django.utils import timezone

from telecom.models import Charge, Reward

REASON = "stopped: the subscriber's number was erased (Data Privacy Act)"


@transaction.atomic
def stop_for_erasure(sender, subscriber_ids, **kwargs) -> int:
    """Receiver of `number_erasing`: how many queued rows it stopped. A row a
    worker holds now (`sending`) went out with the number before the erasure."""
    now = timezone.now()
    charges = Charge.objects.filter(
        subscriber_id__in=subscriber_ids, status=Charge.Status.QUEUED
    ).update(status=Charge.Status.CANCELLED, last_error=REASON, finished_at=now)
    rewards = Reward.objects.filter(
        subscriber_id__in=subscriber_ids, status=Reward.Status.QUEUED
    ).update(status=Reward.Status.FAILED, last_error=REASON, finished_at=now)
    return charges + rewards
