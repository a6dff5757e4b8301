"""The wallet's balance over time as a small inline SVG chart (no JavaScript,
no chart library)."""

from django.utils.html import format_html

from telecom.models import ProviderApp, WalletSnapshot
from telecom.timefmt import console_time

WIDTH, HEIGHT, POINTS = 480, 90, 120


def wallet_chart(app: ProviderApp):
    snapshots = list(WalletSnapshot.objects.filter(app=app)[:POINTS])[::-1]
    if not snapshots:
        return "No balance read yet (beat reads it every 15 minutes)."
    values = [float(s.balance) for s in snapshots]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = WIDTH / max(1, len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{HEIGHT - 8 - (v - low) / span * (HEIGHT - 16):.1f}"
        for i, v in enumerate(values)
    )
    latest = snapshots[-1]
    threshold = app.wallet_alert_below
    warning = ""
    if latest.below_threshold:
        warning = format_html(
            ' <strong class="hatid-alert">below the alert threshold {} {}</strong>',
            latest.currency,
            threshold,
        )
    return format_html(
        "<div>{} {} as of {}{}</div>"
        '<svg width="{}" height="{}" role="img" aria-label="wallet balance over time">'
        '<polyline fill="none" stroke="#417690" stroke-width="2" points="{}"/></svg>'
        '<div class="help">lowest {} · highest {} · {} readings</div>',
        latest.currency,
        latest.balance,
        console_time(latest.as_of or latest.fetched_at),
        warning,
        WIDTH,
        HEIGHT,
        points,
        f"{low:.2f}",
        f"{high:.2f}",
        len(values),
    )
