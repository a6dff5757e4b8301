"""Consent: access tokens, the append-only consent history, and the
exchanges of web-form codes for tokens.

Only a subscriber's newest token is live (a partial unique index says so);
a revoked token is never used again. Tokens are encrypted at rest and found
by their SHA-256 digest (the unsubscribe callback names the token).
"""

import hashlib
import uuid

from django.db import models
from django.db.models import Q

from subscribers.models.subscriber import Subscriber
from telecom.fields import EncryptedTextField
from telecom.models.bases import amount_field, optional_link
from telecom.models.callback_event import CallbackEvent
from telecom.models.provider_app import ProviderApp
from telecom.outbox import OutboxRow
from telecom.timefmt import console_time


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccessToken(models.Model):
    class RevokeReason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", "The subscriber unsubscribed"
        REPLACED = "replaced", "Replaced by a newer token"
        REJECTED = "rejected", "Rejected by the platform (401)"
        OPERATOR = "operator", "Revoked by an operator"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="tokens")
    token = EncryptedTextField(help_text="The access token. Stored encrypted.")
    digest = models.CharField(max_length=64, db_index=True, editable=False)
    channel = models.CharField(max_length=16, choices=Subscriber.Channel.choices, blank=True)
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=16, choices=RevokeReason.choices, blank=True)
    revoke_detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_token_per_subscriber",
            )
        ]

    def __str__(self) -> str:
        state = "live" if self.revoked_at is None else f"revoked ({self.revoke_reason})"
        return f"token for {self.subscriber.msisdn}, {state}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class ConsentEvent(models.Model):
    """What happened to a subscriber's consent, in order. Never edited."""

    class Kind(models.TextChoices):
        OPT_IN_SMS = "opt_in_sms", "Opted in by SMS"
        OPT_IN_WEB = "opt_in_web", "Opted in by web form"
        CHARGING_OPT_IN = "charging_opt_in", "Charging opt-in"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        RESUBSCRIBED = "resubscribed", "Subscribed again"
        TOKEN_REVOKED = "token_revoked", "Token revoked"

    subscriber = models.ForeignKey(  # indexed with occurred_at (Meta.indexes)
        Subscriber, on_delete=models.CASCADE, related_name="consent_events", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    amount = amount_field("For a charging opt-in: the amount consented to.", optional=True)
    duration_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a charging opt-in: for how many days (0: once)."
    )
    detail = models.CharField(max_length=300, blank=True)
    callback_event = optional_link(CallbackEvent, "The platform callback this came from.")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["subscriber", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {console_time(self.occurred_at)}"


class CodeExchange(OutboxRow):
    """A web-form (or charging) consent code to exchange for a token, once.

    The visitor's browser follows `public_id` to a result page; a repeated
    redirect with the same code finds this row instead of exchanging again.
    """

    claim_related = ("app",)

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Exchanging"
        DONE = "done", "Subscribed"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="+")
    code = EncryptedTextField()
    code_digest = models.CharField(max_length=64, editable=False)
    amount = amount_field(optional=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    subscriber = optional_link(Subscriber)
    callback_event = optional_link(CallbackEvent)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["app", "code_digest"], name="one_exchange_per_code")
        ]
        indexes = OutboxRow.outbox_indexes("codeexchange")

    def __str__(self) -> str:
        return f"code exchange {self.public_id} ({self.status})"


class ChargingOptInRequest(OutboxRow):
    """A developer-triggered charging opt-in (`payment/v1/smsoptin`): the platform
    texts the subscriber an offer; their YES brings a code and the amount back."""

    claim_related = ("subscriber__app",)

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Offer sent, awaiting YES"
        ACCEPTED = "accepted", "Accepted"
        FAILED = "failed", "Failed"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="charging_optin_requests"
    )
    amount = amount_field()
    duration_days = models.PositiveIntegerField(
        default=0, help_text="How many days the consent lasts (0: a one-time charge)."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)

    class Meta:
        verbose_name = "charging opt-in request"
        verbose_name_plural = "charging opt-in requests"
        ordering = ["-created_at"]
        indexes = OutboxRow.outbox_indexes("chargingoptin")

    def __str__(self) -> str:
        return f"charging opt-in {self.amount} for {self.subscriber.msisdn} ({self.status})"
