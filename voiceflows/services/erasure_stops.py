"""What an erasure stops in voice flows (`subscribers.signals.number_erasing`):
the queued calls to the number (`CallTrigger`). Rewritten by the erasure,
one would ask the platform to dial the pseudonym."""

from django.db import transaction

from telecom.services.erasure_stops import stop_queued
from voiceflows.models import CallTrigger


@transaction.atomic
def stop_calls_for_erasure(sender, numbers=(), app_ids=None, **kwargs) -> int:
    """Receiver of `number_erasing`: how many queued calls it stopped."""
    return stop_queued(
        CallTrigger.objects.filter(msisdn__in=list(numbers)),
        app_ids,
        CallTrigger.Status.QUEUED,
        CallTrigger.Status.FAILED,
    )
