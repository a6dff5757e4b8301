"""Where a person's number lives: the map that erasure and access requests walk.

Each app declares its `Place`s in `<app>/personal_data.py` (`PLACES`) and
registers them from its AppConfig's `ready()`; this module holds the map and
the matching, so `subscribers.services.erasure` and
`subscribers.services.access_request` read one list. A place says how a row
is the person's and what in it is theirs:

- `subscriber`: a path to the `Subscriber` (`"subscriber"`, `"session__subscriber"`);
- `numbers`: the row's own columns holding a number (replaced by the pseudonym);
- `via`: paths to a number held by a related row (`"session__msisdn"`);
- `mentions`: text, JSON or encrypted fields whose mention of the number makes
  the row the person's (a raw callback, a provider request log);
- `content`: what the person said or where they were (a text, a USSD input, a
  transcript): blanked on the person's rows;
- `scan`: text or JSON fields where the number may appear on anyone's row (an
  audit label, an import's preview): every form of it is replaced;
- `clear`: many-to-many links removed (a subscriber's tags);
- `delete`: the person's rows are deleted outright (locations, balances);
- `app`: the path to the `ProviderApp` that scopes an erasure to one app;
  `None` for rows of no app (the audit trail), walked whatever the scope.

`tests/e2e/privacy/test_erasure_dump.py` dumps every table after an erasure
and fails on any form of the number, so a model added later that holds a
number without its place here is found.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q, TextField, Value
from django.db.models.functions import Cast

from subscribers.pseudonyms import (
    is_pseudonym,
    national_digits,
    number_forms,
    pseudonym,
    replace_number,
)
from telecom.crypto import Secret
from telecom.fields import EncryptedTextField
from telecom.msisdn import normalize_msisdn

BATCH = 500


@dataclass(frozen=True)
class Place:
    model: str
    app: str | None = "app"
    subscriber: str | None = None
    numbers: tuple[str, ...] = ()
    via: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    content: tuple[str, ...] = ()
    scan: tuple[str, ...] = ()
    clear: tuple[str, ...] = ()
    delete: bool = False

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def label(self) -> str:
        return self.model_class._meta.label_lower

    def field(self, name: str) -> models.Field:
        return self.model_class._meta.get_field(name)

    def encrypted(self, name: str) -> bool:
        return isinstance(self.field(name), EncryptedTextField)

    @property
    def texts(self) -> tuple[str, ...]:
        """Every field the number may be written in, mentions first."""
        return tuple(dict.fromkeys((*self.mentions, *self.scan)))


_PLACES: dict[str, Place] = {}


def register(*places: Place) -> None:
    """Called from an AppConfig's ready(); registering a model again replaces it."""
    for place in places:
        _PLACES[place.model] = place


def places() -> list[Place]:
    """The map, the subscriber row itself last: until it is erased, an erasure
    that stopped halfway can be run again from the subscriber."""
    return sorted(_PLACES.values(), key=lambda p: p.model == "subscribers.Subscriber")


