"""What an erasure stops in telecom (`subscribers.signals.number_erasing`):
the person's queued charges, rewards and partner webhooks, and the queued
calls, IVR dials and faxes to their number. Once the erasure has rewritten
them they carry the pseudonym (`erased:…`) where the number was: a reward,
which needs no token, would go to the platform addressed to it, a call or a
fax to Hoiio or the Voicent gateway dialling it, and a webhook, its body
blanked, would post a partner an event with nothing in it. (Voice flows' own
calls: `voiceflows.services.erasure_stops`.)"""

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from telecom.models import (
    Charge,
    Fax,
    IvrSession,
    Reward,
    VoiceCall,
    VoicentCall,
    WebhookDelivery,
)

REASON = "stopped: the subscriber's number was erased (Data Privacy Act)"


@transaction.atomic
def stop_for_erasure(sender, subscriber_ids, numbers=(), app_ids=None, **kwargs) -> int:
    """Receiver of `number_erasing`: how many queued rows it stopped. A row a
    worker holds now (`sending`) went out with the number before the erasure.
    `numbers` are the forms a number column may hold; `app_ids` None: every app."""
    numbers = list(numbers)
    # Rows of the person's subscribers, who are those of the apps erased from.
    theirs = [
        (
            Charge.objects.filter(subscriber_id__in=subscriber_ids),
            Charge.Status.QUEUED,
            Charge.Status.CANCELLED,
        ),
        (
            Reward.objects.filter(subscriber_id__in=subscriber_ids),
            Reward.Status.QUEUED,
            Reward.Status.FAILED,
        ),
        (
            WebhookDelivery.objects.filter(message__subscriber_id__in=subscriber_ids),
            WebhookDelivery.Status.QUEUED,
            WebhookDelivery.Status.FAILED,
        ),
    ]
    # Rows that only hold the number: scoped to the apps here.
    to_the_number = [
        (
            VoiceCall.objects.filter(Q(dest1__in=numbers) | Q(dest2__in=numbers)),
            VoiceCall.Status.QUEUED,
            VoiceCall.Status.CANCELLED,
        ),
        (
            VoicentCall.objects.filter(phone__in=numbers),
            VoicentCall.Status.QUEUED,
            VoicentCall.Status.CANCELLED,
        ),
        (
            Fax.objects.filter(direction=Fax.Direction.OUT, dest__in=numbers),
            Fax.Status.QUEUED,
            Fax.Status.FAILED,
        ),
        (
            IvrSession.objects.filter(direction=IvrSession.Direction.OUT, dest__in=numbers),
            IvrSession.Status.QUEUED,
            IvrSession.Status.FAILED,
        ),
    ]
    return sum(stop_queued(rows, None, *change) for rows, *change in theirs) + sum(
        stop_queued(rows, app_ids, *change) for rows, *change in to_the_number
    )


def stop_queued(rows: QuerySet, app_ids, queued: str, stopped: str) -> int:
    """Move `rows` still `queued` (in `app_ids`; None: every app) to `stopped`, saying why."""
    if app_ids is not None:
        rows = rows.filter(app_id__in=app_ids)
    return rows.filter(status=queued).update(
        status=stopped, last_error=REASON, finished_at=timezone.now()
    )
