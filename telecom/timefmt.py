"""Times as the console shows them: in the operator's zone (TIME_ZONE), named;
lengths of time in whole seconds.

Templates and the admin's columns get this through FORMAT_MODULE_PATH
(config/formats); Python code that writes a time into a page or a message an
operator reads calls `console_time`, never `f"{moment:%Y-%m-%d}"` (UTC).
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format


def console_time(moment: datetime | None) -> str:
    """`2026-12-05 16:07 Asia/Manila`; an empty string for None."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "DATETIME_FORMAT")


def console_duration(length: timedelta | None) -> str:
    """`0:42`, `12:05`, `1:02:03`: whole seconds (a timedelta prints microseconds)."""
    if length is None:
        return "—"
    seconds = max(0, round(length.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
