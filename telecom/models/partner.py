"""Partners of the REST API, their API keys, and the Idempotency-Key records.

An API key is shown once, when it is created; only its SHA-256 digest is
stored (the key is 256 random bits, so a slow password hash would add latency
to every request and no security). The key's prefix is stored in clear so a
request finds its key row with one indexed lookup.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from telecom.fields import EncryptedTextField, OutboundURLField
from telecom.models.provider_app import ProviderApp

KEY_PREFIX_BYTES = 6


class Partner(models.Model):
    name = models.CharField(max_length=100, unique=True)
    webhook_url = OutboundURLField(
        max_length=500,
        blank=True,
        help_text="Receives the apps' inbound messages as signed JSON POSTs.",
    )
    webhook_secret = EncryptedTextField(
        blank=True, editable=False, help_text="Signs webhook bodies (HMAC-SHA256)."
    )
    apps = models.ManyToManyField(
        ProviderApp,
        blank=True,
        related_name="partners",
        help_text="The apps this partner may use. With one app, requests need not name it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # DRF treats the authenticated principal as the request's user.
    is_authenticated = True
    is_anonymous = False


class ApiKeyQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, blank=True, help_text="What this key is used for.")
    prefix = models.CharField(max_length=2 * KEY_PREFIX_BYTES, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list, help_text="What the key may do, e.g. sms:send.")
    rate_per_minute = models.PositiveIntegerField(
        null=True, blank=True, help_text="Requests per minute; empty uses the default."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.partner} key {self.prefix}…"

    @classmethod
    def generate(
        cls, *, partner: Partner, scopes: list[str], name: str = ""
    ) -> tuple["ApiKey", str]:
        """A new saved key row and the key itself, which is never stored nor shown again."""
        row = cls(partner=partner, name=name, scopes=sorted(scopes))
        key = row.issue_key()
        row.save()
        return row, key

    def issue_key(self) -> str:
        """Give this (unsaved) row a fresh key; return the key."""
        prefix = secrets.token_hex(KEY_PREFIX_BYTES)
        key = f"hatid_{prefix}_{secrets.token_urlsafe(32)}"
        self.prefix, self.digest = prefix, digest_key(key)
        return key

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    @property
    def effective_rate_per_minute(self) -> int:
        return self.rate_per_minute or settings.API_DEFAULT_RATE_PER_MINUTE

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


def digest_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> str | None:
    """The prefix of a well-formed key, else None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "hatid" or len(parts[1]) != 2 * KEY_PREFIX_BYTES:
        return None
    return parts[1]


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an Idempotency-Key, replayed for 24 hours."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_digest = models.CharField(
        max_length=64, help_text="SHA-256 of method, path and body: a reused key must match."
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    locked_until = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # The answer as JSON text, not jsonb: jsonb reorders keys, and a replay must
    # be the same answer byte for byte.
    response_body = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_per_api_key")
        ]

    def __str__(self) -> str:
        return f"Idempotency-Key {self.key} ({self.status})"
