"""The Voicent gateway twin's state (sandbox database alias, wiped by a reset)."""

from django.db import models

from sandbox.rows import SandboxRow, Shown


class VoicentRequest(SandboxRow):
    class Kind(models.TextChoices):
        TEXT = "text", "Text call"
        AUDIO = "audio", "Audio call"
        TILL_CONFIRM = "till_confirm", "Call till confirm"
        OTHER = "other", "Other program"

    class Status(models.TextChoices):
        PENDING = "", "In progress"
        MADE = "made", "Made"
        FAILED = "failed", "Failed"
        RETRY = "retry", "Will retry"

    req_id = models.CharField(max_length=32, unique=True, null=True)  # noqa: DJ001
    kind = models.CharField(max_length=12, choices=Kind.choices)
    info = models.CharField(max_length=200, blank=True)
    phoneno = models.CharField(max_length=40, blank=True)
    txt = models.TextField(blank=True)
    audiofile = models.CharField(max_length=300, blank=True)
    startexec = models.CharField(max_length=300, blank=True)
    cmdline = models.TextField(blank=True)
    call_list = models.CharField(max_length=300, blank=True)
    confirm_code = models.CharField(max_length=32, blank=True)
    selfdelete = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    calls = models.JSONField(default=list, help_text="Each number dialled and what happened.")
    confirmed_by = models.CharField(max_length=40, blank=True)
    removed = models.BooleanField(default=False)

    class Meta(SandboxRow.Meta):
        verbose_name = "Voicent request"
        verbose_name_plural = "Voicent requests"

    def __str__(self) -> str:
        return f"request {self.req_id} ({self.status or 'in progress'})"


class VoicentCallList(Shown):
    """A BroadcastByPhone call list (`.voc`) as it sits on the gateway's host."""

    shown_as = "{path}"

    path = models.CharField(max_length=300, unique=True)
    numbers = models.JSONField(default=list)

    class Meta:
        verbose_name = "Voicent call list"
        verbose_name_plural = "Voicent call lists"
