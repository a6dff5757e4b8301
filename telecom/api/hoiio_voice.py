"""`/api/v1/hoiio/calls/`, `/hoiio/conferences/` and `/hoiio/ivr/`: place calls
through Hoiio (call-backs, conference rooms, IVR sessions) and read them.

Every POST calls a service and answers what was queued; the calls' progress
(placed, ongoing, answered...) is read back with GET. Hoiio's faxes are
`telecom.api.faxes`; the Voicent gateway's calls `telecom.api.voicent`.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from telecom.api.bases import OwnedAction, OwnedRows, ServiceCreate, validated
from telecom.api.idempotency import idempotent
from telecom.api.serializers import RowOut, ServiceInput
from telecom.models import ConferenceRoom, IvrSession, IvrStep, VoiceCall
from telecom.services.hoiio import ivr as hoiio_ivr
from telecom.services.hoiio import voice as hoiio_voice

SCOPES = {"GET": "calls", "POST": "calls"}


# --- Hoiio call-backs ---------------------------------------------------------------


class CallBackIn(ServiceInput):
    dest1 = serializers.CharField(help_text="Called first, any form.")
    dest2 = serializers.CharField(help_text="Connected to the first.")
    max_duration = serializers.IntegerField(required=False, min_value=1)


class VoiceCallOut(RowOut):
    class Meta:
        model = VoiceCall
        fields = [
            "id",
            "kind",
            "status",
            "app",
            "dest1",
            "dest2",
            "room",
            "txn_ref",
            "call_status_dest1",
            "call_status_dest2",
            "duration",
            "currency",
            "debit",
            "error",
            "created_at",
            "finished_at",
        ]


class VoiceCalls(OwnedRows):
    """Hoiio's calls: call-backs and conference participants."""

    required_scopes = SCOPES
    queryset = VoiceCall.objects.all()
    serializer_class = VoiceCallOut


class CallList(VoiceCalls, ServiceCreate, generics.ListAPIView):
    """Place a call-back between two numbers through Hoiio (POST), or list calls."""

    input_serializer, output_serializer = CallBackIn, VoiceCallOut
    service = staticmethod(hoiio_voice.place_call_back)


class CallDetail(VoiceCalls, generics.RetrieveAPIView):
    pass


class CallHangup(VoiceCalls, OwnedAction, APIView):
    act, output_serializer = staticmethod(hoiio_voice.hang_up), VoiceCallOut


# --- Hoiio conference rooms ------------------------------------------------------------


class ConferenceIn(ServiceInput):
    numbers = serializers.ListField(child=serializers.CharField(), min_length=1, max_length=8)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)


class ParticipantIn(serializers.Serializer):
    number = serializers.CharField()


class ConferenceOut(serializers.ModelSerializer):
    participants = VoiceCallOut(source="calls", many=True, read_only=True)

    class Meta:
        model = ConferenceRoom
        fields = ["id", "room", "name", "status", "app", "participants", "created_at"]


class ConferenceRooms(OwnedRows):
    """Hoiio's conference rooms."""

    required_scopes = SCOPES
    queryset = ConferenceRoom.objects.all()
    serializer_class = ConferenceOut


class ConferenceList(ConferenceRooms, ServiceCreate, generics.ListAPIView):
    """Call up to 8 numbers into a new conference room (POST), or list rooms."""

    input_serializer, output_serializer = ConferenceIn, ConferenceOut
    service = staticmethod(hoiio_voice.start_conference)


class ConferenceDetail(ConferenceRooms, generics.RetrieveAPIView):
    pass


class ConferenceParticipants(ConferenceRooms, APIView):
    """Call one more number into the room (at most 8 at a time)."""

    @extend_schema(request=ParticipantIn, responses={201: VoiceCallOut})
    @idempotent
    def post(self, request, pk):
        room = self.get_owned(pk)
        values = validated(ParticipantIn, request)
        call = hoiio_voice.add_participant(room=room, number=values["number"], partner=request.user)
        return Response(VoiceCallOut(call).data, status=status.HTTP_201_CREATED)


# --- Hoiio IVR sessions ---------------------------------------------------------------------


class IvrIn(ServiceInput):
    dest = serializers.CharField()
    greeting = serializers.CharField(required=False, allow_blank=True)
    steps = serializers.ListField(
        child=serializers.DictField(),
        help_text="play, gather, record, monitor, transfer, hangup steps "
        "(see telecom/hoiio/ivr_steps.py).",
    )
    max_duration = serializers.IntegerField(required=False, min_value=1)


class IvrStepOut(serializers.ModelSerializer):
    class Meta:
        model = IvrStep
        fields = ["index", "kind", "params", "status", "result"]


class IvrOut(RowOut):
    steps = IvrStepOut(many=True, read_only=True)

    class Meta:
        model = IvrSession
        fields = [
            "id",
            "status",
            "app",
            "dest",
            "session",
            "call_state",
            "results",
            "steps",
            "error",
            "created_at",
            "finished_at",
        ]


class IvrSessions(OwnedRows):
    """Hoiio's IVR sessions."""

    required_scopes = SCOPES
    queryset = IvrSession.objects.all()
    serializer_class = IvrOut


class IvrList(IvrSessions, ServiceCreate, generics.ListAPIView):
    """Dial a number and run IVR steps on the call (POST), or list sessions."""

    input_serializer, output_serializer = IvrIn, IvrOut
    service = staticmethod(hoiio_ivr.start_ivr)


class IvrDetail(IvrSessions, generics.RetrieveAPIView):
    pass
