"""MSISDN normalization and Globe's date formats: one place each, every form."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telecom.dates import format_globe_datetime, parse_globe_datetime
from telecom.msisdn import (
    InvalidMsisdn,
    national_number,
    normalize_msisdn,
    try_normalize,
    without_plus,
)


@pytest.mark.parametrize(
    "given_form",
    [
        "09171234567",
        "9171234567",
        "639171234567",
        "+639171234567",
        "tel:+639171234567",
        "tel:9171234567",
        "0917 123 4567",
        "0917-123-4567",
        " +63 917 123 4567 ",
    ],
)
def test_normalize_msisdn_accepts_every_documented_form(given_form):
    assert normalize_msisdn(given_form) == "+639171234567"


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("", "empty"),
        ("tel:", "empty"),
        ("hello", "not a phone number"),
        ("12345", "not a valid mobile number"),
        ("+63917123456", "not a valid mobile number"),
        (None, "must be text"),
        (True, "must be text"),
        ("9" * 40, "too long"),
    ],
)
def test_normalize_msisdn_rejects_with_a_clear_message(bad, says):
    with pytest.raises(InvalidMsisdn, match=says):
        normalize_msisdn(bad)


def test_normalize_msisdn_takes_up_to_32_characters_after_tel():
    spaced = "0917" + " " * 21 + "1234567"  # 32 characters, spaces and all
    assert len(spaced) == 32
    assert normalize_msisdn(spaced) == "+639171234567"
    assert normalize_msisdn(f"tel:{spaced}") == "+639171234567"
    with pytest.raises(InvalidMsisdn, match="too long"):
        normalize_msisdn(spaced.replace(" ", "  ", 1))  # 33


def test_try_normalize_gives_e164_or_none_for_a_search_box():
    assert try_normalize("0917 123 4567") == "+639171234567"
    assert try_normalize("juan") is None


def test_normalize_msisdn_keeps_foreign_numbers_with_country_code():
    assert normalize_msisdn("+6591234567") == "+6591234567"


def test_national_number_and_without_plus_give_globe_forms():
    assert national_number("+639171234567") == "9171234567"
    assert without_plus("+639171234567") == "639171234567"


@given(st.text(max_size=40))
def test_normalize_msisdn_never_fails_other_than_invalid(text):
    try:
        result = normalize_msisdn(text)
    except InvalidMsisdn:
        return
    assert result.startswith("+")
    assert normalize_msisdn(result) == result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fri Nov 22 2013 12:12:13 GMT+0000 (UTC)", datetime(2013, 11, 22, 12, 12, 13, tzinfo=UTC)),
        ("Wed, Jun 06 2018 03:19:11 GMT+0000 (UTC)", datetime(2018, 6, 6, 3, 19, 11, tzinfo=UTC)),
        ("Tue May 17 2016 19:10:32 GMT+0800 (PHT)", datetime(2016, 5, 17, 11, 10, 32, tzinfo=UTC)),
        ("2014-10-19T12:00:00", datetime(2014, 10, 19, 12, 0, 0, tzinfo=UTC)),
        ("2014-10-19T12:00:00Z", datetime(2014, 10, 19, 12, 0, 0, tzinfo=UTC)),
    ],
)
def test_parse_globe_datetime_reads_every_platform_format_as_aware_utc(text, expected):
    parsed = parse_globe_datetime(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("bad", ["", "yesterday", "Fri Nov 32 2013 12:12:13 GMT+0000", None])
def test_parse_globe_datetime_rejects_other_text(bad):
    with pytest.raises(ValueError):
        parse_globe_datetime(bad)


def test_format_globe_datetime_round_trips():
    moment = datetime(2013, 11, 22, 12, 12, 13, tzinfo=UTC)
    assert format_globe_datetime(moment) == "Fri Nov 22 2013 12:12:13 GMT+0000 (UTC)"
    assert parse_globe_datetime(format_globe_datetime(moment)) == moment
