"""`Fax`: a PDF faxed out through Hoiio, or received on a Hoiio number.

Both are outbox rows. Out: the document is sent once (a lost answer is found
again by the `tag` in Hoiio's fax history). In: Hoiio's notification names
a `fax_url`; fetching the document is the row's delivery (a GET, safe to
repeat). The document is kept in the database, so every web process and
worker on every host reads the same bytes.
"""

from django.db import models

from telecom.fields import OutboundURLField
from telecom.models.bases import HoiioTransaction, Requested, optional_link
from telecom.models.provider_app import ProviderApp
from telecom.send_once import SentOnceRow

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class Fax(SentOnceRow, HoiioTransaction, Requested):
    claim_related = ("app",)

    class Direction(models.TextChoices):
        OUT = "out", "Sent"
        IN = "in", "Received"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SUBMITTED = "submitted", "Accepted by Hoiio"
        ONGOING = "ongoing", "Transmitting"
        ANSWERED = "answered", "Delivered"
        UNANSWERED = "unanswered", "Not answered"
        BUSY = "busy", "Busy"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown (being looked up in Hoiio's history)"
        RECEIVED = "received", "Received"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="faxes")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    src = models.CharField(max_length=20, blank=True, help_text="The sending number.")
    dest = models.CharField(max_length=20, help_text="The receiving number.")
    filename = models.CharField(max_length=200, blank=True)
    document = models.BinaryField(blank=True, default=b"", help_text="The PDF.")
    pages = models.PositiveIntegerField(null=True, blank=True)
    caller_id = models.CharField(max_length=20, blank=True)
    fax_url = OutboundURLField(max_length=500, blank=True, help_text="Where Hoiio serves it.")
    callback_event = optional_link("telecom.CallbackEvent")

    class Meta:
        verbose_name = "fax"
        verbose_name_plural = "faxes"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["app", "txn_ref"],
                condition=models.Q(direction="in"),
                name="one_received_fax_per_txn_ref",
            )
        ]
        indexes = [*SentOnceRow.outbox_indexes("fax"), models.Index(fields=["status"])]
        permissions = [("send_fax", "Can send faxes")]

    def __str__(self) -> str:
        arrow = "→" if self.direction == self.Direction.OUT else "←"
        return f"fax {arrow} {self.dest if self.direction == 'out' else self.src} ({self.status})"
