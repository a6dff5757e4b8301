"""The audit trail in the console: read-only for everyone, superusers too (no
add, change or delete; the database refuses them anyway), filterable by who,
what, outcome and date, and exportable as CSV."""

import json

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from telecom.admin.base import pretty_block
from telecom.admin.distinct_filter import IndexedValuesFilter
from telecom.admin.export import CsvExport
from telecom.admin.pagination import EstimatedCountPaginator
from telecom.models.audit import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(CsvExport, admin.ModelAdmin):
    list_display = ["at", "actor", "action", "objects_acted_on", "outcome", "address"]
    list_filter = [
        "actor_kind",
        "outcome",
        "at",
        "user",
        "partner",
        ("action", IndexedValuesFilter),
    ]
    # No date_hierarchy: a DISTINCT over the whole table on every page (see message.py).
    search_fields = ["actor", "action", "object_type", "key_prefix"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    fields = [
        "at",
        "actor_kind",
        "actor",
        "user",
        "partner",
        "key_prefix",
        "address",
        "action",
        "object_type",
        "objects_acted_on",
        "object_count",
        "outcome",
        "details",
    ]
    readonly_fields = fields

    def changelist_view(self, request, extra_context=None):
        # The list's heading in plain words, not "Select audit event to view".
        extra_context = {"title": "Audit trail", **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra_context)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="objects")
    def objects_acted_on(self, event: AuditEvent):
        if not event.targets:
            return "all matching the filters" if event.detail.get("all_matching") else "—"
        shown = format_html_join(
            ", ",
            "{} {}",
            ((t["id"], f"({t['label']})" if t.get("label") else "") for t in event.targets[:5]),
        )
        more = len(event.targets) - 5
        kind = event.object_type.split(".")[-1]
        return format_html("{}: {}{}", kind, shown, f" and {more} more" if more > 0 else "")

    @admin.display(description="detail")
    def details(self, event: AuditEvent):
        return pretty_block(json.dumps(event.detail))
