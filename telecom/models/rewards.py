"""Rewards and load (API docs: "Load API"): promos an app may send, and each
`Reward` sent.

The platform gives no idempotency key here, so a reward whose answer was lost
is never sent again automatically: it waits, `unknown`, for the platform's
callback (matched by transaction_id, or by number, promo and time) or for an
operator's decision.
"""

from django.db import models

from telecom.models.bases import Requested, amount_field, optional_link
from telecom.models.provider_app import ProviderApp
from telecom.models.to_subscriber import ToSubscriber
from telecom.send_once import SentOnceRow


class Promo(models.Model):
    app = models.ForeignKey(ProviderApp, on_delete=models.CASCADE, related_name="promos")
    code = models.CharField(max_length=50, help_text='The platform\'s promo code, e.g. "LOAD 50".')
    description = models.CharField(max_length=200, blank=True)
    wallet_cost = amount_field("What one costs the wallet.", default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["app", "code"]
        constraints = [
            models.UniqueConstraint(fields=["app", "code"], name="one_promo_code_per_app")
        ]

    def __str__(self) -> str:
        return self.code


class Reward(SentOnceRow, ToSubscriber, Requested):
    claim_related = ("app", "subscriber", "promo")

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        ACCEPTED = "accepted", "Accepted, awaiting the platform's callback"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown (awaiting callback or operator)"

    promo = models.ForeignKey(Promo, on_delete=models.PROTECT, related_name="rewards")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    transaction_id = models.CharField(max_length=64, blank=True, db_index=True)
    platform_status = models.CharField(
        max_length=200, blank=True, help_text="The status the platform's callback reported."
    )
    callback_event = optional_link("telecom.CallbackEvent")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            *ToSubscriber.subscriber_indexes("reward"),
            models.Index(fields=["app", "msisdn", "status"]),
            *SentOnceRow.outbox_indexes("reward"),
        ]
        permissions = [
            ("send_reward", "Can send rewards"),
            ("resolve_reward", "Can resolve rewards whose outcome is unknown"),
        ]

    def __str__(self) -> str:
        return f"{self.promo} to {self.msisdn} ({self.status})"
