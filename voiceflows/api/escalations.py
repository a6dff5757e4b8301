"""`/api/v1/escalations/`: escalations of every provider in one list and one shape.

Two tables hold escalations: `voiceflows.Escalation` (run on Globe Labs
by voice flows, or through a Voicent gateway, whose gateway escalation it
follows) and `telecom.VoicentEscalation`. A gateway escalation started by
an `Escalation` is shown as that escalation; one started on its own (the
deprecated `/api/v1/voicent/escalations/`, the console's Voicent pages) is
shown in the same shape: its reason as name and message, its contacts as
numbers, its calls as attempts, `nobody confirmed` as `exhausted`.
`provider_status` keeps the table's own status. Both are merged newest
first with one cursor (`voiceflows.api.merged`).
"""

import django_filters
from django.db.models import Case, CharField, F, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from telecom.api.apps import partner_apps
from telecom.api.filters import SinceFilter
from telecom.models import VoicentCall, VoicentEscalation
from voiceflows.api.call_filters import UntilFilter, WholeNumberFilter
from voiceflows.api.merged import CURSOR, merged_page
from voiceflows.api.serializers import EscalationAttemptOut
from voiceflows.models import Escalation, EscalationAttempt

ESCALATION_RANK, GATEWAY_RANK = 2, 1
GATEWAY_STATUSES = {
    VoicentEscalation.Status.RUNNING: Escalation.Status.RUNNING,
    VoicentEscalation.Status.CONFIRMED: Escalation.Status.CONFIRMED,
    VoicentEscalation.Status.UNCONFIRMED: Escalation.Status.EXHAUSTED,
    VoicentEscalation.Status.CANCELLED: Escalation.Status.CANCELLED,
    VoicentEscalation.Status.UNKNOWN: Escalation.Status.UNKNOWN,
}
ATTEMPT_OF_CALL = {
    VoicentCall.Status.MADE: EscalationAttempt.Status.CONFIRMED,
    VoicentCall.Status.FAILED: EscalationAttempt.Status.NOT_CONFIRMED,
    VoicentCall.Status.CANCELLED: EscalationAttempt.Status.CANCELLED,
    VoicentCall.Status.UNKNOWN: EscalationAttempt.Status.FAILED,
}


def escalation_rows():
    return (
        Escalation.objects.select_related("flow", "voicent")
        .prefetch_related("attempts")
        .annotate(shared_status=F("status"))
    )


def gateway_rows():
    """Gateway escalations that no `Escalation` follows."""
    whens = [When(status=raw, then=Value(shared)) for raw, shared in GATEWAY_STATUSES.items()]
    return (
        VoicentEscalation.objects.filter(escalation__isnull=True)
        .prefetch_related("calls")
        .annotate(shared_status=Case(*whens, default=F("status"), output_field=CharField()))
    )


def describe_escalation(row: Escalation) -> dict:
    return {
        "url": reverse("api:escalation-detail", args=[row.pk]),
        "id": row.pk,
        "provider": row.provider,
        "status": row.status,
        "provider_status": row.voicent.status if row.voicent_id else row.status,
        "name": row.name,
        "app": row.app_id,
        "flow": row.flow.slug if row.flow_id else None,
        "message": row.message,
        "numbers": row.numbers,
        "rounds": row.rounds,
        "confirmed_by": row.confirmed_by,
        "confirmed_at": row.confirmed_at,
        "attempts": list(row.attempts.all()),
        "created_at": row.created_at,
        "finished_at": row.finished_at,
    }


def _gateway_attempt(gateway: VoicentEscalation, index: int, call: VoicentCall) -> dict:
    per_round = len(gateway.contacts) if gateway.one_by_one else 1
    return {
        "round": index // max(per_round, 1) + 1,
        "msisdn": call.phone,
        "status": ATTEMPT_OF_CALL.get(call.status, EscalationAttempt.Status.CALLING),
        "started_at": call.submitted_at or call.created_at,
        "ended_at": call.finished_at,
        "note": call.last_error or call.gateway_status,
    }


