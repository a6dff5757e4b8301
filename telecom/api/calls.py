"""`/api/v1/hoiio/calls/`, `/hoiio/conferences/`, `/hoiio/ivr/` and
`/api/v1/voicent/calls/`, `/voicent/escalations/`: place calls and read them.

Every POST calls a service and answers what was queued; the calls' progress
(placed, ongoing, answered...) is read back with GET.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from telecom.api.apps import chosen_app, partner_apps
from telecom.api.idempotency import idempotent
from telecom.models import (
    ConferenceRoom,
    IvrSession,
    IvrStep,
    VoiceCall,
    VoicentCall,
    VoicentEscalation,
)
from telecom.services import voicent
from telecom.services.hoiio import ivr as hoiio_ivr
from telecom.services.hoiio import voice as hoiio_voice

SCOPES = {"GET": "calls", "POST": "calls"}


class OwnedMixin:
    required_scopes = SCOPES
    model = None

    def get_queryset(self):
        return self.model.objects.filter(app__in=partner_apps(self.request))


# --- Hoiio call-backs ---------------------------------------------------------------


class CallBackIn(serializers.Serializer):
    dest1 = serializers.CharField(help_text="Called first, any form.")
    dest2 = serializers.CharField(help_text="Connected to the first.")
    max_duration = serializers.IntegerField(required=False, min_value=1)
    app = serializers.IntegerField(required=False)


class VoiceCallOut(serializers.ModelSerializer):
    error = serializers.CharField(source="last_error")

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


class CallList(OwnedMixin, generics.ListAPIView):
    """Place a call-back between two numbers through Hoiio (POST), or list calls."""

    model = VoiceCall
    serializer_class = VoiceCallOut

    @extend_schema(request=CallBackIn, responses={201: VoiceCallOut})
    @idempotent
    def post(self, request):
        data = CallBackIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        call = hoiio_voice.place_call_back(
            app=chosen_app(request, values.get("app")),
            dest1=values["dest1"],
            dest2=values["dest2"],
            max_duration=values.get("max_duration"),
            partner=request.user,
        )
        return Response(VoiceCallOut(call).data, status=status.HTTP_201_CREATED)


class CallDetail(OwnedMixin, generics.RetrieveAPIView):
    model = VoiceCall
    serializer_class = VoiceCallOut


class CallHangup(OwnedMixin, APIView):
    model = VoiceCall

    @extend_schema(request=None, responses=VoiceCallOut)
    @idempotent
    def post(self, request, pk):
        call = get_object_or_404(self.get_queryset(), pk=pk)
        hoiio_voice.hang_up(call)
        call.refresh_from_db()
        return Response(VoiceCallOut(call).data)


# --- Hoiio conference rooms ------------------------------------------------------------


class ConferenceIn(serializers.Serializer):
    numbers = serializers.ListField(child=serializers.CharField(), min_length=1, max_length=8)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    app = serializers.IntegerField(required=False)


class ParticipantIn(serializers.Serializer):
    number = serializers.CharField()


class ConferenceOut(serializers.ModelSerializer):
    participants = VoiceCallOut(source="calls", many=True, read_only=True)

    class Meta:
        model = ConferenceRoom
        fields = ["id", "room", "name", "status", "app", "participants", "created_at"]


class ConferenceList(OwnedMixin, generics.ListAPIView):
    """Call up to 8 numbers into a new conference room (POST), or list rooms."""

    model = ConferenceRoom
    serializer_class = ConferenceOut

    @extend_schema(request=ConferenceIn, responses={201: ConferenceOut})
    @idempotent
    def post(self, request):
        data = ConferenceIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        room = hoiio_voice.start_conference(
            app=chosen_app(request, values.get("app")),
            numbers=values["numbers"],
            name=values.get("name", ""),
            partner=request.user,
        )
        return Response(ConferenceOut(room).data, status=status.HTTP_201_CREATED)


class ConferenceDetail(OwnedMixin, generics.RetrieveAPIView):
    model = ConferenceRoom
    serializer_class = ConferenceOut


class ConferenceParticipants(OwnedMixin, APIView):
    """Call one more number into the room (at most 8 at a time)."""

    model = ConferenceRoom

    @extend_schema(request=ParticipantIn, responses={201: VoiceCallOut})
    @idempotent
    def post(self, request, pk):
        room = get_object_or_404(self.get_queryset(), pk=pk)
        data = ParticipantIn(data=request.data)
        data.is_valid(raise_exception=True)
        call = hoiio_voice.add_participant(
            room=room, number=data.validated_data["number"], partner=request.user
        )
        return Response(VoiceCallOut(call).data, status=status.HTTP_201_CREATED)


# --- Hoiio IVR sessions ---------------------------------------------------------------------


class IvrIn(serializers.Serializer):
    dest = serializers.CharField()
    greeting = serializers.CharField(required=False, allow_blank=True)
    steps = serializers.ListField(
        child=serializers.DictField(),
        help_text="play, gather, record, monitor, transfer, hangup steps "
        "(see telecom/hoiio/ivr_steps.py).",
    )
    max_duration = serializers.IntegerField(required=False, min_value=1)
    app = serializers.IntegerField(required=False)


class IvrStepOut(serializers.ModelSerializer):
    class Meta:
        model = IvrStep
        fields = ["index", "kind", "params", "status", "result"]


class IvrOut(serializers.ModelSerializer):
    steps = IvrStepOut(many=True, read_only=True)
    error = serializers.CharField(source="last_error")

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


class IvrList(OwnedMixin, generics.ListAPIView):
    """Dial a number and run IVR steps on the call (POST), or list sessions."""

    model = IvrSession
    serializer_class = IvrOut

    @extend_schema(request=IvrIn, responses={201: IvrOut})
    @idempotent
    def post(self, request):
        data = IvrIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        session = hoiio_ivr.start_ivr(
            app=chosen_app(request, values.get("app")),
            dest=values["dest"],
            steps=values["steps"],
            greeting=values.get("greeting", ""),
            max_duration=values.get("max_duration"),
            partner=request.user,
        )
        return Response(IvrOut(session).data, status=status.HTTP_201_CREATED)


class IvrDetail(OwnedMixin, generics.RetrieveAPIView):
    model = IvrSession
    serializer_class = IvrOut


# --- the Voicent gateway ---------------------------------------------------------------------


class VoicentCallIn(serializers.Serializer):
    to = serializers.CharField()
    text = serializers.CharField(required=False, allow_blank=True, help_text="Spoken, or:")
    audio_file = serializers.CharField(
        required=False, allow_blank=True, help_text="A WAV on the gateway's host."
    )
    remove_when_done = serializers.BooleanField(default=False)
    selfdelete = serializers.BooleanField(
        default=False, help_text="The gateway deletes it once made (then not followed)."
    )
    app = serializers.IntegerField(required=False)


class VoicentCallOut(serializers.ModelSerializer):
    error = serializers.CharField(source="last_error")

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


class VoicentCallList(OwnedMixin, generics.ListAPIView):
    """Call a number through the Voicent gateway and speak a text or play a file
    (POST), or list calls."""

    model = VoicentCall
    serializer_class = VoicentCallOut

    @extend_schema(request=VoicentCallIn, responses={201: VoicentCallOut})
    @idempotent
    def post(self, request):
        data = VoicentCallIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        call = voicent.place_voicent_call(
            app=chosen_app(request, values.get("app")),
            to=values["to"],
            text=values.get("text", ""),
            audio_file=values.get("audio_file", ""),
            selfdelete=values["selfdelete"],
            remove_when_done=values["remove_when_done"],
            partner=request.user,
        )
        return Response(VoicentCallOut(call).data, status=status.HTTP_201_CREATED)


class VoicentCallDetail(OwnedMixin, generics.RetrieveAPIView):
    model = VoicentCall
    serializer_class = VoicentCallOut


class VoicentCallRemove(OwnedMixin, APIView):
    model = VoicentCall

    @extend_schema(request=None, responses=VoicentCallOut)
    @idempotent
    def post(self, request, pk):
        call = get_object_or_404(self.get_queryset(), pk=pk)
        voicent.remove_call(call)
        return Response(VoicentCallOut(call).data, status=status.HTTP_202_ACCEPTED)


class VoicentEscalationIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
    contacts = serializers.ListField(child=serializers.CharField(), min_length=1, max_length=50)
    audio_file = serializers.CharField()
    confirm_code = serializers.CharField(max_length=16)
    call_list = serializers.CharField(help_text="{number} is replaced by each contact's digits.")
    rounds = serializers.IntegerField(default=1, min_value=1, max_value=10)
    attempt_timeout = serializers.IntegerField(default=600, min_value=10)
    app = serializers.IntegerField(required=False)


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


class VoicentEscalationList(OwnedMixin, generics.ListAPIView):
    """Call a list of people in turn until one keys in the code (POST), or list."""

    model = VoicentEscalation
    serializer_class = VoicentEscalationOut

    @extend_schema(request=VoicentEscalationIn, responses={201: VoicentEscalationOut})
    @idempotent
    def post(self, request):
        data = VoicentEscalationIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        app = chosen_app(request, values.pop("app", None))
        escalation = voicent.start_escalation(app=app, partner=request.user, **values)
        return Response(VoicentEscalationOut(escalation).data, status=status.HTTP_201_CREATED)


class VoicentEscalationDetail(OwnedMixin, generics.RetrieveAPIView):
    model = VoicentEscalation
    serializer_class = VoicentEscalationOut


class VoicentEscalationCancel(OwnedMixin, APIView):
    model = VoicentEscalation

    @extend_schema(request=None, responses=VoicentEscalationOut)
    @idempotent
    def post(self, request, pk):
        escalation = get_object_or_404(self.get_queryset(), pk=pk)
        voicent.cancel_escalation(escalation)
        escalation.refresh_from_db()
        return Response(VoicentEscalationOut(escalation).data)
