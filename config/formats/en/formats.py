"""English formats for the console: every time as `2026-12-05 16:07 Asia/Manila`.

Django's own English ("Dec. 5, 2026, 4:07 p.m.") sat beside Python's
`%Y-%m-%d %H:%M` in UTC on the same page. Times are shown in TIME_ZONE (the
operator's zone) and say which zone that is (its name, not an abbreviation:
Manila's "PST" reads as Pacific). `telecom.timefmt.console_time` formats
times in Python with the same format.
"""

from django.conf import settings


def _literal(text: str) -> str:
    """`text` escaped for a Django date format."""
    return "".join("\\" + char for char in text)


DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i " + _literal(settings.TIME_ZONE)
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
