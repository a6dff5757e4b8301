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

import functools
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from subscribers.models import ConsentEvent, Subscriber
from subscribers.services.consent import (
    ConsentChange,
    make_active,
    record_consent,
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


def _hoiio_number_change(change):
    """A change of one Hoiio number's consent: the app checked, the number read,
    its subscriber (created pending if new) locked, then `change` applied."""

    @functools.wraps(change)
    @transaction.atomic
    def apply(
        *,
        app: ProviderApp,
        number: str,
        detail: str,
        occurred_at: datetime | None = None,
        callback_event: CallbackEvent | None = None,
    ) -> ConsentChange:
        _hoiio_app(app)
        # Created pending (not unsubscribed), a new number's opt-out is a
        # change with its history row rather than "already unsubscribed".
        subscriber = subscriber_for_update(app, checks.number(number, "number"))
        return change(subscriber, detail, occurred_at or timezone.now(), callback_event)

    return apply


@_hoiio_number_change
def hoiio_opt_out(subscriber: Subscriber, detail: str, now, event) -> ConsentChange:
    """Unsubscribe `number` from the Hoiio `app` (`detail`: who asked, for the history)."""
    whom = {"app": subscriber.app, "msisdn": subscriber.msisdn, "token": None}
    return subscriber_unsubscribe(**whom, occurred_at=now, callback_event=event, detail=detail)


@_hoiio_number_change
def hoiio_opt_in_again(subscriber: Subscriber, detail: str, now, callback_event) -> ConsentChange:
    """Subscribe an opted-out `number` to the Hoiio `app` again; anyone else is left as is."""
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        return ConsentChange(subscriber, False, "not unsubscribed; nothing changed")
    channel = Subscriber.Channel.SMS if callback_event is not None else Subscriber.Channel.NONE
    make_active(subscriber, channel, now)
    record_consent(subscriber, ConsentEvent.Kind.RESUBSCRIBED, now, callback_event, detail)
    return ConsentChange(subscriber, True, "subscribed again")
