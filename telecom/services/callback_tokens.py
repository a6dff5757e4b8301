"""Rotating an app's callback token: the one way the secret in its callback
URIs (Globe Labs' redirect, notify, USSD, rewards and voice URIs; Hoiio's
notify URLs) changes.

The provider's portal is updated by hand, so the replaced token keeps working
for a grace period the operator chooses, then answers 404 like any unknown
token. Only the last replaced token is kept (as its digest): rotating again
inside the grace ends the older one at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from telecom.errors import ServiceError
from telecom.models import ProviderApp
from telecom.models.provider_app import new_callback_token

DEFAULT_GRACE = timedelta(days=7)
MAX_GRACE = timedelta(days=90)


@dataclass(frozen=True)
class Rotation:
    app: ProviderApp
    old_accepted_until: datetime | None  # None: the old URIs stopped working at once


def rotate_callback_token(*, app: ProviderApp, grace: timedelta = DEFAULT_GRACE) -> Rotation:
    """Give `app` a new callback token; the current one is still accepted for `grace`."""
    if app.provider == ProviderApp.Provider.VOICENT:
        raise ServiceError("A Voicent gateway never calls back: it has no callback token.")
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise ServiceError(
            f"The grace period is between 0 and {MAX_GRACE.days} days.", field="grace_days"
        )
    with transaction.atomic():
        locked = ProviderApp.objects.select_for_update().get(pk=app.pk)
        until = timezone.now() + grace if grace else None
        locked.previous_callback_token_digest = locked.callback_token_digest if until else ""
        locked.previous_callback_token_expires_at = until
        locked.set_callback_token(new_callback_token())
        locked.save(
            update_fields=[
                "callback_token",
                "callback_token_digest",
                "previous_callback_token_digest",
                "previous_callback_token_expires_at",
                "updated_at",
            ]
        )
    return Rotation(app=locked, old_accepted_until=until)
