"""Reading an uploaded CSV of numbers: its layout (encoding, delimiter, header)
and its rows, each checked on its own, streamed.

The first line names the columns: one of `number` (or `msisdn`, `mobile`,
`phone`), optionally `tags` (separated by `;`, `,` or `|`), every other column
an attribute. Nothing here touches the database: `read_layout` refuses a file
that cannot be imported at all (a `ServiceError` the upload form shows), and
`read_rows` yields every data row with its problem, if any. Memory stays flat
but for the set of numbers seen (to spot duplicates), about 60 bytes a number.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.text import slugify

from telecom.errors import ServiceError
from telecom.msisdn import InvalidMsisdn, normalize_msisdn

MAX_COLUMNS = 50
MAX_CELL = 500
MAX_TAGS = 20
NUMBER_COLUMNS = ("number", "msisdn", "mobile", "mobile number", "phone", "phone number")
TAG_COLUMNS = ("tags", "tag")
TAG_SEPARATORS = re.compile(r"[;,|]")
# What a spreadsheet would run as a formula (CSV injection, OWASP): a cell
# opening with = or @, or + or - followed by something other than a number.
FORMULA = re.compile(r"^(?:[=@\t\r]|[+-](?![\d\s().-]*$))")

REASONS = {
    "too_many_columns": "More cells than the header names",
    "formula": "A spreadsheet formula",
    "too_long": f"A cell longer than {MAX_CELL} characters",
    "not_a_number": "Not a phone number",
    "invalid_number": "Not a valid mobile number",
    "duplicate": "Already earlier in the file",
    "bad_tag": "A tag without letters or digits, or too many tags",
}


def file_error(message: str) -> ServiceError:
    return ServiceError(message, field="file")


@dataclass(frozen=True)
class Layout:
    encoding: str
    delimiter: str
    header: tuple[str, ...]

    @property
    def number_index(self) -> int:
        return next(i for i, name in enumerate(self.header) if name.lower() in NUMBER_COLUMNS)

    @property
    def tags_index(self) -> int | None:
        return next((i for i, name in enumerate(self.header) if name.lower() in TAG_COLUMNS), None)


@dataclass
class Row:
    line: int
    number: str  # the cell as written
    msisdn: str = ""  # E.164 when valid
    tags: tuple[str, ...] = ()
    attributes: dict = field(default_factory=dict)
    problem: str = ""  # a key of REASONS
    detail: str = ""

    def sample(self) -> dict:
        shown = {"line": self.line, "number": self.msisdn or self.number[:40]}
        if self.problem:
            return {**shown, "reason": self.detail or REASONS[self.problem]}
        return {**shown, "tags": list(self.tags), "attributes": self.attributes}


def detect_encoding(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_error("This is a spreadsheet workbook, not a CSV: save it as CSV first.")
    if b"\x00" in data:
        raise file_error("This is not a text file (it holds NUL bytes): upload a CSV.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"  # decodes any byte


def read_layout(data: bytes) -> Layout:
    """The file's encoding, delimiter and header; a ServiceError saying what is
    wrong when it cannot be imported at all."""
    if not data.strip():
        raise file_error("The file is empty.")
    encoding = detect_encoding(data)
    try:
        text = data[:65536].decode(encoding, errors="ignore")
    except UnicodeError as exc:
        raise file_error(f"The file's text cannot be read ({exc}).") from None
    first_line = text.lstrip("\ufeff\r\n").split("\n", 1)[0]
    delimiter = max(",;\t", key=lambda sep: (first_line.count(sep), sep == ","))
    reader = csv.reader(_text(io.BytesIO(data), encoding), delimiter=delimiter)
    try:
        header = next((cells for cells in reader if any(c.strip() for c in cells)), None)
    except csv.Error as exc:
        raise file_error(f"The first line cannot be read as CSV ({exc}).") from None
    if header is None:
        raise file_error("The file is empty.")
    return Layout(encoding, delimiter, _checked_header(header))


def _checked_header(cells: list[str]) -> tuple[str, ...]:
    names = [cell.strip().lstrip("\ufeff").strip() for cell in cells]
    while names and not names[-1]:
        names.pop()  # a spreadsheet's trailing empty columns
    if len(names) > MAX_COLUMNS:
        raise file_error(f"The file has {len(names):,} columns; at most {MAX_COLUMNS} are read.")
    if not any(name.lower() in NUMBER_COLUMNS for name in names):
        raise file_error(
            "The first line must name the columns, one of them number (or msisdn, mobile, "
            "phone); the others are tags and attributes."
        )
    lowered = [name.lower() for name in names]
    for position, name in enumerate(names, start=1):
        if not name:
            raise file_error(f"Column {position} has no name in the first line.")
        if len(name) > 50:
            raise file_error(f"Column {position}'s name is longer than 50 characters.")
        if lowered.count(name.lower()) > 1:
            raise file_error(f"Two columns are named {name!r}.")
        if FORMULA.match(name):
            raise file_error(f"Column {position}'s name looks like a spreadsheet formula.")
    if sum(name in NUMBER_COLUMNS for name in lowered) > 1:
        raise file_error("Only one column may hold the number.")
    return tuple(names)


def _text(stream, encoding: str) -> io.TextIOWrapper:
    # newline="": the csv module sees the file's own line ends, so a quoted
    # field may hold a newline.
    return io.TextIOWrapper(stream, encoding=encoding, newline="")


def read_rows(stream, encoding: str, delimiter: str) -> Iterator[Row]:
    """Every data row of the binary `stream` (blank lines skipped), in order,
    each with its problem if it has one. A CSV the csv module cannot read past
    some line raises a ServiceError naming the line."""
    reader = csv.reader(_text(stream, encoding), delimiter=delimiter)
    seen: set[int] = set()
    layout = None
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if layout is None:
                layout = Layout(encoding, delimiter, _checked_header(cells))
                number_at, tags_at = layout.number_index, layout.tags_index
                continue
            yield check_row(cells, reader.line_num, layout, number_at, tags_at, seen)
    except csv.Error as exc:
        raise file_error(f"Line {reader.line_num} cannot be read as CSV ({exc}).") from None


def check_row(cells, line, layout, number_at, tags_at, seen) -> Row:
    row = Row(line=line, number=cells[number_at].strip() if number_at < len(cells) else "")
    width = len(layout.header)
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        return _bad(row, "too_many_columns", f"{len(cells)} cells; the header names {width}")
    for cell in cells:
        if FORMULA.match(cell.lstrip(" ")):
            return _bad(row, "formula", f"{cell[:30]!r} looks like a spreadsheet formula")
        if len(cell) > MAX_CELL:
            return _bad(row, "too_long")
    try:
        row.msisdn = normalize_msisdn(row.number)
    except InvalidMsisdn as exc:
        kind = "invalid_number" if any(ch.isdigit() for ch in row.number) else "not_a_number"
        return _bad(row, kind, str(exc))
    if tags_at is not None and tags_at < len(cells):
        pieces = [piece.strip() for piece in TAG_SEPARATORS.split(cells[tags_at])]
        tags = [slugify(piece)[:50] for piece in pieces if piece]
        if not all(tags) or len(tags) > MAX_TAGS:
            return _bad(row, "bad_tag")
        row.tags = tuple(dict.fromkeys(tags))
    row.attributes = {
        layout.header[i]: cell.strip()
        for i, cell in enumerate(cells[:width])
        if i not in (number_at, tags_at) and cell.strip()
    }
    key = int(row.msisdn[1:])
    if key in seen:
        return _bad(row, "duplicate")
    seen.add(key)
    return row


def _bad(row: Row, problem: str, detail: str = "") -> Row:
    row.problem, row.detail = problem, detail
    row.msisdn, row.tags, row.attributes = "", (), {}
    return row
