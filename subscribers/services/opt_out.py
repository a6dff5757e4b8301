"""Opting out of a Hoiio app, and back in: Hatid's own record of consent.

Globe Labs keeps consent at the platform (INFO/YES, STOP there, a token per
subscriber; `subscribers.services.consent`). Hoiio has no such workflow: an
app texts any number it serves, so Hatid is where "this number said STOP"
lives. These services write it into the same model and history as Globe's
STOP (`Subscriber.status`, `ConsentEvent`, the `consent_ended` signal that
cancels queued messages), so everything that already skips an unsubscribed
subscriber skips an opted-out Hoiio number too.

Both are idempotent: a second STOP (or a replayed one) changes nothing and
says so (`ConsentChange.changed` False), which is what keeps the
confirmation SMS to one.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from subscribers.models import ConsentEvent, Subscriber
from subscribers.services.consent import (
    ConsentChange,
    subscriber_for_update,
    subscriber_unsubscribe,
)
from telecom.errors import ServiceError
from telecom.models.callback_event import CallbackEvent
from telecom.models.provider_app import ProviderApp
from telecom.services import checks


def _hoiio_app(app: ProviderApp) -> ProviderApp:
    if app.provider != ProviderApp.Provider.HOIIO:
        # Globe Labs' consent is the platform's: a local change would not reach it.
        raise ServiceError(
            f"{app} is not a Hoiio app: Globe Labs subscribers opt out by texting STOP "
            "to the platform and opt in again with INFO/YES",
            field="app",
        )
    return app


@transaction.atomic
def hoiio_opt_out(
    *,
    app: ProviderApp,
    number: str,
    detail: str,
    occurred_at: datetime | None = None,
    callback_event: CallbackEvent | None = None,
) -> ConsentChange:
    """Unsubscribe `number` from the Hoiio `app` (`detail`: who asked, for the history)."""
    _hoiio_app(app)
    msisdn = checks.number(number, "number")
    # A number never seen before is created pending here, so that its opt-out
    # is a change with its history row (created unsubscribed, it would be "already").
    subscriber_for_update(app, msisdn)
    return subscriber_unsubscribe(
        app=app,
        msisdn=msisdn,
        token=None,
        occurred_at=occurred_at,
        callback_event=callback_event,
        detail=detail,
    )


@transaction.atomic
def hoiio_opt_in_again(
    *,
    app: ProviderApp,
    number: str,
    detail: str,
    occurred_at: datetime | None = None,
    callback_event: CallbackEvent | None = None,
) -> ConsentChange:
    """Subscribe an opted-out `number` to the Hoiio `app` again; anyone else is left as is."""
    _hoiio_app(app)
    msisdn = checks.number(number, "number")
    now = occurred_at or timezone.now()
    subscriber = subscriber_for_update(app, msisdn)
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        return ConsentChange(subscriber, False, "not unsubscribed; nothing changed")
    subscriber.status = Subscriber.Status.ACTIVE
    by_sms = callback_event is not None
    subscriber.opt_in_channel = Subscriber.Channel.SMS if by_sms else Subscriber.Channel.NONE
    subscriber.first_opt_in_at = subscriber.first_opt_in_at or now
    subscriber.last_opt_in_at = now
    subscriber.unsubscribed_at = None
    subscriber.save()
    ConsentEvent.objects.create(
        subscriber=subscriber,
        kind=ConsentEvent.Kind.RESUBSCRIBED,
        occurred_at=now,
        callback_event=callback_event,
        detail=detail[:300],
    )
    return ConsentChange(subscriber, True, "subscribed again")
