"""Access requests: everything Hatid holds about a number, as a ZIP (Data Privacy Act).

`access_request` walks the same map as erasure (`subscribers.personal_data`)
and answers a ZIP streamed as it is written (nothing is held whole in
memory): for each kind of row that holds the number, `<model>.json` (a list
of rows, every field) and `<model>.csv` (the same rows; JSON values written
as JSON), and `README.txt` saying what is in it. Encrypted fields that are the
person's (a raw callback's body) are decrypted; secrets (access tokens,
consent codes) are left out. It changes nothing; the console and the API
record it in the audit trail.
"""

import base64
import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from subscribers.personal_data import Person, Place, places, walk
from telecom.crypto import Secret
from telecom.fields import EncryptedTextField
from telecom.redaction import REDACTED, is_secret_name, redact_body, redact_data, redact_text

README = """What Hatid holds about {who}, {when} (UTC).

Apps searched: {apps}.
Each file is one kind of row that holds the number, its texts or its traffic:
<app>.<model>.json lists the rows with every field; <app>.<model>.csv has the
same rows, one a line. Access tokens and consent codes are secrets and are
left out. Files:

{files}
"""


@dataclass
class AccessRequest:
    filename: str
    chunks: Iterator[bytes]


class _Pipe:
    """A write-only file: what zipfile writes is taken out between entries, so
    the ZIP streams (zipfile writes data descriptors to a file it cannot seek)."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _exported_fields(place: Place) -> list[models.Field]:
    return [
        f
        for f in place.model_class._meta.concrete_fields
        if not isinstance(f, EncryptedTextField) or f.name in place.texts
    ]


def _row(place: Place, row, fields) -> dict:
    out = {}
    for f in fields:
        value = getattr(row, f.attname)
        if isinstance(value, Secret):
            value = value.reveal()
        if isinstance(value, (bytes, memoryview)):  # a binary field: JSON and CSV carry text
            value = "base64:" + base64.b64encode(bytes(value)).decode()
        elif is_secret_name(f.attname) and value:
            value = REDACTED
        elif isinstance(value, str):
            # Raw callbacks and provider logs carry credentials (an opt-in's
            # access_token, a voice token in a URL): the person's data, not them.
            value = redact_body(value) if value.lstrip()[:1] in ("{", "[") else redact_text(value)
        elif isinstance(value, (dict, list)):
            value = redact_data(value)
        out[f.attname] = value
    for name in place.clear:
        out[name] = [str(related) for related in getattr(row, name).all()]
    return out


def _csv_value(value) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, cls=DjangoJSONEncoder)
    if value is None:
        return ""
    return str(value)


def _entries(person: Person) -> Iterator[tuple[str, Iterator[str]]]:
    """(file name, its text in pieces) for each kind of row holding the person."""
    for place in places():
        rows = walk(place, person)
        first = next(rows, None)
        if first is None:
            continue
        fields = _exported_fields(place)
        names = [f.attname for f in fields] + list(place.clear)

        def as_json(place=place, fields=fields):
            yield "[\n"
            for index, (row, _own) in enumerate(walk(place, person)):
                yield ("" if index == 0 else ",\n") + json.dumps(
                    _row(place, row, fields), cls=DjangoJSONEncoder, ensure_ascii=False
                )
            yield "\n]\n"

        def as_csv(place=place, fields=fields, names=names):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(names)
            for row, _own in walk(place, person):
                values = _row(place, row, fields)
                writer.writerow([_csv_value(values[name]) for name in names])
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
            yield buffer.getvalue()

        yield f"{place.label}.json", as_json()
        yield f"{place.label}.csv", as_csv()


def _zip(person: Person, apps_text: str) -> Iterator[bytes]:
    pipe = _Pipe()
    written = []
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, pieces in _entries(person):
            with archive.open(name, "w") as entry:
                for piece in pieces:
                    entry.write(piece.encode())
                    if sum(len(p) for p in pipe.parts) > 64 * 1024:
                        yield pipe.take()
            written.append(name)
            yield pipe.take()
        readme = README.format(
            who=person.number,
            when=timezone.now().strftime("%Y-%m-%d %H:%M"),
            apps=apps_text,
            files="\n".join(written) or "(none: Hatid holds nothing about this number)",
        )
        archive.writestr("README.txt", readme)
    yield pipe.take()


def access_request(
    *, number: str, app_ids: list[int] | None = None, unowned: bool = True
) -> AccessRequest:
    """The ZIP of what Hatid holds about `number` (any accepted form) in the
    apps `app_ids` (None: every app); `unowned` adds rows of no app (the
    audit trail, the console's change log), which are the operators', not a
    partner's."""
    person = Person.of(number, app_ids, unowned)
    apps_text = "all" if app_ids is None else ", ".join(str(pk) for pk in app_ids)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = person.pseudonym.replace(":", "-")
    return AccessRequest(f"access-request-{name}-{stamp}.zip", _zip(person, apps_text))
