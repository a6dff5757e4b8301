"""Hoiio IVR sessions: a call Hatid dials (`IvrSession`) and the blocks it
then plays, one at a time (`IvrStep`).

The session's `plan` is the list of steps to run (see `telecom.hoiio.ivr_steps`
for the step kinds and how Tropo's verbs map onto them). Hoiio runs one block
at a time and notifies when it is done; only then is the next step created
and sent. Each request (the dial and every block) is an outbox row with its
own `tag`, so a block whose answer was lost is settled by its notification,
never sent twice.
"""

from django.db import models

from telecom.models.bases import Requested
from telecom.models.provider_app import ProviderApp
from telecom.send_once import SentOnceRow


class IvrSession(SentOnceRow, Requested):
    claim_related = ("app",)

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Dialling"
        DIALLED = "dialled", "Dialled, waiting for an answer"
        RUNNING = "running", "Running its steps"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown (being looked up in Hoiio's history)"
        STUCK = "stuck", "No notification came (see the operator)"

    class Direction(models.TextChoices):
        OUT = "out", "Dialled by Hatid"
        IN = "in", "A call to a Hoiio number"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="ivr_sessions")
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.OUT)
    dest = models.CharField(max_length=20, help_text="The number called (or calling), E.164.")
    caller_id = models.CharField(max_length=20, blank=True)
    max_duration = models.PositiveIntegerField(null=True, blank=True)
    greeting = models.TextField(blank=True, help_text="Played by the dial when answered.")
    plan = models.JSONField(default=list, help_text="The steps still to run, in order.")
    position = models.PositiveIntegerField(default=0, help_text="Steps run so far.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    tag = models.CharField(max_length=32, unique=True, help_text="Sent as the dial's tag.")
    session = models.CharField(max_length=64, blank=True, db_index=True, help_text="Hoiio's id.")
    txn_ref = models.CharField("txn_ref", max_length=64, blank=True)
    call_state = models.CharField(max_length=16, blank=True, help_text="Hoiio's last word.")
    results = models.JSONField(
        default=dict, help_text="What the caller did, by step name: digits, recordings."
    )
    last_event_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "IVR session"
        verbose_name_plural = "IVR sessions"
        ordering = ["-created_at"]
        indexes = [*SentOnceRow.outbox_indexes("ivrsession"), models.Index(fields=["status"])]
        permissions = [("run_ivrsession", "Can start IVR sessions")]

    def __str__(self) -> str:
        return f"IVR {self.dest} ({self.status})"


class IvrStep(SentOnceRow):
    claim_related = ("session", "session__app")

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Running at Hoiio"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown (waiting for Hoiio's notification)"

    session = models.ForeignKey(IvrSession, on_delete=models.CASCADE, related_name="steps")
    index = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, help_text="play, gather, record, monitor, ...")
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    tag = models.CharField(max_length=40, unique=True, help_text="Sent as the block's tag.")
    result = models.JSONField(default=dict, help_text="Hoiio's notification about it.")

    class Meta:
        verbose_name = "IVR step"
        verbose_name_plural = "IVR steps"
        ordering = ["session", "index"]
        constraints = [
            models.UniqueConstraint(fields=["session", "index"], name="one_ivr_step_per_index")
        ]
        indexes = [*SentOnceRow.outbox_indexes("ivrstep")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.index} ({self.status})"
