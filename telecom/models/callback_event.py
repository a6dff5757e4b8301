"""`CallbackEvent`: the raw copy of every request a provider makes to Hatid.

It is written before anything else looks at the request, so nothing a provider
sends is ever lost: a payload that does not validate stays here `rejected`, a
handler that crashed leaves it `failed` with the traceback, and an operator can
re-run either. Query strings and bodies may carry access tokens, so both are
encrypted at rest; the route keeps the path without the callback token.
"""

import json

from django.db import models
from django.http import QueryDict
from django.utils import timezone

from telecom.fields import EncryptedTextField
from telecom.models.provider_app import ProviderApp


class CallbackEvent(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        REJECTED = "rejected", "Rejected (invalid payload)"
        FAILED = "failed", "Failed (error while processing)"

    # Not indexed alone: the (app, kind, received_at) index serves the app's
    # lookups, and every index is written again by each status mark.
    app = models.ForeignKey(
        ProviderApp, on_delete=models.PROTECT, related_name="callback_events", db_index=False
    )
    kind = models.CharField(max_length=32, help_text="Which callback URI was called.")
    route = models.CharField(
        max_length=300,
        blank=True,
        help_text="The path the request came to, its token masked as …; a voice "
        "request's flow and step are read from it when it is processed or re-run.",
    )
    method = models.CharField(max_length=8)
    query_string = EncryptedTextField(blank=True)
    body = EncryptedTextField(blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    headers = models.JSONField(default=dict, help_text="Request headers, secrets redacted.")
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    note = models.CharField(
        max_length=200, blank=True, help_text="What processing did, e.g. 'duplicate of message 42'."
    )
    error = models.TextField(blank=True, help_text="Why the payload was rejected or failed.")
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="How many times it was processed.")
    processed_at = models.DateTimeField(null=True, blank=True)
    lane = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For a callback answered once stored: the lane its worker processes it "
        "in (the subscriber's number hashed), in order with the subscriber's others.",
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["app", "kind", "-received_at"]),
            models.Index(fields=["status", "-received_at"]),
            models.Index(fields=["-received_at"], name="callbackevent_received_desc"),
            models.Index(
                fields=["lane", "id"],
                name="callbackevent_lane_waiting",
                condition=models.Q(status="received", lane__isnull=False),
            ),
        ]
        permissions = [("rerun_callbackevent", "Can re-run a stored callback")]

    def __str__(self) -> str:
        return f"{self.kind} callback {self.pk} ({self.status})"

    @property
    def query_params(self) -> QueryDict:
        return QueryDict(self.query_string.reveal() if self.query_string else "")

    @property
    def body_text(self) -> str:
        return self.body.reveal() if self.body else ""

    def json(self):
        """The body parsed as JSON; ValueError when it is not JSON.

        Nesting too deep for Python's parser (`[` x3000) is not JSON any
        callback sends: a ValueError too, so the event is rejected, not failed."""
        try:
            return json.loads(self.body_text)
        except RecursionError:
            raise ValueError("nested too deeply") from None
