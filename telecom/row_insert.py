"""One row written in one plain `INSERT ... RETURNING id`, for the hottest path.

A callback answered once stored (`telecom.callbacks.service`) is one INSERT
and its commit. Through `Model.save` that INSERT cost about 500 µs of CPU,
most of it Django's compiler building the same statement every time; here
the statement is built once per model and each row only prepares its values
(with the fields' own `pre_save` and `get_db_prep_save`, so defaults,
`auto_now` and encryption behave as in `save`). It sends no signals: use it
only for a model nothing listens to.
"""

from functools import cache

from django.db import connections, models, router


@cache
def _statement(model: type[models.Model], alias: str) -> tuple[str, tuple]:
    quote = connections[alias].ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    pk = quote(model._meta.pk.column)
    # Only the model's own quoted names are in the text; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {pk}"  # noqa: S608
    return sql, fields


def insert(row: models.Model) -> models.Model:
    """Insert `row` (not saved yet) and set its primary key, as
    `row.save(force_insert=True)` would."""
    model = type(row)
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, fields = _statement(model, alias)
    params = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row.pk = cursor.fetchone()[0]
    row._state.adding = False
    row._state.db = alias
    return row
