"""Escalation calling ("call till confirm", as the Voicent gateway names it):
call a list of numbers in order, round after round, until someone enters
the confirmation code; record who confirmed.

Each `EscalationAttempt` is one call to one number. On Globe Labs it is an
outbound call (a `CallTrigger`) whose flow asks for the code. Through the
Voicent gateway the gateway's own call-till-confirm runs the calls: the
escalation points at the `telecom.VoicentEscalation` that does the work and
follows it (status, who confirmed), so an operator sees one escalation
whichever provider runs it.
"""

from django.db import models
from django.utils import timezone

from telecom.models import ProviderApp
from telecom.models.bases import Requested, number_field, optional_link


class Escalation(Requested):
    class Provider(models.TextChoices):
        GLOBE = "globe", "Globe Labs voice (Tropo)"
        VOICENT = "voicent", "Voicent gateway (call till confirm)"

    class Status(models.TextChoices):
        RUNNING = "running", "Calling"
        CONFIRMED = "confirmed", "Confirmed"
        EXHAUSTED = "exhausted", "Nobody confirmed (all rounds done)"
        CANCELLED = "cancelled", "Cancelled"
        UNKNOWN = "unknown", "Outcome unknown (see the operator)"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="escalations")
    provider = models.CharField(max_length=8, choices=Provider.choices, default=Provider.GLOBE)
    flow = optional_link(
        "VoiceFlow",
        "The flow each call plays; it must ask for the code and confirm.",
        on_delete=models.PROTECT,
        related_name="escalations",
    )
    voicent = optional_link(
        "telecom.VoicentEscalation",
        "The gateway's escalation doing the calling (Voicent only).",
        on_delete=models.PROTECT,
        related_name="escalation",
        field=models.OneToOneField,
    )
    name = models.CharField(max_length=100, blank=True)
    message = models.TextField(help_text="What each call says first (the flow's {message}).")
    numbers = models.JSONField(help_text="The numbers to call, in order (E.164).")
    rounds = models.PositiveSmallIntegerField(
        default=2, help_text="How many times the whole list is called before giving up."
    )
    confirmation_code = models.CharField(
        max_length=12, help_text="What the person called must key in to confirm (digits)."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    confirmed_by = models.CharField(
        max_length=16, blank=True, help_text="The number that confirmed."
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=8, default="admin")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("start_escalation", "Can start and cancel escalation calling")]

    def __str__(self) -> str:
        return self.name or f"escalation {self.pk}"


class EscalationAttempt(models.Model):
    class Status(models.TextChoices):
        CALLING = "calling", "Calling"
        CONFIRMED = "confirmed", "Confirmed"
        NOT_CONFIRMED = "not_confirmed", "Answered, not confirmed"
        NO_ANSWER = "no_answer", "Not answered"
        FAILED = "failed", "The call could not be made"
        CANCELLED = "cancelled", "Cancelled"

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="attempts")
    round = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(help_text="Index of the number in the list.")
    msisdn = number_field()
    trigger = optional_link(
        "CallTrigger", related_name="escalation_attempt", field=models.OneToOneField
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.CALLING)
    started_at = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField(
        help_text="If the call has not ended by then, the next number is called anyway."
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["escalation", "round", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["escalation", "round", "position"], name="one_attempt_per_turn"
            )
        ]
        indexes = [models.Index(fields=["status", "deadline_at"])]

    def __str__(self) -> str:
        return f"round {self.round}, {self.msisdn} ({self.status})"
