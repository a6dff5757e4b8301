"""Calls Hatid starts: `CallTrigger`, one request to the platform's session
API per outbound call (an outbox row), and `CallCampaign`, a flow played to
a list of numbers.

The session API (`GET /1.0/sessions?action=create&token=..`) has no
idempotency key: a trigger whose answer was lost is not sent again, it
waits, `unknown`, for the call's session to arrive (it names the trigger by
its `reference`) or for an operator.
"""

import secrets

from django.conf import settings
from django.db import models

from telecom.models import ProviderApp
from telecom.models.bases import Requested, number_field, optional_link
from telecom.send_once import SentOnceRow


def new_reference() -> str:
    return secrets.token_hex(10)


class CallCampaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        STARTED = "started", "Started"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="call_campaigns")
    flow = models.ForeignKey("VoiceFlow", on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=100)
    numbers = models.TextField(help_text="The numbers to call, one per line (any common form).")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    calls = models.PositiveIntegerField(default=0, help_text="Calls queued.")
    skipped = models.TextField(blank=True, help_text="Lines that are not mobile numbers.")
    created_by = optional_link(settings.AUTH_USER_MODEL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "call campaign"

    def __str__(self) -> str:
        return self.name


class CallTrigger(SentOnceRow, Requested):
    claim_related = ("app", "flow")

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        TRIGGERED = "triggered", "Started (the platform is calling)"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown (awaiting the call's session or an operator)"

    class Source(models.TextChoices):
        API = "api", "Partner API"
        ADMIN = "admin", "Operator"
        CAMPAIGN = "campaign", "Call campaign"
        ESCALATION = "escalation", "Escalation"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="call_triggers")
    flow = models.ForeignKey("VoiceFlow", on_delete=models.PROTECT, related_name="triggers")
    msisdn = number_field("Who is called (E.164).")
    reference = models.CharField(
        max_length=32,
        unique=True,
        default=new_reference,
        help_text="Sent as a session parameter; the call's session names its trigger with it.",
    )
    variables = models.JSONField(
        default=dict, blank=True, help_text="Given to the flow; kept in Hatid, never sent."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    platform_session_id = models.CharField(
        max_length=64, blank=True, help_text="The session id the platform answered with."
    )
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.API)
    campaign = optional_link(CallCampaign, related_name="triggers")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["-created_at"], name="calltrigger_created_desc"),
            models.Index(fields=["app", "msisdn"]),
            *SentOnceRow.outbox_indexes("calltrigger"),
        ]
        # "Outbound calls" in the console are the provider requests (telecom).
        verbose_name = "outbound voice call"
        permissions = [
            ("start_call", "Can start outbound calls and call campaigns"),
            ("resolve_calltrigger", "Can decide outbound calls whose outcome is unknown"),
        ]

    def __str__(self) -> str:
        return f"call to {self.msisdn} ({self.status})"
