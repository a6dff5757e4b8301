"""Filters shared by the partner API's lists.

`StrictFilterBackend` (REST_FRAMEWORK's filter backend) refuses a filter
given empty (`?status=`) with a 400 instead of ignoring it.

`NumberFilter` is every `?number=`: a subscriber's number in any accepted
form, a 400 when it is no number.

`SinceFilter` is every `?since=` (and `?changed_since=`): an ISO 8601 date and
time whose offset a real clock can have. Python parses offsets up to ±23:59
but PostgreSQL refuses a timestamp beyond ±15:59 (a 500 before this filter),
and no time zone is beyond UTC-12 or UTC+14; the value reaches the query in
UTC, so no offset PostgreSQL dislikes can get through.
"""

from datetime import UTC, timedelta

import django_filters
from django import forms
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from telecom.msisdn import InvalidMsisdn, normalize_msisdn

MAX_OFFSET = timedelta(hours=14)


class UtcDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        if isinstance(value, str) and not value.strip():
            # `?since=` with nothing: a client bug, not "no filter".
            raise forms.ValidationError("give a date and time, e.g. 2026-01-01T00:00:00+08:00")
        parsed = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise forms.ValidationError(
                "the UTC offset must be between -12:00 and +14:00", code="invalid"
            )
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("the date is out of range", code="invalid") from None


class SinceFilter(django_filters.IsoDateTimeFilter):
    """`field >= value`: rows created (or changed) at or after an ISO 8601 date and time."""

    field_class = UtcDateTimeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        super().__init__(*args, **kwargs)


class NumberFilter(django_filters.CharFilter):
    """`?number=`: rows whose `msisdn` is this number, given in any accepted form
    (09171234567, +639171234567...); one that is no number is a 400 naming it."""

    def filter(self, queryset, value):
        if value in EMPTY_VALUES:
            return queryset
        try:
            return queryset.filter(msisdn=normalize_msisdn(value))
        except InvalidMsisdn as exc:
            raise ValidationError({"number": [str(exc)]}) from None


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a filter given with no value
    (`?status=`) is a 400 naming it. django-filter ignores it, so a client whose
    variable was empty silently gets every row instead of the few it meant."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            empty = {
                name: ["give a value, or leave the parameter out"]
                for name in filterset.filters
                if name in request.query_params and not request.query_params[name].strip()
            }
            if empty:
                raise ValidationError(empty)
        return filterset
