"""Charging: `Charge` rows and the per-app referenceCode counter.

A referenceCode is the shortcode suffix and a 7-digit counter per app
(API docs: "Charge Subscriber": "[1234]1,000,001 to [1234]9,999,999").
The counter is a database row incremented in the transaction that creates
the charge: codes are strictly increasing, never reused, and, since a
rolled-back charge rolls back its increment, without gaps.
"""

from django.db import models
from django.db.models import Q

from telecom.models.bases import Requested, amount_field
from telecom.models.live_token_claim import ClaimedWithLiveToken
from telecom.models.provider_app import ProviderApp
from telecom.models.to_subscriber import ToSubscriber
from telecom.outbox import OutboxRow
from telecom.timefmt import console_time

FIRST_REFERENCE = 1_000_001
LAST_REFERENCE = 9_999_999


class ReferenceCounter(models.Model):
    app = models.OneToOneField(
        ProviderApp, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    next_value = models.BigIntegerField(default=FIRST_REFERENCE)

    def __str__(self) -> str:
        return f"next referenceCode of {self.app_id}: {self.next_value}"


class Charge(ClaimedWithLiveToken, OutboxRow, ToSubscriber, Requested):
    claim_related = ("app", "subscriber")

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Charging"
        CHARGED = "charged", "Charged"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown (needs an operator)"
        CANCELLED = "cancelled", "Cancelled"

    amount = amount_field()
    description = models.CharField(max_length=100, help_text="Shown on the subscriber's bill.")
    duration_days = models.PositiveIntegerField(
        default=0, help_text="Days of the subscription this buys (0: a one-time charge)."
    )
    reference_code = models.CharField(max_length=16, unique=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    unknown_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while an attempt's outcome is unknown: the next attempt first asks "
        "getLastRefCode whether the platform saw this referenceCode.",
    )
    server_reference_code = models.CharField(max_length=64, blank=True)
    amount_charged = amount_field(optional=True)
    platform_status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The platform's answer code (201, 402, 701...)."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            *ToSubscriber.subscriber_indexes("charge"),
            models.Index(fields=["app", "status"]),
            models.Index(
                fields=["unknown_since"],
                name="charge_unknown",
                condition=Q(unknown_since__isnull=False),
            ),
            *OutboxRow.outbox_indexes("charge"),
        ]
        permissions = [
            ("charge_subscriber", "Can charge subscribers"),
            ("resolve_charge", "Can resolve charges whose outcome is unknown"),
        ]

    def __str__(self) -> str:
        return f"{self.reference_code} ₱{self.amount} {self.msisdn} ({self.status})"


class ReconciliationReport(models.Model):
    """The platform's last referenceCode compared with Hatid's charges."""

    app = models.ForeignKey(ProviderApp, on_delete=models.CASCADE, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)
    platform_last = models.CharField(max_length=16, blank=True)
    hatid_last_charged = models.CharField(max_length=16, blank=True)
    ok = models.BooleanField()
    findings = models.TextField(blank=True)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"reconciliation of {self.app} at {console_time(self.checked_at)}: " + (
            "ok" if self.ok else "gaps"
        )
