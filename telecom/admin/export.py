"""`CsvExport`: a list's rows as CSV, streamed.

Mixed into a ModelAdmin (`class MessageAdmin(CsvExport, admin.ModelAdmin)`), it
adds the action "Export as CSV": the rows ticked, or with "select all" the
whole filtered list, written as they are read from one server-side cursor
(`.iterator(chunk_size=...)`, `values_list`: no model instances), so the web
process holds one chunk at a time however many rows there are
(`bench/export_memory.py`). Only users with `telecom.export_rows` (Operators)
see the action; the audit middleware records each export with the list's
filters. Encrypted fields are never exported; a cell a spreadsheet would run
as a formula is written as text.
"""

import csv
import json
import re
from datetime import date, datetime

from django.contrib import admin
from django.http import StreamingHttpResponse
from django.utils import timezone

from telecom.fields import EncryptedTextField

EXPORT_PERMISSION = "telecom.export_rows"
EXPORT_CHUNK = 2000
# A cell starting like a formula is prefixed with ' (OWASP, "CSV injection");
# a signed number (+639171234567, -1.00) is left as it is.
FORMULA = re.compile(r"^[=@\t\r]|^[+-](?![\d.]+$)")


class _Echo:
    """csv.writer's file: hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    return "'" + text if FORMULA.match(text) else text


def csv_lines(header: list[str], rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


class CsvExport:
    """A ModelAdmin mixin. A subclass may name its columns in `export_fields`
    (attribute names: `app_id`, not `app`); by default every concrete field
    but the encrypted ones."""

    export_fields: list[str] | None = None

    def export_columns(self) -> list[str]:
        if self.export_fields is not None:
            return list(self.export_fields)
        return [
            f.attname
            for f in self.model._meta.concrete_fields
            if not isinstance(f, EncryptedTextField)
        ]

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_export_permission(request) and "_popup" not in request.GET:
            actions["export_csv"] = self.get_action("export_csv")
        return actions

    @admin.action(
        description="Export as CSV (the selection, or the whole filtered list)",
        permissions=["export"],
    )
    def export_csv(self, request, queryset):
        columns = self.export_columns()
        rows = queryset.values_list(*columns).iterator(chunk_size=EXPORT_CHUNK)
        response = StreamingHttpResponse(
            csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        name = self.model._meta.model_name
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response
