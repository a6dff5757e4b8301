"""Calls: one `CallSession` per Tropo session, and its `CallExchange`s, one per
request the platform made (the session that started it, each result) with
what Hatid answered.

A repeated request (the platform retrying, a duplicate) finds its exchange
by `request_key` and gets the same answer: nothing is applied twice, no
action runs twice.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from telecom.fields import RedactedJSONField, RedactedTextField
from telecom.models import CallbackEvent, ProviderApp
from telecom.models.bases import number_field, optional_link
from telecom.steps.models import StepSession, session_indexes


class CallSession(StepSession):
    class Direction(models.TextChoices):
        INBOUND = "inbound", "Inbound (the subscriber called)"
        OUTBOUND = "outbound", "Outbound (Hatid called)"

    class Status(models.TextChoices):
        DIALING = "dialing", "Dialing"
        ACTIVE = "active", "In progress"
        COMPLETED = "completed", "Completed (the flow ended)"
        HUNG_UP = "hung_up", "The caller hung up"
        NO_ANSWER = "no_answer", "Not answered"
        ERROR = "error", "Ended by an error"
        EXPIRED = "expired", "No news from the platform"

    # A call is open while dialing or in progress; every other status ends it.
    OPEN = (Status.DIALING, Status.ACTIVE)

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="call_sessions")
    flow = optional_link("VoiceFlow", related_name="sessions")
    session_id = models.CharField(max_length=64, help_text="The platform's session id.")
    call_id = models.CharField(max_length=64, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    caller = models.CharField(
        max_length=100, blank=True, help_text="`from`, as the platform gave it."
    )
    callee = models.CharField(
        max_length=100, blank=True, help_text="`to`, as the platform gave it."
    )
    msisdn = number_field("The subscriber on the call (E.164).", blank=True)
    subscriber = optional_link(
        "subscribers.Subscriber", on_delete=models.PROTECT, related_name="call_sessions"
    )
    trigger = optional_link(
        "CallTrigger", "The outbound call request that started it.", related_name="sessions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    current_step = models.CharField(
        max_length=40, blank=True, help_text="The step whose document the call is playing."
    )
    awaiting = models.JSONField(
        default=list, blank=True, help_text="The steps of the last document answered."
    )
    started_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta(StepSession.Meta):
        constraints = [
            models.UniqueConstraint(fields=["app", "session_id"], name="one_call_session_per_id")
        ]
        indexes = session_indexes(
            "callsession",
            by="flow",
            open_when=Q(status__in=["dialing", "active"]),  # CallSession.OPEN
            open_name="callsession_open",
        )
        verbose_name = "call session"

    def __str__(self) -> str:
        return f"call {self.session_id[:12]} {self.msisdn or self.caller} ({self.status})"

    @property
    def is_over(self) -> bool:
        return self.status not in self.OPEN

    @property
    def duration(self):
        end = self.ended_at or self.last_activity_at
        return end - self.started_at if end else None


class CallExchange(models.Model):
    """One request of the platform and Hatid's answer: the transcript of a call."""

    class Kind(models.TextChoices):
        SESSION = "session", "Session (the call started)"
        RESULT = "result", "Result"

    session = models.ForeignKey(CallSession, on_delete=models.CASCADE, related_name="exchanges")
    sequence = models.PositiveIntegerField(help_text="Order within the call.")
    request_key = models.CharField(
        max_length=120, help_text="Identifies a repeated request: step, event, result sequence."
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    step = models.CharField(max_length=40, blank=True, help_text="The step of the request's URL.")
    event = models.CharField(max_length=12, blank=True, help_text="The Tropo event it reports.")
    tropo_sequence = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=16, blank=True, help_text="The result's call state.")
    received = RedactedJSONField(null=True, blank=True, help_text="What the platform posted.")
    disposition = models.CharField(max_length=16, blank=True)
    interpretation = models.CharField(max_length=200, blank=True)
    recording_url = models.URLField(max_length=500, blank=True)
    answered_steps = models.JSONField(default=list, blank=True, help_text="Steps answered with.")
    answer = RedactedTextField(
        blank=True, help_text="The Tropo JSON Hatid answered, the callback token redacted."
    )
    note = models.CharField(max_length=300, blank=True, help_text="What the steps' actions did.")
    callback_event = optional_link(CallbackEvent)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "request_key"], name="one_answer_per_call_request"
            )
        ]
        verbose_name = "call exchange"

    def __str__(self) -> str:
        return f"{self.session.session_id[:12]} #{self.sequence}"
