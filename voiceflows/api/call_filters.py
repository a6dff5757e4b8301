"""The filters of `/api/v1/calls/` (every provider's calls), validated once and
applied to each source's queryset (`voiceflows.api.call_sources`), whose
shared annotations they read: `?provider=`, `?app=`, `?status=` (a shared
status), `?number=`, `?flow=`, `?since=` and `?until=` (created at or after,
before). A value that is not one of theirs, or given empty, is a 400 naming
the parameter.
"""

import django_filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from telecom.api.filters import SinceFilter, UtcDateTimeField
from telecom.models import ProviderApp
from telecom.msisdn import InvalidMsisdn, normalize_msisdn
from voiceflows.api.call_sources import CallStatus
from voiceflows.api.merged import CURSOR
from voiceflows.api.serializers import CallOut


class UntilFilter(django_filters.IsoDateTimeFilter):
    """`created_at < value`, an ISO 8601 date and time read as `?since=` is."""

    field_class = UtcDateTimeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "lt")
        super().__init__(*args, **kwargs)


class WholeNumberFilter(django_filters.NumberFilter):
    """`?app=`: a whole number (django-filter's NumberFilter takes 0.5) that a
    primary key can be (SQLite cannot even compare a larger one: a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class CallFilter(django_filters.FilterSet):
    provider = django_filters.ChoiceFilter(
        choices=ProviderApp.Provider.choices, method="by_provider"
    )
    app = WholeNumberFilter(field_name="app_id")
    status = django_filters.ChoiceFilter(choices=CallStatus.choices, field_name="shared_status")
    number = django_filters.CharFilter(method="by_number")
    flow = django_filters.CharFilter(field_name="shared_flow", max_length=50)
    since = SinceFilter(field_name="created_at")
    until = UntilFilter(field_name="created_at")

    def by_provider(self, queryset, name, value):
        return queryset  # chooses the sources (`CallFilters.wants`), not rows

    def by_number(self, queryset, name, value):
        try:
            return queryset.filter(shared_to=normalize_msisdn(value))
        except InvalidMsisdn as exc:
            raise ValidationError({"number": [str(exc)]}) from None


class CallFilters:
    """The request's filters, valid: `wants(provider)` says whether a source is
    read at all, `apply(queryset)` filters one source's rows."""

    def __init__(self, params, data: dict):
        self.params, self.provider = params, data.get("provider")

    def wants(self, provider: str) -> bool:
        return not self.provider or self.provider == provider

    def apply(self, queryset: QuerySet) -> QuerySet:
        return CallFilter(self.params, queryset=queryset).qs


def call_filters(request) -> CallFilters:
    params = request.query_params
    form = CallFilter(params, queryset=ProviderApp.objects.none()).form
    empty = {
        name: ["give a value, or leave the parameter out"]
        for name in CallFilter.base_filters
        if name in params and not params[name].strip()
    }
    if empty:
        raise ValidationError(empty)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return CallFilters(params, form.cleaned_data)


class PagedCalls(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, null on the last.")
    previous = serializers.URLField(allow_null=True, help_text="Always null: forward only.")
    results = CallOut(many=True)


def _parameter(name: str, kind, description: str, **options) -> OpenApiParameter:
    return OpenApiParameter(name, kind, description=description, **options)


CALL_LIST_PARAMETERS = [
    _parameter("provider", str, "Only this provider's calls.", enum=ProviderApp.Provider.values),
    _parameter("app", int, "Only this app's calls."),
    _parameter("status", str, "The shared status.", enum=CallStatus.values),
    _parameter("number", str, "The number called, in any accepted form."),
    _parameter("flow", str, "The voice flow's slug."),
    _parameter("since", str, "Created at or after (ISO 8601 with an offset)."),
    _parameter("until", str, "Created before (ISO 8601 with an offset)."),
    _parameter(CURSOR, str, "The `next` of the previous page."),
    _parameter("page_size", int, "1 to 500 (50 by default)."),
]
