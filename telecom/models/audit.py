"""The audit trail: who did what to which rows, when, from where, and how it went.

One `AuditEvent` per operator action in the console and per partner API write
(`telecom.audit`). Append-only: the admin offers no change or delete, and a
database trigger (migration telecom 0017) refuses UPDATE and DELETE on the
table, for superusers and raw SQL too. `detail` holds what the action was
(changed field names, the HTTP status, filters), never a field's value.
"""

from django.conf import settings
from django.db import models

# How many rows one event names; beyond, only `object_count` tells how many.
MAX_OBJECTS = 100


class ActorKind(models.TextChoices):
    USER = "user", "console user"
    PARTNER = "partner", "partner API key"
    SYSTEM = "system", "system"


class Outcome(models.TextChoices):
    SUCCEEDED = "succeeded", "succeeded"
    FAILED = "failed", "failed"
    INVALID = "invalid", "refused as invalid"
    REFUSED = "refused", "refused (permission, not found, throttled)"
    ERROR = "error", "error"


def actor_link(model, help_text: str):
    """Who acted, as a link without a database constraint or a cascade: deleting
    a user or a partner must neither delete its events nor be blocked by them
    (`actor` keeps the name)."""
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text=help_text,
    )


class AuditEvent(models.Model):
    ActorKind = ActorKind
    Outcome = Outcome

    at = models.DateTimeField(
        "when", auto_now_add=True, db_index=True, help_text="When it happened."
    )
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    user = actor_link(settings.AUTH_USER_MODEL, "The console user who acted.")
    partner = actor_link("telecom.Partner", "The partner whose API key acted.")
    key_prefix = models.CharField(
        max_length=32, blank=True, help_text="The API key's public prefix (never the key)."
    )
    actor = models.CharField(
        max_length=200, db_index=True, help_text="Who, in words: the username or the partner."
    )
    action = models.CharField(
        max_length=120, db_index=True, help_text="What was done, e.g. message.send_again."
    )
    object_type = models.CharField(
        max_length=100, blank=True, db_index=True, help_text="The kind of row acted on."
    )
    targets = models.JSONField(
        "objects",
        default=list,
        blank=True,
        help_text=f"The rows acted on: [{{id, label}}], the first {MAX_OBJECTS}.",
    )
    object_count = models.PositiveIntegerField(
        default=0, help_text="How many rows (0 for a whole filtered list: see detail)."
    )
    address = models.GenericIPAddressField(null=True, blank=True, help_text="From where.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.JSONField(
        default=dict,
        blank=True,
        help_text="Changed field names, the HTTP status, the list's filters; never a value.",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["partner", "id"], name="auditevent_partner_id")]
        permissions = [("export_rows", "Can export lists as CSV")]

    def __str__(self) -> str:
        return f"{self.actor}: {self.action} ({self.outcome})"
