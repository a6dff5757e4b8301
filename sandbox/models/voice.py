"""`VoiceCall`: a Tropo session on the simulated platform, between a handset
and an app's voice URI. Its `platform` state is a
`voiceflows.tropo.platform.PlatformCall`, kept as JSON between requests."""

from django.db import models

from sandbox.models.accounts import App, Subscriber
from sandbox.rows import SandboxRow


class VoiceCall(SandboxRow):
    shown_as = "voice call {session_id} ({state})"

    class Direction(models.TextChoices):
        INBOUND = "inbound", "The handset called the app"
        OUTBOUND = "outbound", "The app started it (token launch)"

    class State(models.TextChoices):
        STARTING = "starting", "Asking the app what to do"
        RINGING = "ringing", "The handset is ringing"
        ACTIVE = "active", "In a call"
        ENDED = "ended", "Ended"

    session_id = models.CharField(max_length=32, unique=True)
    call_id = models.CharField(max_length=32)
    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="voice_calls")
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.CASCADE, related_name="voice_calls"
    )
    direction = models.CharField(max_length=8, choices=Direction.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.STARTING)
    waiting_for = models.CharField(
        max_length=12, blank=True, help_text="ask, record, conference or answer (ringing)."
    )
    parameters = models.JSONField(default=dict, blank=True, help_text="A token launch's query.")
    platform = models.JSONField(default=dict, help_text="The call as the platform runs it.")
    end_reason = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
