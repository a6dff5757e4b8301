"""Charts drawn on the server as inline SVG: no script, no CDN. Colours are
classes (`hatid-chart-*` in telecom/static/hatid/admin.css) over the admin's
own colour variables, so a chart follows the light and the dark theme."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 720, 200
LEFT, BOTTOM, TOP = 48, 22, 10


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def _number(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def bar_chart(rows: list[dict], bars: list[tuple[str, str, str]], label_of, title: str):
    """Stacked bars, one per row: `bars` are (metric, legend, css class) from the
    bottom up; `label_of(row)` is the row's label under its bar."""
    totals = [sum(float(row[metric]) for metric, _, _ in bars) for row in rows]
    top = _nice_top(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(1, len(rows))
    bar_w = max(2.0, slot * 0.7)
    parts = []
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(
            format_html(
                '<line class="hatid-chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="hatid-chart-axis" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - 8,
                f"{y:.1f}",
                f"{y:.1f}",
                LEFT - 6,
                f"{y + 4:.1f}",
                _number(top * fraction),
            )
        )
    every = max(1, len(rows) // 8)
    for i, row in enumerate(rows):
        x = LEFT + i * slot + (slot - bar_w) / 2
        base = TOP + plot_h
        tip = ", ".join(f"{legend} {_figure(row[metric])}" for metric, legend, _ in bars)
        for metric, _legend, css in bars:
            h = float(row[metric]) / top * plot_h
            if h <= 0:
                continue
            base -= h
            parts.append(
                format_html(
                    '<rect class="{}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{}: {}</title></rect>",
                    css,
                    f"{x:.1f}",
                    f"{base:.1f}",
                    f"{bar_w:.1f}",
                    f"{h:.1f}",
                    label_of(row),
                    tip,
                )
            )
        if i % every == 0:
            parts.append(
                format_html(
                    '<text class="hatid-chart-axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    HEIGHT - 6,
                    label_of(row),
                )
            )
    legend = format_html_join(
        "",
        '<span class="hatid-legend"><i class="hatid-swatch {}"></i>{}</span>',
        ((css, text) for _, text, css in bars),
    )
    return format_html(
        '<figure class="hatid-chart"><figcaption>{} {}</figcaption>'
        '<svg viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg></figure>',
        title,
        legend,
        WIDTH,
        HEIGHT,
        title,
        mark_safe("".join(parts)),  # noqa: S308 (each part is format_html's)
    )


def _figure(value) -> str:
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def sparkline(values: list[float], label: str, width: int = 160, height: int = 36):
    """A small line of `values` (oldest first)."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - 3 - (v - low) / span * (height - 6):.1f}"
        for i, v in enumerate(values)
    )
    return format_html(
        '<svg class="hatid-spark" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<polyline class="hatid-chart-line" points="{}"/></svg>',
        width,
        height,
        label,
        points,
    )
