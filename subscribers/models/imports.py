"""`SubscriberImport`: a CSV of numbers an operator uploaded to one app, and how
far its check and its import went.

The file itself is kept in the row (`data`), so any worker on any host can read
it, a killed worker's task is delivered again, and an operator can resume: the
import carries on from `position`, the data rows already applied, which is
committed in the same transaction as each batch.
"""

from django.conf import settings
from django.db import models

from telecom.models.provider_app import ProviderApp

SAMPLE_SIZE = 10
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows (Excel)",
    "latin-1": "Latin-1",
}


class SubscriberImport(models.Model):
    class Status(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        PREVIEWED = "previewed", "Checked: waiting to be applied"
        APPLYING = "applying", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKING)
    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The operator who uploaded the file.",
    )
    file_name = models.CharField(max_length=200)
    data = models.BinaryField(help_text="The uploaded file, as it came.")
    size = models.PositiveIntegerField(help_text="The file's size in bytes.")
    encoding = models.CharField(max_length=16, help_text="How the file's text was encoded.")
    delimiter = models.CharField(max_length=1, default=",")
    checked_bytes = models.PositiveIntegerField(default=0, help_text="How far the check read.")
    total_rows = models.PositiveIntegerField(
        null=True, blank=True, help_text="Data rows in the file (known once checked)."
    )
    position = models.PositiveIntegerField(
        default=0, help_text="Data rows applied so far; a resumed import starts after them."
    )
    preview = models.JSONField(
        default=dict, blank=True, help_text="What the check found: counts and sample rows."
    )
    result = models.JSONField(
        default=dict, blank=True, help_text="What the import did: counts and sample rows."
    )
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True, help_text="When it was applied.")
    progressed_at = models.DateTimeField(
        null=True, blank=True, help_text="The last batch checked or applied."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "subscriber import"
        verbose_name_plural = "subscriber imports"

    def __str__(self) -> str:
        return f"{self.file_name} into {self.app}"

    @property
    def encoding_label(self) -> str:
        return ENCODINGS.get(self.encoding, self.encoding)

    @property
    def percent(self) -> int:
        """How far the current phase went, 0 to 100."""
        if self.status == self.Status.CHECKING:
            return min(99, self.checked_bytes * 100 // max(self.size, 1))
        if self.status == self.Status.APPLYING:
            return min(99, self.position * 100 // max(self.total_rows or 0, 1))
        if self.status == self.Status.DONE:
            return 100
        if self.status == self.Status.PREVIEWED:
            return 100
        return 0
