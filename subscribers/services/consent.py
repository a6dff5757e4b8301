"""Consent: opting in and out, access tokens, and exchanging web-form codes.

Every function here is idempotent on what the platform sends: the same
opt-in GET twice changes nothing; a token once revoked is never live again,
even if a late or replayed callback presents it; an unsubscribe names the
token it ends, so a late STOP for an old token cannot end a newer consent.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from subscribers.models import AccessToken, CodeExchange, ConsentEvent, Subscriber
from subscribers.models.consent import token_digest
from subscribers.signals import consent_ended
from telecom.errors import ServiceError
from telecom.models.callback_event import CallbackEvent
from telecom.models.provider_app import ProviderApp
from telecom.msisdn import normalize_msisdn
from telecom.services.queueing import queue_once

Channel = Subscriber.Channel


@dataclass(frozen=True)
class ConsentChange:
    subscriber: Subscriber
    changed: bool
    note: str


def subscriber_for_update(app: ProviderApp, msisdn: str, **defaults) -> Subscriber:
    """The subscriber row for this app and number, created if new, locked for
    the rest of the transaction."""
    try:
        with transaction.atomic():
            Subscriber.objects.get_or_create(app=app, msisdn=msisdn, defaults=defaults)
    except IntegrityError:
        pass  # created concurrently; it exists now
    return Subscriber.objects.select_for_update().get(app=app, msisdn=msisdn)


def token_of_other_app(app: ProviderApp, token: str) -> bool:
    return (
        AccessToken.objects.filter(digest=token_digest(token)).exclude(subscriber__app=app).exists()
    )


def _revoke(token: AccessToken, reason: str, detail: str = "", at: datetime | None = None):
    token.revoked_at = at or timezone.now()
    token.revoke_reason = reason
    token.revoke_detail = detail[:300]
    token.save(update_fields=["revoked_at", "revoke_reason", "revoke_detail"])


def make_active(subscriber: Subscriber, channel: str, now: datetime) -> None:
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.opt_in_channel = channel
    subscriber.first_opt_in_at = subscriber.first_opt_in_at or now
    subscriber.last_opt_in_at = now
    subscriber.unsubscribed_at = None
    subscriber.save()


def record_consent(
    subscriber: Subscriber, kind: str, now: datetime, callback_event, detail: str = "", **fields
) -> ConsentEvent:
    """One row of the subscriber's consent history."""
    return ConsentEvent.objects.create(
        subscriber=subscriber,
        kind=kind,
        occurred_at=now,
        callback_event=callback_event,
        detail=detail[:300],
        **fields,
    )


_OPT_IN_KIND = {
    Channel.SMS: ConsentEvent.Kind.OPT_IN_SMS,
    Channel.WEB_FORM: ConsentEvent.Kind.OPT_IN_WEB,
    Channel.CHARGING: ConsentEvent.Kind.CHARGING_OPT_IN,
}


@transaction.atomic
def subscriber_opt_in(
    *,
    app: ProviderApp,
    msisdn: str,
    token: str,
    channel: str,
    occurred_at: datetime | None = None,
    callback_event: CallbackEvent | None = None,
    amount: Decimal | None = None,
    duration_days: int | None = None,
) -> ConsentChange:
    """Grant: store the token as the subscriber's live one and make them active."""
    msisdn = normalize_msisdn(msisdn)
    now = occurred_at or timezone.now()
    digest = token_digest(token)
    subscriber = subscriber_for_update(app, msisdn)
    known = subscriber.tokens.filter(digest=digest).first()
    if known is not None and not known.is_live:
        return ConsentChange(subscriber, False, "token already revoked; ignored")
    if known is not None and subscriber.is_active and amount is None:
        return ConsentChange(subscriber, False, "same token again; nothing changed")
    if known is None:
        for live in subscriber.tokens.filter(revoked_at__isnull=True):
            _revoke(live, AccessToken.RevokeReason.REPLACED, at=now)
        AccessToken.objects.create(
            subscriber=subscriber, token=token, digest=digest, channel=channel, granted_at=now
        )
    make_active(subscriber, channel, now)
    record_consent(
        subscriber,
        _OPT_IN_KIND[channel],
        now,
        callback_event,
        amount=amount,
        duration_days=duration_days,
    )
    return ConsentChange(subscriber, True, f"opted in by {channel}")


