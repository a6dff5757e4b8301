"""`Campaign`: one text (or one message template, filled for each recipient)
to a segment of subscribers, sent in the background.

Creating its messages streams the segment in batches; delivery hands many
messages to each task; pausing holds the queued ones, cancelling ends them.
One with a `send_at` waits `scheduled` until then; one whose app is in its
quiet hours waits `quiet`, its messages held as in a pause
(`telecom.services.campaign_schedule`).
"""

from django.conf import settings
from django.db import models

from telecom.models.bases import Timestamped, optional_link
from telecom.models.provider_app import ProviderApp


class Campaign(Timestamped):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        BUILDING = "building", "Creating messages"
        RUNNING = "running", "Sending"
        PAUSED = "paused", "Paused"
        QUIET = "quiet", "Waiting for quiet hours to end"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=100)
    text = models.TextField(help_text="The text, or the template's text when it has one.")
    template = optional_link("telecom.MessageTemplate", "The template it was written from.")
    variables = models.JSONField(
        null=True,
        blank=True,
        help_text="The template's variables and their defaults when the campaign began; "
        "empty when the text goes out as written.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BUILDING)
    segment = models.JSONField(
        default=dict, help_text="Who receives it: status, tag, and/or a list of numbers."
    )
    recipients = models.PositiveIntegerField(default=0, help_text="Messages created.")
    skipped = models.PositiveIntegerField(
        default=0, help_text="Numbers in the segment that could not receive it (no consent)."
    )
    parts_per_message = models.PositiveSmallIntegerField(
        default=1, help_text="For a template, the most a filled text may take."
    )
    created_by = optional_link(settings.AUTH_USER_MODEL)
    partner = optional_link("telecom.Partner")
    send_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it starts (stored in UTC); empty: as soon as it is created.",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The clock's question every few seconds: which scheduled ones are due.
            models.Index(
                fields=["send_at"],
                name="campaign_due",
                condition=models.Q(status="scheduled"),
            )
        ]
        permissions = [("run_campaign", "Can start, pause, resume and cancel campaigns")]

    def __str__(self) -> str:
        return self.name

    @property
    def personalized(self) -> bool:
        """Whether each recipient's text is filled with their own values."""
        return self.variables is not None

    @property
    def total_parts(self) -> int:
        return self.recipients * self.parts_per_message
