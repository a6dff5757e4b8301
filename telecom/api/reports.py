"""`/api/v1/reports/traffic/`: traffic per day or hour from the hourly roll-up
(`telecom.rollups`), for one of the key's apps or all of them."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from telecom.api.apps import partner_apps
from telecom.rollups import REPORT_METRICS, day_start, local_zone, traffic_report

MAX_SPAN = {"day": timedelta(days=366), "hour": timedelta(days=31)}
MAX_OFFSET = timedelta(hours=14)
HELP = "a date (2026-01-31) or a date and time (2026-01-31T08:00:00+08:00)"


class DateOrDateTime(serializers.Field):
    """A day (its start in TIME_ZONE) or an ISO 8601 date and time."""

    def to_internal_value(self, data):
        text = str(data).strip()
        if len(text) > 40:
            self.fail_with(HELP)
        try:
            day = date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None:
            moment = day_start(day)
        else:
            try:
                moment = parse_datetime(text)
            except ValueError:
                moment = None
            if moment is None:
                self.fail_with(HELP)
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=local_zone())
            offset = moment.utcoffset()
            if offset is not None and abs(offset) > MAX_OFFSET:
                self.fail_with("no time zone is that far from UTC")
        if not 2000 <= moment.year <= 2100:
            self.fail_with("give a year between 2000 and 2100")
        return moment

    def to_representation(self, value):
        return value.isoformat()

    @staticmethod
    def fail_with(message: str):
        raise serializers.ValidationError(message)


class TrafficQuery(serializers.Serializer):
    app = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    since = DateOrDateTime(required=False)
    until = DateOrDateTime(required=False)
    interval = serializers.ChoiceField(choices=["day", "hour"], default="day")

    def validate(self, attrs):
        interval = attrs["interval"]
        until = attrs.get("until") or timezone.now()
        if "since" in attrs:
            since = attrs["since"]
        elif interval == "day":
            since = day_start(timezone.localdate(until) - timedelta(days=6))
        else:
            since = until - timedelta(hours=24)
        if since >= until:
            raise serializers.ValidationError({"since": ["must be before until"]})
        if until - since > MAX_SPAN[interval]:
            days = MAX_SPAN[interval].days
            raise serializers.ValidationError(
                {"since": [f"at most {days} days of {interval}s in one report"]}
            )
        return {**attrs, "since": since, "until": until}


def validated_query(params) -> dict:
    """The query string as `TrafficQuery` reads it; refuses a field given twice."""
    for name in TrafficQuery().fields:
        if len(params.getlist(name)) > 1:
            raise serializers.ValidationError({name: ["give it once"]})
    query = TrafficQuery(data={k: params[k] for k in TrafficQuery().fields if k in params})
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


# One row of the report: `start`, then each figure (an integer; the amount a string).
TrafficRow = type(
    "TrafficRow",
    (serializers.Serializer,),
    {
        "start": serializers.DateTimeField(),
        **{
            metric: serializers.CharField(help_text='Two decimals, e.g. "12.00".')
            if metric == "charged_amount"
            else serializers.IntegerField()
            for metric in REPORT_METRICS
        },
    },
)


class TrafficReport(APIView):
    """Traffic per day (in the server's time zone) or per hour: SMS out and in,
    delivered and failed, parts billed, charges and PHP charged, rewards, USSD
    sessions and calls; one row per interval from `since` to `until`, empty
    intervals included. Counted from the hourly roll-up, about a minute behind."""

    required_scopes = "reports:read"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "app", int, description="One of the key's apps (all of them if absent)."
            ),
            OpenApiParameter("since", str, description=f"Start: {HELP}."),
            OpenApiParameter("until", str, description=f"End (now if absent): {HELP}."),
            OpenApiParameter("interval", str, enum=["day", "hour"]),
        ],
        responses=inline_serializer(
            "TrafficReport",
            {
                "app": serializers.IntegerField(allow_null=True),
                "interval": serializers.CharField(),
                "since": serializers.DateTimeField(),
                "until": serializers.DateTimeField(),
                "rows": TrafficRow(many=True),
            },
        ),
    )
    def get(self, request):
        query = validated_query(request.query_params)
        apps = list(partner_apps(request).values_list("pk", flat=True))
        app = query.get("app")
        if app is not None:
            if app not in apps:
                raise serializers.ValidationError({"app": ["this key may not use that app"]})
            apps = [app]
        rows = traffic_report(apps, query["since"], query["until"], query["interval"])
        return Response(
            {
                "app": app,
                "interval": query["interval"],
                "since": query["since"].isoformat(),
                "until": query["until"].isoformat(),
                "rows": rows,
            }
        )