def describe_gateway(row: VoicentEscalation) -> dict:
    calls = sorted(row.calls.all(), key=lambda call: call.pk)
    return {
        "url": reverse("api:voicent-gateway-escalation-detail", args=[row.pk]),
        "id": row.pk,
        "provider": Escalation.Provider.VOICENT,
        "status": row.shared_status,
        "provider_status": row.status,
        "name": row.reason,
        "app": row.app_id,
        "flow": None,
        "message": row.reason,
        "numbers": row.contacts,
        "rounds": row.rounds,
        "confirmed_by": row.confirmed_by,
        "confirmed_at": row.confirmed_at,
        "attempts": [_gateway_attempt(row, i, call) for i, call in enumerate(calls)],
        "created_at": row.created_at,
        "finished_at": row.finished_at,
    }


class EscalationOut(serializers.Serializer):
    url = serializers.CharField(help_text="Where it is read (its `id` is its table's).")
    id = serializers.IntegerField()
    provider = serializers.ChoiceField(choices=Escalation.Provider.choices)
    status = serializers.ChoiceField(choices=Escalation.Status.choices)
    provider_status = serializers.CharField(
        help_text="The gateway's own status for a Voicent escalation (`unconfirmed`...)."
    )
    name = serializers.CharField(allow_blank=True)
    app = serializers.IntegerField()
    flow = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    numbers = serializers.ListField(child=serializers.CharField())
    rounds = serializers.IntegerField()
    confirmed_by = serializers.CharField(allow_blank=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    attempts = EscalationAttemptOut(many=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class PagedEscalations(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True, help_text="Always null: forward only.")
    results = EscalationOut(many=True)


class EscalationFilter(django_filters.FilterSet):
    provider = django_filters.ChoiceFilter(
        choices=Escalation.Provider.choices, method="by_provider"
    )
    app = WholeNumberFilter(field_name="app_id")
    status = django_filters.ChoiceFilter(
        choices=Escalation.Status.choices, field_name="shared_status"
    )
    since = SinceFilter(field_name="created_at")
    until = UntilFilter(field_name="created_at")

    def by_provider(self, queryset, name, value):
        if queryset.model is Escalation:
            return queryset.filter(provider=value)
        return queryset if value == Escalation.Provider.VOICENT else queryset.none()


def _filtered(request, queryset):
    params = request.query_params
    empty = [name for name in EscalationFilter.base_filters if name in params and not params[name]]
    if empty:
        raise ValidationError(
            {name: ["give a value, or leave the parameter out"] for name in empty}
        )
    filterset = EscalationFilter(params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return filterset.qs


ESCALATION_LIST_PARAMETERS = [
    OpenApiParameter("provider", str, enum=Escalation.Provider.values),
    OpenApiParameter("app", int),
    OpenApiParameter("status", str, enum=Escalation.Status.values),
    OpenApiParameter("since", str, description="Created at or after (ISO 8601)."),
    OpenApiParameter("until", str, description="Created before (ISO 8601)."),
    OpenApiParameter(CURSOR, str, description="The `next` of the previous page."),
    OpenApiParameter("page_size", int, description="1 to 500 (50 by default)."),
]


def list_escalations(request) -> Response:
    apps = partner_apps(request)
    tables = [
        (ESCALATION_RANK, _filtered(request, escalation_rows().filter(app__in=apps))),
        (GATEWAY_RANK, _filtered(request, gateway_rows().filter(app__in=apps))),
    ]
    page, next_url = merged_page(request, tables)
    describe = {ESCALATION_RANK: describe_escalation, GATEWAY_RANK: describe_gateway}
    results = [describe[rank](row) for rank, row in page]
    return Response(
        {"next": next_url, "previous": None, "results": EscalationOut(results, many=True).data}
    )


class GatewayEscalationDetail(APIView):
    """A Voicent gateway escalation started on its own (not through `/api/v1/escalations/`),
    in the shape of every escalation."""

    required_scopes = "calls"

    @extend_schema(responses=EscalationOut)
    def get(self, request, pk):
        queryset = gateway_rows().filter(app__in=partner_apps(request))
        return Response(EscalationOut(describe_gateway(get_object_or_404(queryset, pk=pk))).data)
