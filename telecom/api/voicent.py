"""`/api/v1/voicent/calls/` and `/voicent/escalations/`: calls through a Voicent
gateway (a text spoken or a file played) and escalations that call a list of
people in turn until one keys in the code; read back with GET.

`/api/v1/calls/` and `/escalations/` (voiceflows.api) list these with every
other provider's calls and escalations, in one shape; `/api/v1/escalations/`
with `"provider": "voicent"` starts a gateway escalation, so the escalation
list and detail here are deprecated aliases, kept for the clients that use them
(`/cancel/` is not: it has no other address).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.views import APIView

from telecom.api.bases import OwnedAction, OwnedRows, ServiceCreate
from telecom.api.serializers import RowOut, ServiceInput
from telecom.models import VoicentCall, VoicentEscalation
from telecom.services import voicent

SCOPES = {"GET": "calls", "POST": "calls"}
# The escalations here have one API with every other provider's: /api/v1/escalations/.
DEPRECATED = extend_schema(deprecated=True)


class VoicentCallIn(ServiceInput):
    to = serializers.CharField()
    text = serializers.CharField(required=False, allow_blank=True, help_text="Spoken, or:")
    audio_file = serializers.CharField(
        required=False, allow_blank=True, help_text="A WAV on the gateway's host."
    )
    remove_when_done = serializers.BooleanField(default=False)
    selfdelete = serializers.BooleanField(
        default=False, help_text="The gateway deletes it once made (then not followed)."
    )


class VoicentCallOut(RowOut):
    class Meta:
        model = VoicentCall
        fields = [
            "id",
            "kind",
            "status",
            "app",
            "phone",
            "text",
            "audio_file",
            "req_id",
            "gateway_status",
            "removed_at",
            "escalation",
            "error",
            "created_at",
            "finished_at",
        ]


class VoicentCalls(OwnedRows):
    """The Voicent gateway's calls, one-off or an escalation's attempts."""

    required_scopes = SCOPES
    queryset = VoicentCall.objects.all()
    serializer_class = VoicentCallOut


class VoicentCallList(VoicentCalls, ServiceCreate, generics.ListAPIView):
    """Call a number through the Voicent gateway and speak a text or play a file
    (POST), or list calls."""

    input_serializer, output_serializer = VoicentCallIn, VoicentCallOut
    service = staticmethod(voicent.place_voicent_call)


class VoicentCallDetail(VoicentCalls, generics.RetrieveAPIView):
    pass


class VoicentCallRemove(VoicentCalls, OwnedAction, APIView):
    act, output_serializer = staticmethod(voicent.remove_call), VoicentCallOut
    answer_status = status.HTTP_202_ACCEPTED


class VoicentEscalationIn(ServiceInput):
    reason = serializers.CharField(max_length=200)
    contacts = serializers.ListField(child=serializers.CharField(), min_length=1, max_length=50)
    audio_file = serializers.CharField()
    confirm_code = serializers.CharField(max_length=16)
    call_list = serializers.CharField(help_text="{number} is replaced by each contact's digits.")
    rounds = serializers.IntegerField(default=1, min_value=1, max_value=10)
    attempt_timeout = serializers.IntegerField(default=600, min_value=10)


class VoicentEscalationOut(serializers.ModelSerializer):
    attempts = VoicentCallOut(source="calls", many=True, read_only=True)

    class Meta:
        model = VoicentEscalation
        fields = [
            "id",
            "status",
            "app",
            "reason",
            "contacts",
            "confirmed_by",
            "confirmed_at",
            "attempts_made",
            "attempts",
            "created_at",
            "finished_at",
        ]


class VoicentEscalations(OwnedRows):
    """The Voicent gateway's escalations (call till confirm)."""

    required_scopes = SCOPES
    queryset = VoicentEscalation.objects.all()
    serializer_class = VoicentEscalationOut


@DEPRECATED
class VoicentEscalationList(VoicentEscalations, ServiceCreate, generics.ListAPIView):
    """Call a list of people in turn until one keys in the code (POST), or list."""

    input_serializer, output_serializer = VoicentEscalationIn, VoicentEscalationOut
    service = staticmethod(voicent.start_escalation)


@DEPRECATED
class VoicentEscalationDetail(VoicentEscalations, generics.RetrieveAPIView):
    pass


class VoicentEscalationCancel(VoicentEscalations, OwnedAction, APIView):
    act, output_serializer = staticmethod(voicent.cancel_escalation), VoicentEscalationOut
