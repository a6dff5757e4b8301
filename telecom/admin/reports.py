"""The console's Reports page: the partner API's traffic report
(`telecom/api/reports.py`) over any app, as a chart, a table and a CSV file."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from rest_framework.exceptions import ValidationError

from telecom.admin.charts import bar_chart
from telecom.api.reports import validated_query
from telecom.models import ProviderApp
from telecom.rollups import REPORT_METRICS, traffic_report

COLUMNS = ("start", *REPORT_METRICS)
HEADINGS = {
    "start": "from",
    "sms_out": "SMS out",
    "sms_in": "SMS in",
    "delivered": "delivered",
    "failed": "failed",
    "parts": "parts",
    "charges": "charges",
    "charged_amount": "PHP charged",
    "rewards": "rewards",
    "ussd_sessions": "USSD sessions",
    "calls": "calls",
}


def _allowed(request):
    if not request.user.has_perm("telecom.view_trafficcount"):
        raise PermissionDenied


def _query(request):
    """(query, errors, rows): the report asked for, or the fields that are wrong."""
    params = request.GET.copy()
    for name in [name for name, value in params.items() if value == ""]:
        del params[name]  # the form's empty fields: the defaults
    try:
        query = validated_query(params)
    except ValidationError as exc:
        return None, {k: [str(m) for m in v] for k, v in exc.detail.items()}, []
    apps = None if query.get("app") is None else [query["app"]]
    return query, {}, traffic_report(apps, query["since"], query["until"], query["interval"])


def traffic_report_page(request):
    _allowed(request)
    query, errors, rows = _query(request)
    label = (
        (lambda row: row["start"][5:10])
        if query and query["interval"] == "day"
        else (lambda row: row["start"][11:16])
    )
    chart = ""
    if rows:
        numeric = [{**row, "charged_amount": float(row["charged_amount"])} for row in rows]
        chart = bar_chart(
            numeric,
            [("sms_out", "SMS out", "hatid-chart-out"), ("sms_in", "SMS in", "hatid-chart-in")],
            label,
            "Messages",
        )
    totals = {
        metric: (
            f"{sum(float(r[metric]) for r in rows):.2f}"
            if metric == "charged_amount"
            else sum(r[metric] for r in rows)
        )
        for metric in REPORT_METRICS
    }
    context = {
        **admin.site.each_context(request),
        "title": "Traffic report",
        "apps": ProviderApp.objects.order_by("name"),
        "query": query,
        "params": request.GET,
        "errors": errors,
        "rows": rows,
        "columns": [(column, HEADINGS[column]) for column in COLUMNS],
        "totals": totals,
        "chart": chart,
        "csv_url": f"{reverse('admin:reports_csv')}?{request.GET.urlencode()}",
    }
    return TemplateResponse(request, "admin/hatid/reports.html", context)


def traffic_csv(request):
    _allowed(request)
    query, errors, rows = _query(request)
    if errors:
        field, messages = next(iter(errors.items()))
        return HttpResponse(f"{field}: {messages[0]}\n", status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    app = query.get("app") or "all"
    response["Content-Disposition"] = (
        f'attachment; filename="traffic-{app}-{query["interval"]}-'
        f'{query["since"]:%Y%m%d}-{query["until"]:%Y%m%d}.csv"'
    )
    writer = csv.DictWriter(response, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return response
