"""Statements the ORM makes costly in hot paths: `update_each` saves some
fields of many rows in one `UPDATE ... FROM (VALUES ...)`, `insert_all`
inserts rows in one `INSERT ... VALUES` (both for PostgreSQL, the ORM's own
elsewhere), `insert_one` one row in one `INSERT ... RETURNING` (any
database), `CompiledQuery` runs a queryset the ORM compiled once with new
values, and `PreparedStatement` has PostgreSQL plan a statement once per
connection; `execute` runs one of them, optionally as an asynchronous
commit (see there). Values still go through each field's `pre_save` and
`get_db_prep_save` (defaults, encryption, redaction as in `save`), and only
the model's own quoted names are written into the statements' text. They
send no signals: use them only for models nothing listens to
(`saves_plainly` says whether a model's rows can be inserted so).
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable

from django.db import connections, models, router
from django.db.models import signals


def update_each(rows: list[models.Model], names: tuple[str, ...]) -> None:
    """Save the fields `names` of each of `rows` (of one model) in one statement.

    On PostgreSQL, `UPDATE ... FROM (VALUES ...)`: Django's `bulk_update`
    builds a CASE per field instead, and compiling it cost more than the rest
    of an SMS's delivery (12 ms a chunk of ten). Elsewhere, `bulk_update`.
    """
    model = type(rows[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, names)
        return
    fields = [model._meta.pk, *(model._meta.get_field(name) for name in names)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk, *columns = [quote(field.column) for field in fields]
    casts = ", ".join(f"CAST(%s AS {field.cast_db_type(connection)})" for field in fields)
    values = ", ".join([f"({casts})"] * len(rows))
    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
    # Only the model's own quoted names are in the text; every value is a parameter.
    sql = (
        f"UPDATE {table} SET {assignments} "  # noqa: S608
        f"FROM (VALUES {values}) AS v({', '.join([pk, *columns])}) "
        f"WHERE {table}.{pk} = v.{pk}"
    )
    params = [
        field.get_db_prep_save(getattr(row, field.attname), connection)
        for row in rows
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def insert_all(objs: list[models.Model]) -> None:
    """Insert `objs` (of one model, pks not set) in one statement; their pks stay unset.

    On PostgreSQL Django's `bulk_create` sends each column as an array to
    `UNNEST`, and psycopg escapes every array item with a regular expression:
    for the request log of a chunk of SMS, more CPU than the insert's own
    round trip. Elsewhere, `bulk_create`.
    """
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    sql, fields = _insert(model, connection, len(objs))
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def execute(cursor, sql: str, params: list, *, async_commit: bool = False) -> None:
    """`cursor.execute(sql, params)`; with `async_commit`, on PostgreSQL, outside
    a transaction, the statement's own commit does not wait for the WAL's
    flush to disk (`synchronous_commit` off for that transaction alone, set in
    the same round trip).

    Such a commit is seen by every other session at once and survives any
    crash but PostgreSQL's (or the machine's) in the next few hundred
    milliseconds; any later commit that waits for its flush, in any session,
    flushes it too. So it is for a statement whose loss in that crash is
    harmless: one that a synchronous commit follows before anyone is told
    it happened, or whose replay is. On a busy machine a flush cost 0.5 to 2
    ms of a USSD step's path. Inside a transaction, a plain `execute` (the
    setting would reach the transaction's commit)."""
    connection = cursor.db
    if async_commit and connection.vendor == "postgresql" and connection.get_autocommit():
        # Two statements in one simple query run as one implicit transaction:
        # SET LOCAL holds until its end. The cursor is left on the second's result.
        cursor.execute(f"SET LOCAL synchronous_commit TO OFF; {sql}", params)
        cursor.nextset()
    else:
        cursor.execute(sql, params)


def insert_one(obj: models.Model, *, async_commit: bool = False) -> models.Model:
    """Insert `obj` (not saved yet) and set its primary key, as
    `obj.save(force_insert=True)` would: the callbacks' hot path, where
    `save` cost about 500 µs of CPU for one INSERT, most of it Django's
    compiler building the same statement every time. `async_commit`: see
    `execute`."""
    model = type(obj)
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, fields = _insert(model, connection, 1)
    params = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        execute(cursor, f"{sql} RETURNING {pk}", params, async_commit=async_commit)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = alias
    return obj


