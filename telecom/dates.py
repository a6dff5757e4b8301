"""Globe Labs' date formats, parsed and written in one place.

The platform writes JavaScript `Date.toString()` output
(`Fri Nov 22 2013 12:12:13 GMT+0000 (UTC)`), a comma variant in the rewards
API (`Wed, Jun 06 2018 03:19:11 GMT+0000 (UTC)`) and naive ISO 8601 in the
unsubscribe callback (`2014-10-19T12:00:00`, read as UTC). Hatid keeps aware
UTC datetimes.
"""

import re
from datetime import UTC, datetime

_PARENTHETICAL = re.compile(r"\s*\([^)]*\)\s*$")
_JS_FORMATS = ("%a %b %d %Y %H:%M:%S GMT%z", "%a, %b %d %Y %H:%M:%S GMT%z")


def parse_globe_datetime(value: str) -> datetime:
    """An aware UTC datetime from any date format Globe Labs sends; ValueError otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a date is required")
    text = _PARENTHETICAL.sub("", value.strip())
    for fmt in _JS_FORMATS:
        try:
            return datetime.strptime(text, fmt).astimezone(UTC)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not a date Globe Labs sends") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def format_globe_datetime(moment: datetime) -> str:
    """`Fri Nov 22 2013 12:12:13 GMT+0000 (UTC)`, as the platform writes it."""
    return moment.astimezone(UTC).strftime("%a %b %d %Y %H:%M:%S GMT+0000 (UTC)")


def format_rewards_datetime(moment: datetime) -> str:
    """`Wed, Jun 06 2018 03:19:11 GMT+0000 (UTC)`, the rewards API's variant."""
    return moment.astimezone(UTC).strftime("%a, %b %d %Y %H:%M:%S GMT+0000 (UTC)")
