"""`Message`: one SMS, in or out, and the reassembly of multipart inbound SMS.

An outbound message is an outbox row: it is born `queued` with its
clientCorrelator, and the platform never delivers one clientCorrelator twice,
so every retry reuses it. Through Hoiio, which has no such key, the
clientCorrelator is sent as the request's `tag` instead: a message whose
outcome is unknown is found again by it in Hoiio's history, never resent
blindly. A campaign's Hoiio messages are `batched` into bulk sends of up to
1,000 (`SmsBulk`), each message then getting its own `txn_ref`.

An inbound message is stored once per platform message (its `messageId`,
or a hash of its content when the platform sends none); a multipart one
once per `multipartRefId`, when complete.
"""

import secrets

from django.db import models
from django.db.models import Q

from telecom.fields import RedactedURLField
from telecom.models.bases import Requested, number_field, optional_link
from telecom.models.callback_event import CallbackEvent
from telecom.models.live_token_claim import ClaimedWithLiveToken
from telecom.models.provider_app import ProviderApp
from telecom.outbox import OutboxRow


def new_client_correlator() -> str:
    return secrets.token_hex(10)


class Message(ClaimedWithLiveToken, OutboxRow, Requested):
    claim_related = ("app", "subscriber")

    class Direction(models.TextChoices):
        OUT = "out", "Outbound (MT)"
        IN = "in", "Inbound (MO)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        HELD = "held", "Held (campaign paused)"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        RECEIVED = "received", "Received"
        BATCHED = "batched", "In a bulk send"
        UNKNOWN = "unknown", "Outcome unknown (being looked up at the provider)"

    class Source(models.TextChoices):
        API = "api", "Partner API"
        ADMIN = "admin", "Operator"
        CAMPAIGN = "campaign", "Campaign"
        KEYWORD = "keyword", "Keyword auto-reply"
        FLOW = "flow", "USSD or voice flow"
        PLATFORM = "platform", "Platform (inbound)"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="messages")
    # The links a composite index leads with are not indexed alone (Meta.indexes,
    # constraints): an inbound or outbound message writes every index it has.
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="messages", db_index=False
    )
    msisdn = number_field("E.164.")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    status = models.CharField(max_length=16, choices=Status.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    text = models.TextField(blank=True)
    encoding = models.CharField(max_length=8, blank=True, help_text="GSM-7 or UCS-2.")
    parts = models.PositiveSmallIntegerField(default=1, help_text="Billed parts.")
    # Binary SMS (API docs: "Binary SMS").
    user_data_header = models.CharField(max_length=280, blank=True)
    data_coding_scheme = models.PositiveSmallIntegerField(null=True, blank=True)
    # Outbound
    client_correlator = models.CharField(max_length=64, blank=True)
    resource_url = RedactedURLField(
        max_length=500,
        blank=True,
        help_text="The platform's resourceURL, its access token redacted.",
    )
    campaign = optional_link(
        "telecom.Campaign", on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    # Hoiio
    txn_ref = models.CharField(
        "txn_ref", max_length=64, blank=True, help_text="Hoiio's reference for this SMS."
    )
    delivery_status = models.CharField(
        max_length=16,
        blank=True,
        help_text="The provider's delivery report (Hoiio: queued, delivered, failed, error).",
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    bulk = optional_link("telecom.SmsBulk", related_name="messages")
    submitted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a request for it last left for a provider without an idempotency key.",
    )
    # Inbound
    platform_key = models.CharField(
        max_length=80, blank=True, help_text="messageId, multipart:{ref}, or a content hash."
    )
    platform_sent_at = models.DateTimeField(null=True, blank=True)
    incomplete = models.BooleanField(
        default=False, help_text="Multipart message handled with parts missing."
    )
    keyword_rule = optional_link("telecom.KeywordRule")
    callback_event = optional_link(CallbackEvent)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["app", "client_correlator"],
                condition=Q(direction="out"),
                name="one_message_per_client_correlator",
            ),
            models.UniqueConstraint(
                fields=["app", "platform_key"],
                condition=Q(direction="in"),
                name="one_message_per_platform_key",
            ),
            models.UniqueConstraint(
                fields=["campaign", "subscriber"],
                condition=Q(campaign__isnull=False),
                name="one_message_per_campaign_subscriber",
            ),
        ]
        indexes = [
            models.Index(fields=["subscriber", "-created_at"]),
            models.Index(fields=["msisdn", "-created_at"]),
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["direction", "status", "-created_at"]),
            models.Index(
                fields=["app", "txn_ref"], name="message_txn_ref", condition=~Q(txn_ref="")
            ),
            *OutboxRow.outbox_indexes("message"),
        ]
        permissions = [
            ("send_message", "Can send SMS"),
            ("retry_message", "Can retry or cancel SMS"),
        ]

    def __str__(self) -> str:
        arrow = "→" if self.direction == self.Direction.OUT else "←"
        return f"{arrow} {self.msisdn}: {self.text[:40]}"

    @property
    def is_binary(self) -> bool:
        return self.data_coding_scheme is not None


class InboundMultipart(models.Model):
    """The parts of one multipart inbound SMS as they arrive, in any order and
    any number of times. The row is locked while a part is added, so the
    message is assembled exactly once."""

    app = models.ForeignKey(ProviderApp, on_delete=models.CASCADE, related_name="+")
    ref_id = models.CharField(max_length=64)
    msisdn = models.CharField(max_length=16)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    parts = models.JSONField(default=dict, help_text="Sequence number -> text.")
    first_seen_at = models.DateTimeField(auto_now_add=True)
    message = optional_link(Message, field=models.OneToOneField)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["app", "ref_id"], name="one_assembly_per_ref")
        ]
        indexes = [
            models.Index(
                fields=["first_seen_at"], name="multipart_open", condition=Q(message__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"multipart {self.ref_id}: {len(self.parts)}/{self.total or '?'}"