@transaction.atomic
def subscriber_unsubscribe(
    *,
    app: ProviderApp,
    msisdn: str,
    token: str | None,
    occurred_at: datetime | None = None,
    callback_event: CallbackEvent | None = None,
    detail: str = "",
) -> ConsentChange:
    """The subscriber texted STOP (or, on Hoiio, someone unsubscribed them on
    their behalf: `detail` says who): end their consent and revoke the token."""
    msisdn = normalize_msisdn(msisdn)
    now = occurred_at or timezone.now()
    subscriber = subscriber_for_update(app, msisdn, status=Subscriber.Status.UNSUBSCRIBED)
    live = subscriber.tokens.filter(revoked_at__isnull=True).first()
    if token is not None:
        digest = token_digest(token)
        named = subscriber.tokens.filter(digest=digest).first()
        if named is None:
            # A STOP that overtook its own opt-in: remember the token as revoked
            # so that the late opt-in cannot bring it to life.
            AccessToken.objects.create(
                subscriber=subscriber,
                token=token,
                digest=digest,
                granted_at=now,
                revoked_at=now,
                revoke_reason=AccessToken.RevokeReason.UNSUBSCRIBED,
            )
        elif live is not None and named.pk != live.pk:
            return ConsentChange(subscriber, False, "STOP for an older token; newer consent kept")
    if live is None and subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return ConsentChange(subscriber, False, "already unsubscribed")
    if live is not None:
        _revoke(live, AccessToken.RevokeReason.UNSUBSCRIBED, at=now)
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = now
    subscriber.save()
    record_consent(subscriber, ConsentEvent.Kind.UNSUBSCRIBED, now, callback_event, detail)
    consent_ended.send(
        sender=Subscriber, subscriber=subscriber, reason="the subscriber unsubscribed"
    )
    return ConsentChange(subscriber, True, "unsubscribed")


@transaction.atomic
def revoke_rejected_token(token: AccessToken, detail: str) -> bool:
    """The platform answered 401 to this token: it is dead, and with it consent."""
    token = AccessToken.objects.select_for_update().select_related("subscriber").get(pk=token.pk)
    if not token.is_live:
        return False
    _revoke(token, AccessToken.RevokeReason.REJECTED, detail)
    subscriber = token.subscriber
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["status", "unsubscribed_at", "updated_at"])
    ConsentEvent.objects.create(
        subscriber=subscriber,
        kind=ConsentEvent.Kind.TOKEN_REVOKED,
        occurred_at=timezone.now(),
        detail=f"rejected by the platform: {detail}"[:300],
    )
    consent_ended.send(
        sender=Subscriber, subscriber=subscriber, reason="the platform rejected the access token"
    )
    return True


def live_token_for(subscriber: Subscriber) -> AccessToken:
    """The live token to call the platform with, or a ServiceError saying why there is none."""
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        raise ServiceError("the subscriber has unsubscribed", code="unsubscribed")
    token = subscriber.live_token()
    if token is None:
        raise ServiceError(
            "the subscriber has no live access token (no consent)", code="no_consent"
        )
    return token


@transaction.atomic
def start_code_exchange(
    *,
    app: ProviderApp,
    code: str,
    amount: Decimal | None = None,
    callback_event: CallbackEvent | None = None,
) -> CodeExchange:
    """Queue the exchange of a consent code for a token, once per code."""
    digest = token_digest(code)
    exchange = CodeExchange.objects.filter(app=app, code_digest=digest).first()
    if exchange is not None:
        return exchange
    exchange = queue_once(
        CodeExchange,
        app=app,
        code=code,
        code_digest=digest,
        amount=amount,
        callback_event=callback_event,
    )
    if exchange is None:
        return CodeExchange.objects.get(app=app, code_digest=digest)
    return exchange
