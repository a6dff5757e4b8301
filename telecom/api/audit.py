"""`/api/v1/audit-events/`: the partner's own audit trail, newest first.

Every write its API keys made (`telecom.audit`): which key (its prefix), what,
on which rows, when, and how it went. Scope `audit:read`. Console operators'
events are not a partner's to read.
"""

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers

from telecom.api.filters import SinceFilter
from telecom.models.audit import AuditEvent


class AuditObject(serializers.Serializer):
    type = serializers.CharField(help_text="The kind of row, e.g. telecom.message.")
    ids = serializers.ListField(child=serializers.CharField())
    count = serializers.IntegerField()


class AuditEventOut(serializers.ModelSerializer):
    key = serializers.CharField(source="key_prefix", help_text="The API key's prefix.")
    object = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "key", "action", "object", "outcome", "detail"]

    @extend_schema_field(AuditObject)
    def get_object(self, event: AuditEvent) -> dict:
        return {
            "type": event.object_type,
            "ids": [target["id"] for target in event.targets],
            "count": event.object_count,
        }


class AuditEventFilter(django_filters.FilterSet):
    since = SinceFilter(field_name="at")
    outcome = django_filters.ChoiceFilter(choices=AuditEvent.Outcome.choices)

    class Meta:
        model = AuditEvent
        fields = ["since", "outcome"]


class AuditEventList(generics.ListAPIView):
    """What this partner's API keys did: each POST, PUT, PATCH and DELETE, newest first."""

    required_scopes = "audit:read"
    serializer_class = AuditEventOut
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return AuditEvent.objects.filter(partner=self.request.user)
