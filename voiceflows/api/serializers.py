"""What the voice endpoints take and give. Confirmation codes are never
given back (they stay among a call's variables in Hatid)."""

from rest_framework import serializers

from telecom.api.serializers import ServiceInput
from telecom.models import ProviderApp
from telecom.steps.serializers import StepSessionOut, session_fields
from voiceflows.api.call_sources import CallStatus
from voiceflows.models import CallExchange, CallSession, Escalation, EscalationAttempt

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
        help_text="Given to the flow as {name}; kept in Hatid (a Voicent gateway is sent "
        "only the text they fill in).",
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


class CallOut(serializers.Serializer):
    """A call of any provider, in the one shape `/api/v1/calls/` gives
    (`voiceflows.api.call_sources`)."""

    ref = serializers.CharField(
        help_text="`{source}/{id}`: where the call is read, /api/v1/calls/{source}/{id}/ "
        "(source: globe, hoiio, hoiio-ivr or voicent)."
    )
    id = serializers.IntegerField(help_text="The call's id among its source's calls.")
    provider = serializers.ChoiceField(choices=ProviderApp.Provider.choices)
    kind = serializers.CharField(
        help_text="flow (Globe), callback, conference, ivr (Hoiio), text, audio, "
        "till_confirm (Voicent)."
    )
    app = serializers.IntegerField()
    to = serializers.CharField()
    status = serializers.ChoiceField(choices=CallStatus.choices)
    provider_status = serializers.CharField(
        help_text="The provider's own status, as Hatid records it (a Globe call's session's "
        "once it has one, else its trigger's)."
    )
    flow = serializers.CharField(allow_null=True, help_text="The voice flow played, if any.")
    variables = serializers.DictField(child=serializers.CharField(allow_blank=True))
    session = CallSessionOut(
        allow_null=True, help_text="Globe Labs: the call's session and transcript."
    )
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(
        allow_null=True, help_text="When the provider took the call (or its session started)."
    )
    ended_at = serializers.DateTimeField(allow_null=True)
    duration = serializers.IntegerField(allow_null=True, help_text="Seconds, when known.")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField(
            allow_blank=True, help_text="The calling number or caller ID, when known."
        )
        return {name: fields[name] for name in [*list(fields)[:6], "from", *list(fields)[6:-1]]}


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
