"""The hourly roll-up: right counts, incremental from its watermark, idempotent."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from telecom.models import TrafficCount, TrafficWatermark
from telecom.rollups import roll_up_traffic, series, traffic_report
from tests.integration.reports.conftest import AT, charge, message

pytestmark = pytest.mark.django_db


def counts(app):
    return {
        row["metric"]: row["v"]
        for row in TrafficCount.objects.filter(app=app).values("metric").annotate(v=Sum("value"))
    }


def test_the_roll_up_counts_each_figure_of_the_hour(globe_app, traffic):
    roll_up_traffic(now=AT + timedelta(minutes=30))
    assert counts(globe_app) == {
        "sms_out": 3,
        "sms_sent": 2,
        "delivered": 1,
        "failed": 1,
        "sms_in": 1,
        "parts": 6,
        "charges": 2,
        "charges_succeeded": 1,
        "charged_amount": Decimal("2.50"),
        "charges_refused:411": 1,
        "ussd_sessions": 1,
        "ussd_completed": 1,
    }
    hours = set(TrafficCount.objects.values_list("hour", flat=True))
    assert hours == {AT.replace(minute=0)}


def test_running_twice_changes_nothing_and_a_later_change_is_recounted(globe_app, traffic):
    roll_up_traffic(now=AT + timedelta(minutes=30))
    first = counts(globe_app)
    roll_up_traffic(now=AT + timedelta(minutes=31))
    assert counts(globe_app) == first
    # A delivery report arrives later, inside the settling window.
    message(globe_app, traffic, at=AT + timedelta(hours=2))
    globe_app.messages.filter(status="failed").update(status="sent", delivery_status="delivered")
    roll_up_traffic(now=AT + timedelta(hours=3))
    after = counts(globe_app)
    assert (after["sms_out"], after["delivered"], after.get("failed")) == (4, 2, None)


def test_a_run_counts_only_its_window_not_the_history(globe_app, traffic, settings):
    settings.TRAFFIC_SETTLE_HOURS = 1
    roll_up_traffic(now=AT + timedelta(minutes=30))
    # Rows far behind the watermark and its settling window are not recounted...
    message(globe_app, traffic, at=AT - timedelta(days=3))
    # ...new ones are.
    message(globe_app, traffic, at=AT + timedelta(days=1))
    roll_up_traffic(now=AT + timedelta(days=1, minutes=5))
    assert counts(globe_app)["sms_out"] == 4
    mark = TrafficWatermark.objects.get()
    assert mark.rolled_until == AT + timedelta(days=1, minutes=5)


def test_days_are_local_days_and_gaps_are_zero_rows(globe_app, traffic):
    subscriber = traffic
    # 16:30 UTC on the 10th is 00:30 on the 11th in Manila.
    message(globe_app, subscriber, at=AT.replace(hour=16, minute=30))
    charge(globe_app, subscriber, 3, at=AT.replace(hour=16, minute=30), amount="1.25")
    roll_up_traffic(now=AT + timedelta(days=2))
    since = AT - timedelta(days=1)
    rows = series(None, since, AT + timedelta(days=2), "day")
    by_day = {row["start"].date().isoformat(): row for row in rows}
    assert by_day["2026-03-10"]["sms_out"] == 3 and by_day["2026-03-11"]["sms_out"] == 1
    assert by_day["2026-03-09"]["sms_out"] == 0
    report = traffic_report([globe_app.pk], since, AT + timedelta(days=2), "day")
    assert [r["charged_amount"] for r in report] == ["0.00", "2.50", "1.25", "0.00"]
    hours = traffic_report(None, AT.replace(minute=0), AT.replace(hour=12, minute=0), "hour")
    assert [r["sms_out"] for r in hours] == [3, 0, 0]
