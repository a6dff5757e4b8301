"""`WebhookDelivery`: one event (an inbound message, a finished USSD
session...) posted to a partner's webhook.

The body is signed with HMAC-SHA256 over the timestamp and the body, with the
partner's secret, so the partner can check it came from Hatid and is fresh.
Retried with backoff; each attempt is logged like every outbound call.
"""

from django.db import models

from telecom.models.bases import optional_link
from telecom.models.message import Message
from telecom.models.partner import Partner
from telecom.outbox import OutboxRow


class WebhookDelivery(OutboxRow):
    claim_related = ("partner",)

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    event = models.CharField(max_length=32, default="message.received")
    dedupe_key = models.CharField(
        max_length=64, help_text="The same event about the same thing is delivered once."
    )
    body = models.JSONField(default=dict, help_text="What is posted (delivery_id is added).")
    message = optional_link(Message, on_delete=models.CASCADE, related_name="webhook_deliveries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "event", "dedupe_key"], name="one_webhook_per_partner_event"
            )
        ]
        indexes = OutboxRow.outbox_indexes("webhookdelivery")

    def __str__(self) -> str:
        return f"{self.event} to {self.partner} ({self.status})"
