"""What an erasure stops in telecom (`subscribers.signals.number_erasing`):
the person's queued charges and rewards, and the queued calls and faxes to
their number. Once the erasure has rewritten them they carry the pseudonym
(`erased:…`) where the number was: a reward, which needs no token, would go
to the platform addressed to it, and a call or a fax to Hoiio or the Voicent
gateway dialling it."""

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from telecom.models import Charge, Fax, Reward, VoiceCall, VoicentCall

REASON = "stopped: the subscriber's number was erased (Data Privacy Act)"


@transaction.atomic
def stop_for_erasure(sender, subscriber_ids, numbers=(), app_ids=None, **kwargs) -> int:
    """Receiver of `number_erasing`: how many queued rows it stopped. A row a
    worker holds now (`sending`) went out with the number before the erasure.
    `numbers` are the forms a number column may hold; `app_ids` None: every app."""
    now = timezone.now()
    numbers = list(numbers)

    def stop(rows: QuerySet, queued: str, stopped: str) -> int:
        if app_ids is not None:
            rows = rows.filter(app_id__in=app_ids)
        return rows.filter(status=queued).update(status=stopped, last_error=REASON, finished_at=now)

    return sum(
        (
            stop(
                Charge.objects.filter(subscriber_id__in=subscriber_ids),
                Charge.Status.QUEUED,
                Charge.Status.CANCELLED,
            ),
            stop(
                Reward.objects.filter(subscriber_id__in=subscriber_ids),
                Reward.Status.QUEUED,
                Reward.Status.FAILED,
            ),
            stop(
                VoiceCall.objects.filter(Q(dest1__in=numbers) | Q(dest2__in=numbers)),
                VoiceCall.Status.QUEUED,
                VoiceCall.Status.CANCELLED,
            ),
            stop(
                VoicentCall.objects.filter(phone__in=numbers),
                VoicentCall.Status.QUEUED,
                VoicentCall.Status.CANCELLED,
            ),
            stop(
                Fax.objects.filter(direction=Fax.Direction.OUT, dest__in=numbers),
                Fax.Status.QUEUED,
                Fax.Status.FAILED,
            ),
        )
    )
