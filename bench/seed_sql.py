"""Seeding millions of rows in seconds: one `INSERT ... SELECT ... FROM
generate_series` per table, run by PostgreSQL itself.

`insert_series(model, count, start, exprs)` writes rows n = start ..
start + count - 1. Each column is an SQL expression of `n` when `exprs`
names it (by field name or attname), else the field's Python default,
prepared by the field exactly as the ORM would store it (so JSON, encrypted
and choice fields hold valid values), else NULL. No ORM loop, no Python per
row.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import AutoField, BigAutoField, Model, SmallAutoField


def insert_series(model: type[Model], count: int, start: int, exprs: dict[str, str]) -> None:
    columns, values, params = [], [], []
    quote = connection.ops.quote_name
    for field in model._meta.concrete_fields:
        if isinstance(field, AutoField | BigAutoField | SmallAutoField):
            continue
        columns.append(quote(field.column))
        expr = exprs.get(field.name, exprs.get(field.attname))
        if expr is not None:
            values.append(expr.replace("%", "%%"))  # "n % 10" is SQL, not a placeholder
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now()")
        else:
            default = field.get_default()
            if default is None and field.null:
                values.append("NULL")
            else:
                values.append("%s")
                params.append(field.get_db_prep_save(default, connection))
    unknown = (
        set(exprs)
        - {f.name for f in model._meta.concrete_fields}
        - {f.attname for f in model._meta.concrete_fields}
    )
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    # Identifiers come from the model, quoted; the expressions are this module's callers'.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM generate_series(%s, %s) AS n"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, start, start + count - 1])


def analyze(*models: type[Model]) -> None:
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
