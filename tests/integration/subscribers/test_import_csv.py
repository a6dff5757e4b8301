"""Reading an import's CSV (`subscribers.services.import_csv`): the layout a
file must have, and each row's verdict, whatever the file holds."""

import codecs
import csv
import io
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subscribers.services.import_csv import (
    MAX_COLUMNS,
    REASONS,
    read_layout,
    read_rows,
)
from telecom.errors import ServiceError


def rows_of(data: bytes):
    layout = read_layout(data)
    return list(read_rows(io.BytesIO(data), layout.encoding, layout.delimiter))


def test_layout_reads_utf8_with_a_bom_and_excel_semicolons():
    layout = read_layout(codecs.BOM_UTF8 + b"Number;Tags;City\r\n09171234567;vip;Manila\r\n")
    assert (layout.encoding, layout.delimiter, layout.header) == (
        "utf-8-sig",
        ";",
        ("Number", "Tags", "City"),
    )
    (row,) = rows_of(codecs.BOM_UTF8 + b"Number;Tags;City\r\n09171234567;vip;Manila\r\n")
    assert (row.msisdn, row.tags, row.attributes) == ("+639171234567", ("vip",), {"City": "Manila"})


def test_layout_reads_latin1_and_utf16():
    latin = "number,city\n09171234567,Parañaque\n".encode("latin-1")
    assert read_layout(latin).encoding == "cp1252"
    assert rows_of(latin)[0].attributes == {"city": "Parañaque"}
    wide = "number,city\n09171234567,Parañaque\n".encode("utf-16")
    assert read_layout(wide).encoding == "utf-16"
    assert rows_of(wide)[0].attributes == {"city": "Parañaque"}


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (b"PK\x03\x04xlsx", "workbook"),
        (b"number\x00,x\n", "NUL"),
        (b"09171234567\n09181234567\n", "must name the columns"),
        (b"city,name\nManila,Ana\n", "must name the columns"),
        (b"number,number\n", "Two columns"),
        (b"number,,city\n0917,,x\n", "Column 2 has no name"),
        (b"number,=cmd|calc\n", "formula"),
        (b"number,msisdn\n", "Only one column"),
        (",".join(f"c{i}" for i in range(10_000)).encode() + b",number\n", "10,001 columns"),
    ],
)
def test_layout_refuses_a_file_it_cannot_import(data, says):
    with pytest.raises(ServiceError, match=says):
        read_layout(data)


def test_layout_allows_the_most_columns():
    header = ",".join(["number", *[f"c{i}" for i in range(MAX_COLUMNS - 1)]])
    assert len(read_layout(header.encode() + b"\n").header) == MAX_COLUMNS


def test_rows_each_get_their_verdict():
    data = (
        b"number,tags,note\n"
        b"0917 123 4567,vip; Manila Team,hello\n"
        b"\n"
        b"+639171234567,,again\n"
        b"not a number,,\n"
        b"12345,,\n"
        b'09181234567,,=HYPERLINK("http://x")\n'
        b"09191234567,,@SUM(A1)\n"
        b"09201234567,,-5\n"
        b"09211234567,x,y,surplus\n"
        b"09221234567,!!!,\n"
        b'09231234567,,"two\nlines, and ""quotes"""\n'
        b"09241234567,,+A1\n"
    )
    verdicts = [(row.line, row.msisdn, row.problem) for row in rows_of(data)]
    assert verdicts == [
        (2, "+639171234567", ""),
        (4, "", "duplicate"),
        (5, "", "not_a_number"),
        (6, "", "invalid_number"),
        (7, "", "formula"),
        (8, "", "formula"),
        (9, "+639201234567", ""),
        (10, "", "too_many_columns"),
        (11, "", "bad_tag"),
        (13, "+639231234567", ""),
        (14, "", "formula"),
    ]
    rows = rows_of(data)
    assert rows[0].tags == ("vip", "manila-team")
    assert rows[0].attributes == {"note": "hello"}
    assert rows[9].attributes == {"note": 'two\nlines, and "quotes"'}
    assert rows[6].attributes == {"note": "-5"}


def test_a_row_with_empty_trailing_cells_is_not_too_wide():
    (row,) = rows_of(b"number,city\n09171234567,Manila,,\n")
    assert (row.problem, row.attributes) == ("", {"city": "Manila"})


def test_a_quote_left_open_fails_the_file_naming_the_line():
    data = b'number,note\n09171234567,"open\n' + b"x" * 200_000 + b"\n"
    with pytest.raises(ServiceError, match="cannot be read as CSV"):
        rows_of(data)


def test_samples_hold_the_number_and_the_reason():
    good, bad = rows_of(b"number,tags\n09171234567,vip\nnope,\n")
    assert good.sample() == {
        "line": 2,
        "number": "+639171234567",
        "tags": ["vip"],
        "attributes": {},
    }
    assert bad.sample()["reason"].startswith("'nope' is not a phone number")


cell = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30
)
number = st.one_of(
    st.from_regex(r"09[1-9][0-9]{8}", fullmatch=True),
    st.from_regex(r"\+639[1-9][0-9]{8}", fullmatch=True),
    cell,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(cell, max_size=6).flatmap(lambda r: number.map(lambda n: [n, *r]))),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_hostile_rows_always_get_a_verdict(table, encoding):
    """Any cells, quoted as a spreadsheet would write them, in any encoding:
    every row is either valid with an E.164 number or has a known problem."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", "tags", "a", "b", "c"])
    writer.writerows(table)
    text = out.getvalue()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    rows = rows_of(data)
    seen = set()
    for row in rows:
        if row.problem:
            assert row.problem in REASONS
            assert row.msisdn == "" and row.attributes == {}
        else:
            assert row.msisdn.startswith("+") and row.msisdn[1:].isdigit()
            assert row.msisdn not in seen
            seen.add(row.msisdn)
            assert all(
                set(tag) <= set(string.ascii_lowercase + string.digits + "-_") for tag in row.tags
            )
