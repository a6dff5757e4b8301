"""`/api/v1/calls/` (start an outbound call, list them), `/api/v1/calls/sessions/`
(every call, inbound and outbound, with its transcript) and
`/api/v1/escalations/` (call till confirm)."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from telecom.api.apps import chosen_app, partner_apps
from telecom.api.filters import SinceFilter
from telecom.api.idempotency import idempotent
from telecom.msisdn import InvalidMsisdn, normalize_msisdn
from voiceflows.api.serializers import (
    CallIn,
    CallOut,
    CallSessionOut,
    EscalationIn,
    EscalationOut,
)
from voiceflows.models import CallSession, CallTrigger, Escalation, VoiceFlow
from voiceflows.services.escalations import start_escalation
from voiceflows.services.outbound import start_call


def _flow(app, slug):
    if slug is None:
        return None
    flow = VoiceFlow.objects.filter(app=app, slug=slug).first()
    if flow is None:
        raise ValidationError({"flow": ["no such flow for this app"]})
    return flow


class NumberFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(method="filter_number")

    def filter_number(self, queryset, name, value):
        try:
            return queryset.filter(msisdn=normalize_msisdn(value))
        except InvalidMsisdn as exc:
            raise ValidationError({"number": [str(exc)]}) from None


class CallFilter(NumberFilter):
    status = django_filters.ChoiceFilter(choices=CallTrigger.Status.choices)
    flow = django_filters.CharFilter(field_name="flow__slug")
    since = SinceFilter(field_name="created_at")

    class Meta:
        model = CallTrigger
        fields = ["status", "number", "flow", "since"]


class SessionFilter(NumberFilter):
    status = django_filters.ChoiceFilter(choices=CallSession.Status.choices)
    direction = django_filters.ChoiceFilter(choices=CallSession.Direction.choices)
    flow = django_filters.CharFilter(field_name="flow__slug")
    since = SinceFilter(field_name="started_at")

    class Meta:
        model = CallSession
        fields = ["status", "direction", "number", "flow", "since"]


class CallList(generics.ListAPIView):
    """Call a number and play a flow (POST), or list the calls started (GET)."""

    required_scopes = {"GET": "calls", "POST": "calls"}
    serializer_class = CallOut
    filterset_class = CallFilter

    def get_queryset(self):
        return (
            CallTrigger.objects.filter(app__in=partner_apps(self.request))
            .select_related("flow")
            .prefetch_related("sessions__exchanges", "sessions__flow")
        )

    @extend_schema(request=CallIn, responses={201: CallOut})
    @idempotent
    def post(self, request):
        data = CallIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        app = chosen_app(request, values.get("app"))
        trigger = start_call(
            app=app,
            to=values["to"],
            flow=_flow(app, values.get("flow")),
            variables=values.get("variables"),
            source=CallTrigger.Source.API,
            partner=request.user,
        )
        return Response(CallOut(trigger).data, status=status.HTTP_201_CREATED)


class CallDetail(generics.RetrieveAPIView):
    required_scopes = "calls"
    serializer_class = CallOut

    def get_queryset(self):
        return CallTrigger.objects.filter(app__in=partner_apps(self.request)).select_related("flow")


class CallSessionList(generics.ListAPIView):
    """Every call of the partner's apps, inbound and outbound, with its transcript."""

    required_scopes = "calls"
    serializer_class = CallSessionOut
    filterset_class = SessionFilter

    def get_queryset(self):
        return (
            CallSession.objects.filter(app__in=partner_apps(self.request))
            .select_related("flow")
            .prefetch_related("exchanges")
        )


class EscalationList(generics.ListAPIView):
    """Call numbers in order until one confirms (POST), or list escalations (GET)."""

    required_scopes = {"GET": "calls", "POST": "calls"}
    serializer_class = EscalationOut

    def get_queryset(self):
        return (
            Escalation.objects.filter(app__in=partner_apps(self.request))
            .select_related("flow")
            .prefetch_related("attempts")
        )

    @extend_schema(request=EscalationIn, responses={201: EscalationOut})
    @idempotent
    def post(self, request):
        data = EscalationIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        app = chosen_app(request, values.get("app"))
        escalation = start_escalation(
            app=app,
            numbers=values["numbers"],
            confirmation_code=values["confirmation_code"],
            message=values["message"],
            rounds=values["rounds"],
            name=values["name"],
            flow=_flow(app, values.get("flow")),
            provider=values["provider"],
            audio_file=values["audio_file"],
            call_list=values["call_list"],
            source="api",
            partner=request.user,
        )
        return Response(EscalationOut(escalation).data, status=status.HTTP_201_CREATED)


class EscalationDetail(generics.RetrieveAPIView):
    required_scopes = "calls"
    serializer_class = EscalationOut

    def get_queryset(self):
        return Escalation.objects.filter(app__in=partner_apps(self.request)).prefetch_related(
            "attempts"
        )
