"""What the voice endpoints take and give. Confirmation codes are never
given back (they stay among a call's variables in Hatid)."""

from rest_framework import serializers

from telecom.api.serializers import RowOut, ServiceInput, row_fields
from telecom.steps.serializers import StepSessionOut, session_fields
from voiceflows.models import CallExchange, CallSession, CallTrigger, Escalation, EscalationAttempt

HIDDEN_VARIABLES = ("confirmation_code",)


def shown(variables: dict) -> dict:
    return {k: v for k, v in (variables or {}).items() if k not in HIDDEN_VARIABLES}


class CallIn(ServiceInput):
    to = serializers.CharField(help_text="The number to call, e.g. 09171234567.")
    flow = serializers.SlugField(
        required=False, help_text="The flow's slug; the app's default flow when absent."
    )
    variables = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Given to the flow as {name}; kept in Hatid, never sent to the platform.",
    )


class CallExchangeOut(serializers.ModelSerializer):
    class Meta:
        model = CallExchange
        fields = [
            "sequence",
            "kind",
            "step",
            "event",
            "state",
            "disposition",
            "interpretation",
            "recording_url",
            "answered_steps",
            "note",
            "created_at",
        ]


class CallSessionOut(StepSessionOut):
    flow = serializers.CharField(source="flow.slug", default=None)
    variables = serializers.SerializerMethodField()
    exchanges = CallExchangeOut(many=True, read_only=True)

    class Meta:
        model = CallSession
        fields = session_fields(
            "direction",
            "number",
            "caller",
            "callee",
            "flow",
            "status",
            "current_step",
            "variables",
        )

    def get_variables(self, session) -> dict:
        return shown(session.variables)


class CallOut(RowOut):
    to = serializers.CharField(source="msisdn")
    flow = serializers.CharField(source="flow.slug")
    variables = serializers.SerializerMethodField()
    session = serializers.SerializerMethodField()

    class Meta:
        model = CallTrigger
        fields = row_fields(
            "status",
            "to",
            "app",
            "flow",
            "variables",
            "platform_session_id",
            "error",
            "session",
        )

    def get_variables(self, trigger) -> dict:
        return shown(trigger.variables)

    def get_session(self, trigger) -> dict | None:
        sessions = list(trigger.sessions.all())
        return CallSessionOut(sessions[0]).data if sessions else None


class EscalationIn(ServiceInput):
    numbers = serializers.ListField(
        child=serializers.CharField(), min_length=1, help_text="Called in this order."
    )
    confirmation_code = serializers.RegexField(r"^\d{1,12}$", help_text="1 to 12 digits.")
    message = serializers.CharField(help_text="What each call says first.")
    rounds = serializers.IntegerField(min_value=1, max_value=10, default=2)
    name = serializers.CharField(required=False, allow_blank=True, default="")
    flow = serializers.SlugField(required=False, help_text="Default: the call-till-confirm flow.")
    provider = serializers.ChoiceField(choices=Escalation.Provider.choices, default="globe")
    audio_file = serializers.CharField(
        required=False, default="", help_text="Voicent: the WAV played, on the gateway's host."
    )
    call_list = serializers.CharField(
        required=False,
        default="",
        help_text="Voicent: the call list on the gateway's host; {number} for one per person.",
    )


class EscalationAttemptOut(serializers.ModelSerializer):
    number = serializers.CharField(source="msisdn")

    class Meta:
        model = EscalationAttempt
        fields = ["round", "number", "status", "started_at", "ended_at", "note"]


class EscalationOut(serializers.ModelSerializer):
    attempts = EscalationAttemptOut(many=True, read_only=True)
    flow = serializers.CharField(source="flow.slug", default=None)

    class Meta:
        model = Escalation
        fields = row_fields(
            "status",
            "name",
            "app",
            "provider",
            "flow",
            "message",
            "numbers",
            "rounds",
            "confirmed_by",
            "confirmed_at",
            "attempts",
        )
