"""`/api/v1/calls/` (start an outbound call on any provider, list every
provider's calls, read one), `/api/v1/calls/sessions/`
(every call, inbound and outbound, with its transcript) and
`/api/v1/escalations/` (call till confirm)."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from telecom.api.apps import partner_apps
from telecom.api.bases import OwnedRows, ServiceCreate
from telecom.api.filters import NumberFilter, SinceFilter
from voiceflows.api.call_filters import CALL_LIST_PARAMETERS, PagedCalls, call_filters
from voiceflows.api.call_sources import SOURCES, SOURCES_BY_RANK, source_of
from voiceflows.api.escalations import (
    ESCALATION_LIST_PARAMETERS,
    EscalationOut,
    PagedEscalations,
    describe_escalation,
    escalation_rows,
    list_escalations,
)
from voiceflows.api.merged import merged_page
from voiceflows.api.serializers import (
    CallIn,
    CallOut,
    CallSessionOut,
    EscalationIn,
)
from voiceflows.models import CallSession, CallTrigger, VoiceFlow
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


class SessionFilter(django_filters.FilterSet):
    number = NumberFilter()
    status = django_filters.ChoiceFilter(choices=CallSession.Status.choices)
    direction = django_filters.ChoiceFilter(choices=CallSession.Direction.choices)
    flow = django_filters.CharFilter(field_name="flow__slug")
    since = SinceFilter(field_name="started_at")

    class Meta:
        model = CallSession
        fields = ["status", "direction", "number", "flow", "since"]


class CallList(FlowBySlug, ServiceCreate, APIView):
    """Call a number and play a voice flow on any provider's app (POST), or list
    the calls of every provider, newest first (GET).

    POST: a Globe Labs app plays the flow through Tropo; a Voicent gateway app
    takes flows that only speak text or play one audio file (any other step is
    a 400 naming it); a Hoiio app through Hoiio's IVR, when available.
    GET: Globe Labs calls, Hoiio call-backs, conference participants and IVR
    sessions, Voicent gateway calls, in one shape (`status` shared by all,
    `provider_status` the provider's own)."""

    required_scopes = {"GET": "calls", "POST": "calls"}
    input_serializer, output_serializer = CallIn, CallOut
    service, source = staticmethod(start_call), CallTrigger.Source.API

    @extend_schema(
        operation_id="v1_calls_list", parameters=CALL_LIST_PARAMETERS, responses=PagedCalls
    )
    def get(self, request):
        apps = partner_apps(request)
        filters = call_filters(request)
        tables = [
            (source.rank, filters.apply(source.rows().filter(app__in=apps)))
            for source in SOURCES.values()
            if filters.wants(source.provider)
        ]
        page, next_url = merged_page(request, tables)
        calls = [SOURCES_BY_RANK[rank].describe(row) for rank, row in page]
        results = CallOut(calls, many=True).data
        return Response({"next": next_url, "previous": None, "results": results})

    def represent(self, created) -> dict:
        source = source_of(created)
        return CallOut(source.describe(source.rows().get(pk=created.pk))).data


class CallDetail(APIView):
    """One call of any provider: `/api/v1/calls/{source}/{id}/`, `source` from its `ref`
    (globe, hoiio, hoiio-ivr, voicent)."""

    required_scopes = "calls"

    @extend_schema(
        responses=CallOut,
        parameters=[OpenApiParameter("source", str, OpenApiParameter.PATH, enum=list(SOURCES))],
    )
    def get(self, request, source, pk):
        found = SOURCES.get(source)
        if found is None:
            raise NotFound(f"no call source {source!r}: globe, hoiio, hoiio-ivr or voicent")
        row = get_object_or_404(found.rows().filter(app__in=partner_apps(request)), pk=pk)
        return Response(CallOut(found.describe(row)).data)


class GlobeCallDetail(APIView):
    """Deprecated: a Globe Labs call, `/api/v1/calls/{id}/`; read `/api/v1/calls/globe/{id}/`."""

    required_scopes = "calls"

    @extend_schema(deprecated=True, responses=CallOut, operation_id="v1_calls_globe_retrieve")
    def get(self, request, pk):
        return CallDetail.get(self, request, "globe", pk)


class CallSessionList(OwnedRows, generics.ListAPIView):
    """Every call of the partner's apps, inbound and outbound, with its transcript."""

    required_scopes = "calls"
    queryset = CallSession.objects.select_related("flow").prefetch_related("exchanges")
    serializer_class = CallSessionOut
    filterset_class = SessionFilter


class EscalationList(FlowBySlug, ServiceCreate, APIView):
    """Call numbers in order until one confirms, on Globe Labs or through a Voicent
    gateway (POST), or list the escalations of every provider, newest first (GET)."""

    required_scopes = {"GET": "calls", "POST": "calls"}
    input_serializer, output_serializer = EscalationIn, EscalationOut
    service, source = staticmethod(start_escalation), "api"

    @extend_schema(
        operation_id="v1_escalations_list",
        parameters=ESCALATION_LIST_PARAMETERS,
        responses=PagedEscalations,
    )
    def get(self, request):
        return list_escalations(request)

    def represent(self, created) -> dict:
        return EscalationOut(describe_escalation(escalation_rows().get(pk=created.pk))).data


class EscalationDetail(APIView):
    """An escalation started through `/api/v1/escalations/` (or the console's voice pages)."""

    required_scopes = "calls"

    @extend_schema(responses=EscalationOut)
    def get(self, request, pk):
        queryset = escalation_rows().filter(app__in=partner_apps(request))
        return Response(EscalationOut(describe_escalation(get_object_or_404(queryset, pk=pk))).data)
