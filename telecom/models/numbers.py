"""Hoiio numbers an app rents: `HoiioNumber` (the subscription, an outbox
row: renting is charged and has no idempotency key) and
`NumberConfiguration` (each change of where Hoiio forwards what arrives on
the number; setting the same forwarding again is harmless, so it is retried).
"""

from django.db import models

from telecom.fields import RedactedURLField
from telecom.models.bases import HoiioDebit
from telecom.models.provider_app import ProviderApp
from telecom.outbox import OutboxRow
from telecom.send_once import SentOnceRow

# Hatid's own callback URIs: the token in their path is the credential.
CALLBACK_URI_HELP = "Hatid's callback URI, its token redacted."


class HoiioNumber(SentOnceRow, HoiioDebit):
    claim_related = ("app",)

    class Status(models.TextChoices):
        QUEUED = "queued", "Subscription queued"
        SENDING = "sending", "Subscribing"
        ACTIVE = "active", "Active"
        FAILED = "failed", "Subscription failed"
        UNKNOWN = "unknown", "Outcome unknown (being looked up in the active list)"
        EXPIRED = "expired", "No longer in the active list"

    class Duration(models.TextChoices):
        ONE = "1", "1 month"
        THREE = "3", "3 months"
        TWELVE = "12", "12 months"
        AUTO = "auto_extend", "Renewed every month"

    class Mode(models.TextChoices):
        VOICE = "voice", "Voice"
        FAX = "fax", "Fax"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="hoiio_numbers")
    number = models.CharField(max_length=20, help_text="E.164.")
    country = models.CharField(max_length=2, blank=True)
    state = models.CharField(max_length=8, blank=True)
    duration = models.CharField(max_length=12, choices=Duration.choices, default=Duration.ONE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    expiry = models.DateField(null=True, blank=True)
    auto_extend = models.BooleanField(null=True, blank=True)
    mode = models.CharField(max_length=5, choices=Mode.choices, blank=True)
    forward_to = RedactedURLField(max_length=500, blank=True, help_text=CALLBACK_URI_HELP)
    forward_sms_to = RedactedURLField(max_length=500, blank=True, help_text=CALLBACK_URI_HELP)

    class Meta:
        verbose_name = "Hoiio number"
        verbose_name_plural = "Hoiio numbers"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["app", "number"], name="one_hoiio_number_per_app")
        ]
        indexes = [*SentOnceRow.outbox_indexes("hoiionumber")]
        permissions = [("manage_hoiionumber", "Can rent and configure Hoiio numbers")]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"


class NumberConfiguration(OutboxRow):
    claim_related = ("number", "number__app")

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        DONE = "done", "Applied"
        FAILED = "failed", "Failed"

    number = models.ForeignKey(HoiioNumber, on_delete=models.CASCADE, related_name="changes")
    mode = models.CharField(max_length=5, choices=HoiioNumber.Mode.choices)
    forward_to = RedactedURLField(max_length=500, blank=True, help_text=CALLBACK_URI_HELP)
    forward_sms_to = RedactedURLField(max_length=500, blank=True, help_text=CALLBACK_URI_HELP)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)

    class Meta:
        ordering = ["-created_at"]
        indexes = [*OutboxRow.outbox_indexes("numberconf")]

    def __str__(self) -> str:
        return f"{self.number.number}: {self.mode} ({self.status})"
