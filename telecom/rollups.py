"""Traffic per app and hour, rolled up incrementally, and read back by day or hour.

The console's home page and the traffic report (`/api/v1/reports/traffic/`,
the console's Reports page) read `TrafficCount` rows, never the big tables.
`roll_up_traffic` (beat) keeps them: each run recounts, per app and hour,
the rows created from a little before the last run (`TRAFFIC_SETTLE_HOURS`:
an SMS delivered or a charge settled later still changes its hour) to now,
and replaces those hours' counts. A run costs the window, not the history;
running it twice changes nothing.

Each app contributes its figures with a *source* registered here
(`register_source`): a function of `(since, until)` yielding
`(app_id, hour, metric, value)`. Telecom's are below; voiceflows registers
its calls from `voiceflows/rollups.py`, so this module imports no voice flow.
The console's "needs attention" panel is gathered the same way
(`register_attention`).
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncHour
from django.utils import timezone

from telecom.models import (
    Charge,
    IvrSession,
    Message,
    Reward,
    TrafficCount,
    TrafficWatermark,
    UssdSession,
    VoiceCall,
)

Row = tuple[int, datetime, str, Decimal | int]
Source = Callable[[datetime, datetime], Iterable[Row]]

# The report's figures, in its order (the API's fields and the CSV's columns).
REPORT_METRICS = (
    "sms_out",
    "sms_in",
    "delivered",
    "failed",
    "parts",
    "charges",
    "charged_amount",
    "rewards",
    "ussd_sessions",
    "calls",
)
REFUSED = "charges_refused:"  # + the platform's status code, or "other"
WATERMARK = "traffic"

_sources: list[Source] = []


def register_source(source: Source) -> Source:
    if source not in _sources:
        _sources.append(source)
    return source


def hourly(queryset, time_field: str, since: datetime, until: datetime, **figures) -> Iterator[Row]:
    """Each figure (an aggregate: `Count(..., filter=...)`, `Sum(...)`) of `queryset`
    per app and hour of `time_field`, in [since, until); zeros left out."""
    rows = (
        queryset.filter(**{f"{time_field}__gte": since, f"{time_field}__lt": until})
        .annotate(bucket=TruncHour(time_field, tzinfo=UTC))
        .values("app_id", "bucket")
        .annotate(**figures)
        .order_by()
    )
    for row in rows:
        for metric in figures:
            if row[metric]:
                yield row["app_id"], row["bucket"], metric, row[metric]


@register_source
def messages(since: datetime, until: datetime) -> Iterator[Row]:
    out, sent = Q(direction=Message.Direction.OUT), Message.Status
    yield from hourly(
        Message.objects.all(),
        "created_at",
        since,
        until,
        sms_out=Count("pk", filter=out),
        sms_sent=Count("pk", filter=out & Q(status__in=[sent.SENT, sent.BATCHED])),
        delivered=Count("pk", filter=out & Q(delivery_status="delivered")),
        failed=Count("pk", filter=out & Q(status=sent.FAILED)),
        unknown=Count("pk", filter=out & Q(status=sent.UNKNOWN)),
        sms_in=Count("pk", filter=Q(direction=Message.Direction.IN)),
        parts=Sum("parts", filter=out),
    )


@register_source
def money(since: datetime, until: datetime) -> Iterator[Row]:
    charged = Q(status=Charge.Status.CHARGED)
    yield from hourly(
        Charge.objects.all(),
        "created_at",
        since,
        until,
        charges=Count("pk"),
        charges_succeeded=Count("pk", filter=charged),
        charged_amount=Sum(Coalesce("amount_charged", "amount"), filter=charged),
    )
    refused = (
        Charge.objects.filter(
            status=Charge.Status.FAILED, created_at__gte=since, created_at__lt=until
        )
        .annotate(bucket=TruncHour("created_at", tzinfo=UTC))
        .values("app_id", "bucket", "platform_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in refused:
        yield (
            row["app_id"],
            row["bucket"],
            f"{REFUSED}{row['platform_status'] or 'other'}",
            row["n"],
        )


def started_and_completed(
    model, time_field: str, metric: str, completed_status: str, done: str = ""
) -> Source:
    """A source counting `model`'s rows per hour of `time_field` as `metric`, and
    those in `completed_status` as `done` (by default `<metric>_completed`, the
    metric's first word: "ussd_sessions" counts "ussd_completed")."""
    done = done or f"{metric.split('_')[0]}_completed"

    def source(since: datetime, until: datetime) -> Iterator[Row]:
        yield from hourly(
            model.objects.all(),
            time_field,
            since,
            until,
            **{metric: Count("pk"), done: Count("pk", filter=Q(status=completed_status))},
        )

    source.__name__ = f"{model._meta.model_name}_{metric}"
    return source


for _model, _field, _metric, _completed in (
    (UssdSession, "started_at", "ussd_sessions", UssdSession.Status.COMPLETED),
    (VoiceCall, "created_at", "calls", VoiceCall.Status.ANSWERED),
    (IvrSession, "created_at", "calls", IvrSession.Status.COMPLETED),
):
    register_source(started_and_completed(_model, _field, _metric, _completed))
register_source(
    started_and_completed(
        Reward, "created_at", "rewards", Reward.Status.SUCCEEDED, done="rewards_succeeded"
    )
)


def _on_the_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _recount(since: datetime, until: datetime) -> int:
    """Replace the counts of every hour from `since` (on the hour) to `until`."""
    totals: dict[tuple[int, datetime, str], Decimal] = defaultdict(Decimal)
    for source in _sources:
        for app_id, hour, metric, value in source(since, until):
            totals[(app_id, hour, metric)] += Decimal(value)
    TrafficCount.objects.filter(hour__gte=since, hour__lt=until).delete()
    TrafficCount.objects.bulk_create(
        TrafficCount(app_id=app_id, hour=hour, metric=metric, value=value)
        for (app_id, hour, metric), value in totals.items()
    )
    return len(totals)


def roll_up_traffic(now: datetime | None = None) -> int:
    """Bring the hourly counts up to `now`; the number of counts written.

    The first run counts back `TRAFFIC_BACKFILL_DAYS`, a month at a time.
    Runs are serialised by the watermark's row lock.
    """
    now = now or timezone.now()
    settle = timedelta(hours=settings.TRAFFIC_SETTLE_HOURS)
    written = 0
    with transaction.atomic():
        TrafficWatermark.objects.get_or_create(
            name=WATERMARK,
            defaults={"rolled_until": now - timedelta(days=settings.TRAFFIC_BACKFILL_DAYS)},
        )
        mark = TrafficWatermark.objects.select_for_update().get(name=WATERMARK)
        start = _on_the_hour(min(mark.rolled_until, now) - settle)
        end = _on_the_hour(now) + timedelta(hours=1)
        while start < end:
            step = min(end, start + timedelta(days=31))
            written += _recount(start, step)
            start = step
        mark.rolled_until = now
        mark.save(update_fields=["rolled_until", "updated_at"])
    return written


# --- Reading ---------------------------------------------------------------------


def local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


def _counts(app_ids, since: datetime, until: datetime):
    rows = TrafficCount.objects.filter(hour__gte=since, hour__lt=until)
    if app_ids is not None:
        rows = rows.filter(app_id__in=list(app_ids))
    return rows


def series(app_ids, since: datetime, until: datetime, interval: str, metrics=None) -> list[dict]:
    """One dict per day (in `TIME_ZONE`) or hour from `since` to `until`, gaps
    included: `start` and each metric's sum (0 where nothing happened)."""
    metrics = tuple(metrics or REPORT_METRICS)
    rows = _counts(app_ids, since, until).filter(metric__in=metrics)
    if interval == "day":
        bucket = TruncDate("hour", tzinfo=local_zone())
        keys, one = [], timedelta(days=1)
        day = since.astimezone(local_zone()).date()
        while day_start(day) < until:
            keys.append(day)
            day += one
    else:
        bucket = TruncHour("hour", tzinfo=UTC)
        keys, hour = [], _on_the_hour(since)
        while hour < until:
            keys.append(hour)
            hour += timedelta(hours=1)
    found: dict = defaultdict(dict)
    for row in rows.annotate(bucket=bucket).values("bucket", "metric").annotate(v=Sum("value")):
        key = row["bucket"]
        if interval == "hour":
            key = key.astimezone(UTC)
        found[key][row["metric"]] = row["v"]
    answer = []
    for key in keys:
        start = day_start(key) if interval == "day" else key.astimezone(local_zone())
        figures = found.get(key, {})
        answer.append({"start": start, **{m: figures.get(m, Decimal(0)) for m in metrics}})
    return answer


def totals_by_app(app_ids, periods: dict[str, datetime], until: datetime) -> dict:
    """{app_id: {period: {metric: value}}} for each period starting at its datetime,
    in one statement."""
    earliest = min(periods.values())
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=2))
    sums = {
        name: Coalesce(Sum("value", filter=Q(hour__gte=start)), zero)
        for name, start in periods.items()
    }
    rows = (
        _counts(app_ids, _on_the_hour(earliest), until)
        .values("app_id", "metric")
        .annotate(**sums)
        .order_by()
    )
    answer: dict = defaultdict(lambda: {name: defaultdict(Decimal) for name in periods})
    for row in rows:
        for name in periods:
            answer[row["app_id"]][name][row["metric"]] = row[name]
    return answer


def rolled_until() -> datetime | None:
    return (
        TrafficWatermark.objects.filter(name=WATERMARK)
        .values_list("rolled_until", flat=True)
        .first()
    )


# --- What needs an operator ------------------------------------------------------


@dataclass(frozen=True)
class Attention:
    """One line of the home page's "needs attention" panel: how many, what, and
    the filtered list that shows them."""

    count: int
    label: str
    url: str


AttentionSource = Callable[[], Iterable[Attention]]
_attention: list[AttentionSource] = []


def register_attention(source: AttentionSource) -> AttentionSource:
    if source not in _attention:
        _attention.append(source)
    return source


def needs_attention() -> list[Attention]:
    return [item for source in _attention for item in source() if item.count]


def traffic_report(app_ids, since: datetime, until: datetime, interval: str) -> list[dict]:
    """The report's rows as the API and the CSV give them: counts as integers,
    `charged_amount` a string with two decimals, `start` in ISO 8601."""
    rows = []
    for row in series(app_ids, since, until, interval):
        out = {"start": row["start"].isoformat()}
        for metric in REPORT_METRICS:
            value = row[metric]
            out[metric] = f"{value:.2f}" if metric == "charged_amount" else int(value)
        rows.append(out)
    return rows
