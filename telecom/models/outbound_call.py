"""`OutboundCall`: one row per HTTP request Hatid made to a provider.

Written by `telecom.http.ProviderClient` after every call, whatever happened,
with the secrets redacted: what an operator reads to see exactly what was sent,
what came back and how long it took. `correlation` holds the idempotency key
(clientCorrelator, referenceCode) and `subject` the outbox row, so every
attempt of one message or charge can be listed together.
"""

from django.db import models

from telecom.fields import RedactedCharField, RedactedTextField
from telecom.models.bases import optional_link
from telecom.models.provider_app import ProviderApp


class OutboundCall(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        TRANSIENT = "transient", "Transient error (retried)"
        RATE_LIMITED = "rate_limited", "Rate limited"
        UNKNOWN = "unknown", "Outcome unknown"
        PERMANENT = "permanent", "Refused"
        REVOKED = "revoked", "Token revoked"

    app = optional_link(ProviderApp)
    provider = models.CharField(max_length=16)
    operation = models.CharField(max_length=48, help_text="e.g. sms.send, charge, reward.send")
    method = models.CharField(max_length=8)
    url = RedactedTextField(help_text="Secrets redacted.")
    request_body = RedactedTextField(blank=True, help_text="Secrets redacted.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = RedactedTextField(blank=True, help_text="Secrets redacted; truncated.")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error = RedactedCharField(max_length=300, blank=True)
    latency_ms = models.PositiveIntegerField()
    correlation = models.CharField(
        max_length=64, blank=True, help_text="The idempotency key sent, if any."
    )
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["correlation"]),
            models.Index(fields=["-started_at"], name="outboundcall_started_desc"),
            models.Index(fields=["provider", "operation", "-started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.status_code or self.error} ({self.latency_ms} ms)"
