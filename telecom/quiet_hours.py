"""Quiet hours: the time of day when no campaign message is sent.

A window of local wall-clock time (`QuietHours`), e.g. 21:00 to 08:00 in
Asia/Manila, which may cross midnight. Each app has its own (`ProviderApp`:
`quiet_hours`, `quiet_from`, `quiet_until`, read in `QUIET_HOURS_TIME_ZONE`,
the subscribers' zone, not the operator's); the defaults come from settings.
Pure: every question takes the moment it is asked about (`now`), so the
window is tested with fixed datetimes.

Only campaigns keep quiet hours: keyword replies and partner API sends are
answers or transactional (a code, a receipt) and go at any hour.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


@dataclass(frozen=True)
class QuietHours:
    """From `start` (included) to `end` (excluded), local time in `zone`.
    `start == end` is an empty window."""

    start: time
    end: time
    zone: ZoneInfo

    def contains(self, now: datetime) -> bool:
        local = now.astimezone(self.zone).time()
        if self.start < self.end:
            return self.start <= local < self.end
        if self.start > self.end:  # across midnight
            return local >= self.start or local < self.end
        return False

    def ends_after(self, now: datetime) -> datetime:
        """The first end of the window after `now` (aware, in `zone`)."""
        local = now.astimezone(self.zone)
        end = datetime.combine(local.date(), self.end, tzinfo=self.zone)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=self.zone)
        return end

    def describe(self) -> str:
        """`21:00 to 08:00 (Asia/Manila)`."""
        return f"{self.start:%H:%M} to {self.end:%H:%M} ({self.zone.key})"


def zone() -> ZoneInfo:
    return ZoneInfo(settings.QUIET_HOURS_TIME_ZONE)


def default_start() -> time:
    return time.fromisoformat(settings.QUIET_HOURS_START)


def default_end() -> time:
    return time.fromisoformat(settings.QUIET_HOURS_END)


def default_on() -> bool:
    return settings.QUIET_HOURS_ON_BY_DEFAULT


def window(*, on: bool, start: time, end: time) -> QuietHours | None:
    """An app's quiet hours, or None when it keeps none."""
    return QuietHours(start, end, zone()) if on else None


def is_quiet(hours: QuietHours | None, now: datetime) -> bool:
    return hours is not None and hours.contains(now)
