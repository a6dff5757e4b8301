"""`/admin/live/<app>/<model>/?ids=`: the cells of a list's rows as they are
now, for `telecom/static/hatid/live.js`, which refreshes a list of work in
progress (messages sending, campaigns, calls, queries) without a reload.

Only lists named in `telecom.admin_site.LIVE_MODELS`, only for a user who may
see that list, only rows that user's list shows (the admin's own queryset),
and the cells as the list renders them (`lookup_field`, as Django's list does).
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import display_for_field, display_for_value, lookup_field
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, JsonResponse
from django.utils.html import conditional_escape

from telecom.admin_site import LIVE_MODELS

MAX_ROWS = 200
POLL_SECONDS = 5


def live_rows(request, app_label: str, model_name: str):
    key = f"{app_label}.{model_name}"
    if key not in LIVE_MODELS:
        raise Http404
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        raise Http404
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        ids = [int(pk) for pk in request.GET.get("ids", "").split(",") if pk][:MAX_ROWS]
    except ValueError:
        return JsonResponse({"error": "ids: give row ids separated by commas"}, status=400)
    links = set(
        model_admin.get_list_display_links(request, model_admin.get_list_display(request)) or ()
    )
    columns = [
        name
        for name in model_admin.get_list_display(request)
        if name != "action_checkbox" and name not in links and isinstance(name, str)
    ]
    rows = {}
    for row in _with_related(model_admin, request).filter(pk__in=ids):
        rows[str(row.pk)] = {name: _cell(model_admin, row, name) for name in columns}
    return JsonResponse({"rows": rows, "poll_seconds": POLL_SECONDS})


def _with_related(model_admin, request):
    """The admin's rows joined as its list joins them (`ChangeList.apply_select_related`)."""
    rows = model_admin.get_queryset(request)
    wanted = model_admin.get_list_select_related(request)
    if wanted is True:
        return rows.select_related()
    if wanted:
        return rows.select_related(*wanted)
    for name in model_admin.get_list_display(request):
        try:
            field = model_admin.model._meta.get_field(name)
        except (FieldDoesNotExist, TypeError):
            continue
        if isinstance(field.remote_field, models.ManyToOneRel) and name != field.attname:
            return rows.select_related()
    return rows


def _cell(model_admin, row, name: str) -> str:
    empty = model_admin.get_empty_value_display()
    try:
        field, attr, value = lookup_field(name, row, model_admin)
    except (AttributeError, models.ObjectDoesNotExist):
        return str(empty)
    if field is None or field.auto_created:
        shown = display_for_value(value, empty, getattr(attr, "boolean", False))
    elif isinstance(field.remote_field, models.ManyToOneRel):
        shown = empty if value is None else getattr(row, field.name)
    else:
        shown = display_for_field(value, field, empty)
    return str(conditional_escape(shown))