@dataclass
class Person:
    """One number, and the apps whose rows are searched for it (`None`: every
    app). `unowned` includes the rows of no app (the audit trail)."""

    number: str
    app_ids: list[int] | None = None
    unowned: bool = True
    pseudonym: str = ""
    forms: list[str] = field(default_factory=list)
    digits: str = ""
    subscriber_ids: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, number: str, app_ids=None, unowned: bool = True) -> "Person":
        """`number` in any accepted form, or an erased subscriber's pseudonym."""
        if is_pseudonym(number):
            person = cls(number, app_ids, unowned, pseudonym=number, forms=[], digits="")
        else:
            e164 = normalize_msisdn(number)
            person = cls(
                e164,
                app_ids,
                unowned,
                pseudonym=pseudonym(e164),
                forms=number_forms(e164),
                digits=national_digits(e164),
            )
        person.subscriber_ids = list(
            scoped(registered("subscribers.Subscriber"), person)
            .filter(msisdn__in=person.matches)
            .values_list("pk", flat=True)
        )
        return person

    @property
    def matches(self) -> list[str]:
        """The values of a number column that are this person: any form, or the pseudonym."""
        return [*self.forms, self.pseudonym]

    @property
    def erased(self) -> bool:
        return not self.forms

    def replace(self, value):
        """`value` with every form of the number replaced by the pseudonym:
        text, JSON (keys too) and encrypted text alike."""
        if self.erased:
            return value
        if isinstance(value, Secret):
            plain = value.reveal()
            scrubbed = replace_number(plain, self.number, self.pseudonym)
            return value if scrubbed == plain else Secret(scrubbed)
        if isinstance(value, str):
            return replace_number(value, self.number, self.pseudonym)
        if isinstance(value, dict):
            return {self.replace(k): self.replace(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.replace(v) for v in value]
        if isinstance(value, int) and not isinstance(value, bool) and str(value) in self.forms:
            return self.pseudonym
        return value

    def mentioned_in(self, value) -> bool:
        if self.erased or value in (None, ""):
            return False
        return self.replace(value) != value


def registered(model: str) -> Place:
    return _PLACES.get(model) or Place(model)


def scoped(place: Place, person: Person) -> models.QuerySet:
    rows = place.model_class._default_manager.all()
    if place.app is None:
        return rows if person.unowned else rows.none()
    if person.app_ids is not None:
        rows = rows.filter(**{f"{place.app}__in": person.app_ids})
    return rows


def person_q(place: Place, person: Person) -> Q | None:
    """The database's half of "this row is the person's": the subscriber link
    and the number columns (mentions are read row by row)."""
    parts = []
    if place.subscriber and person.subscriber_ids:
        parts.append(Q(**{f"{place.subscriber}__in": person.subscriber_ids}))
    for path in (*place.numbers, *place.via):
        parts.append(Q(**{f"{path}__in": person.matches}))
    q = None
    for part in parts:
        q = part if q is None else q | part
    return q


def _text_alias(name: str) -> str:
    return f"_as_text_{name}"


def candidates(place: Place, person: Person) -> models.QuerySet:
    """Rows that may hold the person, with `_person` saying the database
    already knows they are; narrowed by the database where it can read."""
    rows = scoped(place, person)
    own = person_q(place, person)
    flag = (
        ExpressionWrapper(own, output_field=BooleanField())
        if own is not None
        else Value(False, output_field=BooleanField())
    )
    rows = rows.annotate(_person=flag)
    if any(place.encrypted(name) for name in place.texts) and not person.erased:
        return rows  # encrypted text cannot be searched: each row is read
    wanted = [own] if own is not None else []
    if not person.erased:
        for name in place.texts:
            if isinstance(place.field(name), models.JSONField):
                rows = rows.alias(**{_text_alias(name): Cast(name, TextField())})
                wanted.append(Q(**{f"{_text_alias(name)}__contains": person.digits}))
            else:
                wanted.append(Q(**{f"{name}__contains": person.digits}))
    if not wanted:
        return rows.none()
    q = wanted[0]
    for part in wanted[1:]:
        q |= part
    return rows.filter(q)


def walk(place: Place, person: Person) -> Iterator[tuple[models.Model, bool]]:
    """(row, is the person's) for every row that holds something of the
    person, in batches by primary key. A row whose number is only mentioned in
    a `scan` field is not the person's, but holds the number all the same."""
    rows = candidates(place, person).order_by("pk")
    last = None
    while True:
        batch = list((rows.filter(pk__gt=last) if last is not None else rows)[:BATCH])
        if not batch:
            return
        for row in batch:
            own = bool(row._person) or any(
                person.mentioned_in(getattr(row, name)) for name in place.mentions
            )
            if own or any(person.mentioned_in(getattr(row, name)) for name in place.scan):
                yield row, own
        last = batch[-1].pk


def blank(place: Place, name: str):
    """What a `content` field holds once erased: nothing, in the field's own terms."""
    model_field = place.field(name)
    if model_field.null:
        return None
    if model_field.has_default():
        return model_field.get_default()
    return ""


# subscribers' own places, and the console's log of admin changes (Django's
# LogEntry names each row as the console shows it).
PLACES = [
    Place(
        "subscribers.Subscriber",
        numbers=("msisdn",),
        content=("attributes",),
        clear=("tags",),
    ),
    Place(
        "subscribers.AccessToken",
        app="subscriber__app",
        subscriber="subscriber",
        content=("token",),  # revoked by the erasure; its digest still refuses a late opt-in
        scan=("revoke_detail",),
    ),
    Place(
        "subscribers.ConsentEvent", app="subscriber__app", subscriber="subscriber", scan=("detail",)
    ),
    Place("subscribers.CodeExchange", subscriber="subscriber", scan=("last_error",)),
    Place(
        "subscribers.ChargingOptInRequest",
        app="subscriber__app",
        subscriber="subscriber",
        scan=("last_error",),
    ),
    Place("subscribers.LocationQuery", app="subscriber__app", subscriber="subscriber", delete=True),
    Place("subscribers.BalanceQuery", app="subscriber__app", subscriber="subscriber", delete=True),
    Place("subscribers.SubscriberImport", scan=("file_name", "preview", "result", "error")),
    Place("admin.LogEntry", app=None, scan=("object_repr", "change_message")),
]