def _insert(model, connection, rows: int) -> tuple[str, list]:
    """`INSERT INTO <table> (<columns>) VALUES (...), ...` for `rows` rows of
    `model`, and its fields in the order of the values."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES {', '.join([row] * rows)}"
    )
    return sql, fields


def saves_plainly(model: type[models.Model]) -> bool:
    """Whether `insert_one` stores a row of `model` exactly as `save` would: the
    model keeps `Model.save` and no receiver listens to its saves."""
    return (
        model.save is models.Model.save
        and not signals.pre_save.has_listeners(model)
        and not signals.post_save.has_listeners(model)
    )


class CompiledQuery:
    """A queryset compiled to SQL once per database, run with new values.

    `build(**values)` makes the queryset; it is built once with `examples`
    (distinct values of the right types, each of which must appear exactly
    once among the compiled parameters, which is checked; the other
    parameters are the query's constants) to learn where each value goes,
    and `rows(model, **values)` then runs that SQL through
    `Model.objects.raw`, annotations becoming attributes. For the hot paths
    where compiling a queryset (its joins, subqueries and annotations) costs
    more than running it.
    """

    def __init__(self, build: Callable[..., models.QuerySet], **examples):
        self.build, self.examples = build, examples
        self._compiled: dict[str, tuple[str, list[tuple[str | None, object]]]] = {}
        self._lock = threading.Lock()

    def _sql(self, alias: str) -> tuple[str, list[tuple[str | None, object]]]:
        with self._lock:
            if alias not in self._compiled:
                queryset = self.build(**self.examples)
                sql, params = queryset.query.get_compiler(alias).as_sql()
                names = {value: name for name, value in self.examples.items()}
                # (the value's name, or None for a constant of the query; the constant)
                slots = [(names.get(param), param) for param in params]
                named = sorted(name for name, _ in slots if name is not None)
                if named != sorted(self.examples):
                    raise ValueError(f"each example must be one parameter: {params!r}")
                self._compiled[alias] = (sql, slots)
            return self._compiled[alias]

    def rows(self, model: type[models.Model], **values) -> list[models.Model]:
        alias = router.db_for_write(model)
        sql, slots = self._sql(alias)
        params = [constant if name is None else values[name] for name, constant in slots]
        return list(model.objects.raw(sql, params, using=alias))


_PLACEHOLDER = re.compile(r"%%|%s")


def numbered(sql: str, first: int = 1) -> str:
    """A statement written for Django's cursor (`%s` placeholders, `%%` for a
    percent sign) with PostgreSQL's numbered placeholders, from `$first` on."""
    numbers = iter(range(first, first + sql.count("%s") + 1))
    return _PLACEHOLDER.sub(lambda m: "%" if m[0] == "%%" else f"${next(numbers)}", sql)


# The psycopg connections on which each statement is prepared, by name.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class PreparedStatement:
    """A statement PostgreSQL plans once per connection (`PREPARE`, then
    `EXECUTE` with each call's values), for the hot statements whose planning
    costs more than their running: the outbox's claim, with its WITH queries
    and joins, was planned in 0.6 ms and ran in 0.1 (EXPLAIN ANALYZE).

    `sql` uses numbered placeholders ($1, ...; see `numbered`). A prepared
    statement belongs to its session, whatever becomes of the transaction
    that prepared it; a new connection prepares it again.
    """

    def __init__(self, name: str, sql: str):
        self.name, self.sql = name, sql
        self.parameters = max((int(n) for n in re.findall(r"\$(\d+)", sql)), default=0)

    def execute(self, cursor, params: list, *, async_commit: bool = False) -> None:
        """Run the statement with `params` (`async_commit`: see the module's `execute`)."""
        if len(params) != self.parameters:
            raise ValueError(f"{self.name} takes {self.parameters} values, not {len(params)}")
        raw = cursor.connection  # psycopg's connection: a reconnection is another
        names = _prepared.setdefault(raw, set())
        if self.name not in names:
            cursor.execute(f"PREPARE {self.name} AS {self.sql}")
            names.add(self.name)
        placeholders = ", ".join(["%s"] * len(params))
        execute(cursor, f"EXECUTE {self.name} ({placeholders})", params, async_commit=async_commit)
