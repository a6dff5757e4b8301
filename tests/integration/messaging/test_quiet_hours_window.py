"""The quiet-hours window (`telecom.quiet_hours`), asked about fixed moments:
across midnight, same-day windows, the edge minutes, off, and its end."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from telecom.quiet_hours import QuietHours, is_quiet, window

MANILA = ZoneInfo("Asia/Manila")
NIGHT = QuietHours(time(21, 0), time(8, 0), MANILA)


def manila(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, second, tzinfo=MANILA)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (manila(7, 20, 59, 59), False),  # the last second before
        (manila(7, 21, 0), True),  # the start is included
        (manila(7, 23, 59, 59), True),
        (manila(8, 0, 0), True),  # past midnight
        (manila(8, 7, 59, 59), True),
        (manila(8, 8, 0), False),  # the end is excluded
        (manila(8, 12, 0), False),
    ],
)
def test_window_across_midnight_includes_its_start_and_excludes_its_end(moment, quiet):
    assert NIGHT.contains(moment) is quiet


def test_window_reads_a_utc_moment_in_its_own_zone():
    # 13:00 UTC is 21:00 in Manila (UTC+8 all year: no daylight saving).
    assert NIGHT.contains(datetime(2026, 12, 7, 13, 0, tzinfo=UTC))
    assert not NIGHT.contains(datetime(2026, 12, 7, 12, 59, tzinfo=UTC))
    assert not NIGHT.contains(datetime(2026, 6, 7, 0, 0, tzinfo=UTC))  # 08:00 in June too


def test_window_within_one_day():
    lunch = QuietHours(time(12, 0), time(13, 30), MANILA)
    assert not lunch.contains(manila(7, 11, 59))
    assert lunch.contains(manila(7, 12, 0)) and lunch.contains(manila(7, 13, 29))
    assert not lunch.contains(manila(7, 13, 30))


def test_window_with_the_same_start_and_end_is_empty():
    never = QuietHours(time(9, 0), time(9, 0), MANILA)
    assert not any(never.contains(manila(7, hour)) for hour in range(24))


@pytest.mark.parametrize(
    ("moment", "end"),
    [
        (manila(7, 21, 0), manila(8, 8, 0)),  # evening: the next morning
        (manila(8, 2, 30), manila(8, 8, 0)),  # after midnight: this morning
        (manila(8, 8, 0), manila(9, 8, 0)),  # at the end itself: the next one
    ],
)
def test_ends_after_is_the_next_end(moment, end):
    assert NIGHT.ends_after(moment) == end


def test_ends_after_crosses_a_year_end():
    assert NIGHT.ends_after(datetime(2026, 12, 31, 23, 0, tzinfo=MANILA)) == datetime(
        2027, 1, 1, 8, 0, tzinfo=MANILA
    )


def test_an_app_without_quiet_hours_is_never_quiet(settings):
    settings.QUIET_HOURS_TIME_ZONE = "Asia/Manila"
    assert window(on=False, start=time(21), end=time(8)) is None
    assert not is_quiet(None, manila(7, 23))
    assert is_quiet(window(on=True, start=time(21), end=time(8)), manila(7, 23))


def test_describe_names_the_zone():
    assert NIGHT.describe() == "21:00 to 08:00 (Asia/Manila)"
