"""The console's home page: traffic and money per app and for all apps (today,
7 and 30 days, from `telecom.rollups`' hourly counts, never the big tables),
each app's wallet with its trend and days left, and what needs an operator.
`ConsoleSite.index` (telecom/admin_site.py) renders it above the lists."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from telecom.admin.charts import bar_chart, sparkline
from telecom.admin_site import AUDIT_TRAIL_LIST, optional_url
from telecom.globe.errors import CHARGING_REASONS
from telecom.models import (
    CallbackEvent,
    Campaign,
    Charge,
    IvrSession,
    Message,
    ProviderApp,
    Reward,
    SmsBulk,
    UssdSession,
    VoiceCall,
    WalletSnapshot,
    WebhookDelivery,
)
from telecom.rollups import (
    REFUSED,
    Attention,
    day_start,
    needs_attention,
    register_attention,
    rolled_until,
    totals_by_app,
)
from telecom.rollups import series as traffic_series

PERIODS = (("today", "Today", 0), ("week", "7 days", 6), ("month", "30 days", 29))

# Each card: title, its headline metric, then its detail lines (metric, label).
CARDS = (
    (
        "SMS out",
        "sms_out",
        (
            ("sms_sent", "sent"),
            ("delivered", "delivered (where reported)"),
            ("failed", "failed"),
            ("unknown", "outcome unknown"),
        ),
    ),
    ("SMS in", "sms_in", ()),
    ("Parts billed", "parts", ()),
    (
        "Charges",
        "charges",
        (("charged_amount", "PHP charged"), ("charges_succeeded", "succeeded")),
    ),
    ("Rewards", "rewards", (("rewards_succeeded", "delivered"),)),
    ("USSD sessions", "ussd_sessions", (("ussd_completed", "completed"),)),
    ("Calls", "calls", (("calls_completed", "completed"),)),
)

# The home page's charts: title, then the bars stacked from the bottom up.
CHARTS = (
    (
        "Messages",
        [("sms_out", "SMS out", "hatid-chart-out"), ("sms_in", "SMS in", "hatid-chart-in")],
    ),
    ("PHP charged", [("charged_amount", "PHP charged", "hatid-chart-money")]),
    (
        "USSD sessions and calls",
        [
            ("ussd_sessions", "USSD sessions", "hatid-chart-ussd"),
            ("calls", "Calls", "hatid-chart-calls"),
        ],
    ),
)

STUCK_USSD_AFTER = timedelta(minutes=5)
WALLET_DAYS = 7


def dashboard(request) -> dict:
    if not request.user.has_perm("telecom.view_trafficcount"):
        return {}
    now = timezone.now()
    today = timezone.localdate(now)
    periods = {key: day_start(today - timedelta(days=back)) for key, _, back in PERIODS}
    apps = list(_apps_with_wallets())
    chosen = _chosen(request, apps)
    totals = totals_by_app(None, periods, now + timedelta(hours=1))
    everything = {key: _sum(totals[app.pk][key] for app in apps) for key in periods}
    scope = totals[chosen.pk] if chosen else everything
    days = traffic_series(
        [chosen.pk] if chosen else None,
        periods["month"],
        now,
        "day",
        metrics=("sms_out", "sms_in", "charged_amount", "ussd_sessions", "calls"),
    )
    wallets = _wallets(apps, now)
    attention = needs_attention()
    attention += [
        Attention(
            1,
            f"{w['app']} wallet is below its alert threshold ({w['currency']} {w['balance']})",
            reverse("admin:telecom_providerapp_change", args=[w["app"].pk]),
        )
        for w in wallets
        if w["below"]
    ]
    return {
        "periods": [(key, label) for key, label, _ in PERIODS],
        "apps": apps,
        "chosen_app": chosen,
        "cards": _cards(scope),
        "refusals": _refusals(scope),
        "per_app": [
            {"app": app, "figures": {key: totals[app.pk][key] for key in periods}} for app in apps
        ],
        "charts": [
            bar_chart(days, bars, _day_label, f"{title} per day, last 30 days")
            for title, bars in CHARTS
        ],
        "wallets": wallets,
        "attention": attention,
        "audit_trail_url": optional_url(AUDIT_TRAIL_LIST),
        "reports_url": reverse("admin:reports"),
        "rolled_until": rolled_until(),
    }


def _apps_with_wallets():
    latest = WalletSnapshot.objects.filter(app=OuterRef("pk")).order_by("-fetched_at")
    return (
        ProviderApp.objects.filter(is_active=True)
        .annotate(
            wallet_balance=Subquery(latest.values("balance")[:1]),
            wallet_currency=Subquery(latest.values("currency")[:1]),
            wallet_at=Subquery(latest.values("fetched_at")[:1]),
            wallet_below=Subquery(latest.values("below_threshold")[:1]),
        )
        .order_by("name")
    )


def _chosen(request, apps):
    wanted = request.GET.get("app", "")
    return next((app for app in apps if str(app.pk) == wanted), None)


def _sum(figures) -> dict:
    total: dict = {}
    for one in figures:
        for metric, value in one.items():
            total[metric] = total.get(metric, Decimal(0)) + value
    return total


def _cards(scope: dict) -> list[dict]:
    cards = []
    for title, headline, details in CARDS:
        cards.append(
            {
                "title": title,
                "values": [scope[key].get(headline, 0) for key, _, _ in PERIODS],
                "details": [
                    (label, [_shown(metric, scope[key].get(metric, 0)) for key, _, _ in PERIODS])
                    for metric, label in details
                ],
            }
        )
    return cards


def _shown(metric: str, value):
    """An amount with its two decimals, a count as it is."""
    return f"{value:,.2f}" if metric == "charged_amount" else value


def _refusals(scope: dict) -> list[tuple[str, list]]:
    """Charges refused by the platform, by its reason, over each period."""
    codes = sorted({m for m in scope["month"] if m.startswith(REFUSED)})
    rows = []
    for metric in codes:
        code = metric.removeprefix(REFUSED)
        reason = CHARGING_REASONS.get(int(code), f"refused ({code})") if code.isdigit() else code
        rows.append((reason, [scope[key].get(metric, 0) for key, _, _ in PERIODS]))
    return rows


def _day_label(row) -> str:
    return f"{row['start']:%b %-d}"


def _wallets(apps, now) -> list[dict]:
    """Each app's wallet, from one query over every app's recent readings."""
    readings = defaultdict(list)
    for app_id, balance, fetched_at in (
        WalletSnapshot.objects.filter(
            app__in=apps, fetched_at__gte=now - timedelta(days=WALLET_DAYS)
        )
        .order_by("fetched_at")
        .values_list("app_id", "balance", "fetched_at")
    ):
        readings[app_id].append((balance, fetched_at))
    return [_wallet(app, readings[app.pk]) for app in apps]


def _wallet(app, readings: list) -> dict:
    """The app's balance, its trend over the last days and how long it lasts at
    the recent spend (the sum of its drops between readings, per day), from its
    (balance, fetched_at) readings, oldest first."""
    balance = app.wallet_balance
    spent = sum(
        (max(Decimal(0), a[0] - b[0]) for a, b in pairwise(readings)),
        Decimal(0),
    )
    span_days = (
        (readings[-1][1] - readings[0][1]).total_seconds() / 86400 if len(readings) > 1 else 0
    )
    per_day = spent / Decimal(str(span_days)) if span_days >= 0.25 else Decimal(0)
    days_left = int(balance / per_day) if balance is not None and per_day > 0 else None
    trend = readings[-1][0] - readings[0][0] if len(readings) > 1 else None
    return {
        "app": app,
        "balance": balance,
        "currency": app.wallet_currency or "PHP",
        "as_of": app.wallet_at,
        "below": bool(app.wallet_below),
        "trend": trend,
        "per_day": per_day.quantize(Decimal("0.01")) if per_day else None,
        "days_left": days_left,
        "spark": sparkline([float(r[0]) for r in readings], f"{app} balance, last 7 days"),
    }


def _changelist(model, query: str) -> str:
    opts = model._meta
    return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?{query}"


@register_attention
def telecom_attention():
    now = timezone.now()
    for model, what in (
        (Message, "SMS"),
        (Charge, "charges"),
        (Reward, "rewards"),
        (SmsBulk, "Hoiio bulk sends"),
        (VoiceCall, "Hoiio calls"),
        (IvrSession, "IVR sessions"),
    ):
        count = model.objects.filter(status="unknown").count()
        yield Attention(
            count,
            f"{what} with an unknown outcome, waiting for a decision",
            _changelist(model, "status__exact=unknown"),
        )
    day_ago = now - timedelta(hours=24)
    for status, what in (
        (CallbackEvent.Status.FAILED, "callbacks failed"),
        (CallbackEvent.Status.REJECTED, "callbacks rejected"),
    ):
        count = CallbackEvent.objects.filter(status=status, received_at__gte=day_ago).count()
        yield Attention(
            count, f"{what} in the last 24 h", _changelist(CallbackEvent, f"status__exact={status}")
        )
    stuck = UssdSession.objects.filter(
        status=UssdSession.Status.ACTIVE, last_activity_at__lt=now - STUCK_USSD_AFTER
    ).count()
    yield Attention(
        stuck,
        "USSD sessions open with no news for 5 minutes",
        _changelist(UssdSession, "status__exact=active"),
    )
    yield Attention(
        IvrSession.objects.filter(status=IvrSession.Status.STUCK).count(),
        "IVR sessions stuck (no notification came)",
        _changelist(IvrSession, "status__exact=stuck"),
    )
    yield Attention(
        Campaign.objects.filter(status=Campaign.Status.PAUSED).count(),
        "campaigns paused",
        _changelist(Campaign, "status__exact=paused"),
    )
    yield Attention(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.FAILED, created_at__gte=day_ago
        ).count(),
        "partner webhooks failed in the last 24 h",
        _changelist(WebhookDelivery, "status__exact=failed"),
    )
