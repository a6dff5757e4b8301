"""The Voicent gateway's calls (`VoicentCall`) and call-till-confirm
escalations (`VoicentEscalation`).

A `VoicentCall` is one request to the gateway and an outbox row: a
text-to-speech call, an audio call, or one callTillConfirm run. Its
`req_id` is how its status is polled (the gateway never calls back) and how
it is removed. A lost answer leaves no `req_id` to ask about, so such a call
is `unknown` for an operator, never placed twice.

A `VoicentEscalation` calls a list of people in turn until one enters the
confirmation code. Each attempt is one callTillConfirm run (a `VoicentCall`
of the escalation) on that person's own call list on the gateway host,
`call_list` with `{number}` replaced by their number's digits; the attempt
whose run is `made` names who confirmed. A `call_list` without `{number}` is
one run over the whole list, the gateway's own order: it tells that someone
confirmed, not who.
"""

from django.conf import settings
from django.db import models

from telecom.models.bases import Requested, optional_link
from telecom.models.provider_app import ProviderApp
from telecom.send_once import SentOnceRow


class VoicentEscalation(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Calling"
        CONFIRMED = "confirmed", "Confirmed"
        UNCONFIRMED = "unconfirmed", "Nobody confirmed"
        CANCELLED = "cancelled", "Cancelled"
        UNKNOWN = "unknown", "Outcome unknown (see the operator)"

    app = models.ForeignKey(
        ProviderApp, on_delete=models.PROTECT, related_name="voicent_escalations"
    )
    reason = models.CharField(max_length=200, help_text="What it is about, for operators.")
    contacts = models.JSONField(help_text="The numbers to call, in order (E.164).")
    audio_file = models.CharField(
        max_length=300, help_text="The WAV played, on the gateway's host (PCM 16-bit 8 kHz mono)."
    )
    confirm_code = models.CharField(max_length=16, help_text="The digits that confirm.")
    call_list = models.CharField(
        max_length=300,
        help_text=r"The BroadcastByPhone call list on the gateway's host; {number} is replaced "
        r"by each contact's digits (e.g. C:\calllists\{number}.voc) to call them one by one.",
    )
    rounds = models.PositiveSmallIntegerField(
        default=1, help_text="How many times the whole list is tried."
    )
    attempt_timeout = models.PositiveIntegerField(
        default=600, help_text="Seconds an attempt may stay in progress before the next one."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    attempts_made = models.PositiveIntegerField(default=0)
    confirmed_by = models.CharField(max_length=20, blank=True, help_text="Who entered the code.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_by = optional_link(settings.AUTH_USER_MODEL)
    partner = optional_link("telecom.Partner")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Voicent escalation"
        verbose_name_plural = "Voicent escalations"
        ordering = ["-created_at"]
        permissions = [("run_voicentescalation", "Can start and cancel escalations")]

    def __str__(self) -> str:
        return f"{self.reason} ({self.status})"

    @property
    def one_by_one(self) -> bool:
        return "{number}" in self.call_list

    def planned_attempts(self) -> list[str]:
        """The numbers called, attempt by attempt ("" for a whole-list run)."""
        if not self.one_by_one:
            return [""] * self.rounds
        return [number for _ in range(self.rounds) for number in self.contacts]


class VoicentCall(SentOnceRow, Requested):
    claim_related = ("app", "escalation")

    class Kind(models.TextChoices):
        TEXT = "text", "Text to speech"
        AUDIO = "audio", "Audio file"
        TILL_CONFIRM = "till_confirm", "Call till confirm"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        REQUESTED = "requested", "At the gateway"
        MADE = "made", "Call made"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown (see the operator)"
        CANCELLED = "cancelled", "Removed before it was made"

    OPEN = (Status.REQUESTED,)
    FINAL = (Status.MADE, Status.FAILED, Status.CANCELLED)

    app = models.ForeignKey(ProviderApp, on_delete=models.PROTECT, related_name="voicent_calls")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    phone = models.CharField(max_length=20, blank=True, help_text="The number called (E.164).")
    text = models.TextField(blank=True, help_text="Spoken by the gateway's text-to-speech.")
    audio_file = models.CharField(max_length=300, blank=True, help_text="On the gateway's host.")
    call_list = models.CharField(max_length=300, blank=True, help_text="Call till confirm.")
    selfdelete = models.BooleanField(
        default=False,
        help_text="Ask the gateway to delete the request once made (its status can then not "
        "be followed).",
    )
    remove_when_done = models.BooleanField(
        default=False, help_text="Remove the request from the gateway once made or failed."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    req_id = models.CharField("request ID", max_length=64, blank=True, db_index=True)
    gateway_status = models.CharField(
        max_length=200, blank=True, help_text="The gateway's last status page, shortened."
    )
    polls = models.PositiveIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    escalation = optional_link(VoicentEscalation, on_delete=models.CASCADE, related_name="calls")
    flow = models.SlugField(
        max_length=50,
        blank=True,
        help_text="The slug of the voice flow it plays, when started as one (/api/v1/calls/).",
    )

    class Meta:
        verbose_name = "Voicent call"
        verbose_name_plural = "Voicent calls"
        ordering = ["-created_at"]
        indexes = [*SentOnceRow.outbox_indexes("voicentcall"), models.Index(fields=["status"])]
        permissions = [("place_voicentcall", "Can place Voicent calls and remove them")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.phone or self.call_list} ({self.status})"
