"""`SmsBulk`: one Hoiio bulk send, the same text to up to 1,000 numbers.

A campaign through Hoiio is sent as bulk sends rather than one request per
message: its messages are created `batched`, in chunks of at most 1,000, each
chunk one `SmsBulk` (an outbox row). The bulk's `tag` goes with the request,
so a bulk whose answer was lost is found again in Hoiio's history (each SMS
of it listed with that tag) instead of being sent twice.
"""

from django.db import models

from telecom.models.bases import optional_link
from telecom.models.provider_app import ProviderApp
from telecom.send_once import SentOnceRow


class SmsBulk(SentOnceRow):
    claim_related = ("app",)

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        HELD = "held", "Held (campaign paused)"
        SENDING = "sending", "Sending"
        SENT = "sent", "Accepted by Hoiio"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        UNKNOWN = "unknown", "Outcome unknown (being looked up in Hoiio's history)"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="sms_bulks")
    campaign = optional_link("telecom.Campaign", on_delete=models.CASCADE, related_name="bulks")
    text = models.TextField()
    size = models.PositiveIntegerField(help_text="How many numbers (at most 1,000).")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    tag = models.CharField(
        max_length=32, unique=True, help_text="Sent as Hoiio's tag: how the bulk is found again."
    )
    bulk_txn_ref = models.CharField("bulk_txn_ref", max_length=64, blank=True)

    class Meta:
        verbose_name = "SMS bulk send"
        verbose_name_plural = "SMS bulk sends"
        ordering = ["-created_at"]
        indexes = [*SentOnceRow.outbox_indexes("smsbulk"), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"bulk of {self.size} ({self.status})"
