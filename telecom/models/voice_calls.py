"""Hoiio voice: call-backs between two numbers and conference rooms.

A `VoiceCall` is one Hoiio voice transaction and one outbox row: a
call-back (both legs, one txn_ref) or one participant called into a
conference room (one txn_ref each; "currently limited to 8 per room").
Hatid names the room itself, so every participant is an independent request
and a lost answer is found again by its `tag`, never dialled twice. Hoiio's
notifications (and status queries) move the call through its states.
"""

from django.db import models

from telecom.models.bases import HoiioTransaction, Requested, optional_link
from telecom.models.provider_app import ProviderApp
from telecom.send_once import SentOnceRow

ROOM_LIMIT = 8


class ConferenceRoom(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="rooms")
    room = models.CharField(max_length=40, unique=True, help_text="The room's id at Hoiio.")
    name = models.CharField(max_length=100, blank=True, help_text="What operators call it.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("run_conference", "Can start conferences and add or hang up participants")]

    def __str__(self) -> str:
        return self.name or self.room


class VoiceCall(SentOnceRow, HoiioTransaction, Requested):
    claim_related = ("app", "room")

    class Kind(models.TextChoices):
        CALLBACK = "callback", "Call-back between two numbers"
        CONFERENCE = "conference", "Conference participant"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        PLACED = "placed", "Placed (Hoiio is calling)"
        ONGOING = "ongoing", "Ongoing"
        ANSWERED = "answered", "Ended (answered)"
        UNANSWERED = "unanswered", "Not answered"
        BUSY = "busy", "Busy"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        UNKNOWN = "unknown", "Outcome unknown (being looked up in Hoiio's history)"

    FINAL = (
        Status.ANSWERED,
        Status.UNANSWERED,
        Status.BUSY,
        Status.FAILED,
        Status.CANCELLED,
    )

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="voice_calls")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    dest1 = models.CharField(max_length=20, help_text="The first number called (E.164).")
    dest2 = models.CharField(
        max_length=20, blank=True, help_text="Call-back: the number connected to the first."
    )
    room = optional_link(ConferenceRoom, on_delete=models.PROTECT, related_name="calls")
    caller_id = models.CharField(max_length=20, blank=True)
    max_duration = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seconds after which Hoiio hangs up."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    call_status_dest1 = models.CharField(max_length=16, blank=True)
    call_status_dest2 = models.CharField(max_length=16, blank=True)
    duration = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds.")
    hangup_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [*SentOnceRow.outbox_indexes("voicecall"), models.Index(fields=["status"])]
        permissions = [("place_voicecall", "Can place calls and hang them up")]

    def __str__(self) -> str:
        if self.kind == self.Kind.CONFERENCE:
            return f"{self.dest1} in {self.room} ({self.status})"
        return f"{self.dest1} ↔ {self.dest2} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.PLACED, self.Status.ONGOING)
