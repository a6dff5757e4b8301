"""`/api/v1/calls/` (start an outbound call, list them), `/api/v1/calls/sessions/`
(every call, inbound and outbound, with its transcript) and
`/api/v1/escalations/` (call till confirm)."""

import django_filters
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from telecom.api.bases import OwnedRows, ServiceCreate
from telecom.api.filters import NumberFilter, SinceFilter
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


class FlowBySlug:
    """A create whose body may name one of the app's voice flows by its slug
    (`flow`); the service is given the flow, or None for the default."""

    def service_arguments(self, app, values: dict) -> dict:
        slug = values.get("flow")
        if slug is None:
            return {**values, "flow": None}
        flow = VoiceFlow.objects.filter(app=app, slug=slug).first()
        if flow is None:
            raise ValidationError({"flow": ["no such flow for this app"]})
        return {**values, "flow": flow}


class CallFilter(django_filters.FilterSet):
    number = NumberFilter()
    status = django_filters.ChoiceFilter(choices=CallTrigger.Status.choices)
    flow = django_filters.CharFilter(field_name="flow__slug")
    since = SinceFilter(field_name="created_at")

    class Meta:
        model = CallTrigger
        fields = ["status", "number", "flow", "since"]


class SessionFilter(django_filters.FilterSet):
    number = NumberFilter()
    status = django_filters.ChoiceFilter(choices=CallSession.Status.choices)
    direction = django_filters.ChoiceFilter(choices=CallSession.Direction.choices)
    flow = django_filters.CharFilter(field_name="flow__slug")
    since = SinceFilter(field_name="started_at")

    class Meta:
        model = CallSession
        fields = ["status", "direction", "number", "flow", "since"]


class CallList(OwnedRows, FlowBySlug, ServiceCreate, generics.ListAPIView):
    """Call a number and play a flow (POST), or list the calls started (GET)."""

    required_scopes = {"GET": "calls", "POST": "calls"}
    queryset = CallTrigger.objects.select_related("flow").prefetch_related(
        "sessions__exchanges", "sessions__flow"
    )
    serializer_class = CallOut
    filterset_class = CallFilter
    input_serializer, output_serializer = CallIn, CallOut
    service, source = staticmethod(start_call), CallTrigger.Source.API


class CallDetail(OwnedRows, generics.RetrieveAPIView):
    required_scopes = "calls"
    queryset = CallTrigger.objects.select_related("flow")
    serializer_class = CallOut


class CallSessionList(OwnedRows, generics.ListAPIView):
    """Every call of the partner's apps, inbound and outbound, with its transcript."""

    required_scopes = "calls"
    queryset = CallSession.objects.select_related("flow").prefetch_related("exchanges")
    serializer_class = CallSessionOut
    filterset_class = SessionFilter


class EscalationList(OwnedRows, FlowBySlug, ServiceCreate, generics.ListAPIView):
    """Call numbers in order until one confirms (POST), or list escalations (GET)."""

    required_scopes = {"GET": "calls", "POST": "calls"}
    queryset = Escalation.objects.select_related("flow").prefetch_related("attempts")
    serializer_class = EscalationOut
    input_serializer, output_serializer = EscalationIn, EscalationOut
    service, source = staticmethod(start_escalation), "api"


class EscalationDetail(OwnedRows, generics.RetrieveAPIView):
    required_scopes = "calls"
    queryset = Escalation.objects.prefetch_related("attempts")
    serializer_class = EscalationOut
