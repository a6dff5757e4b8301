"""A list filter of a column's distinct values that stays fast on a big table.

Django's `AllValuesFieldListFilter` asks `SELECT DISTINCT column`, which reads
every row (a quarter of a second for a million audit events, growing with the
table). Over an indexed column with few distinct values, a recursive query
that hops from one value to the next through the index ("loose index scan")
reads one index entry per value instead: milliseconds at any size.
"""

from django.contrib.admin.filters import AllValuesFieldListFilter
from django.db import connections

# Enough for any vocabulary of actions or kinds; a runaway column stops here.
MOST_VALUES = 500


class IndexedValuesFilter(AllValuesFieldListFilter):
    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = distinct_values(model, field)


def distinct_values(model, field) -> list:
    """The column's distinct non-null values in order, one index hop each."""
    connection = connections[model.objects.db]
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(field.column)
    # Names quoted by the backend from the model's own metadata; no user input.
    sql = (
        f"WITH RECURSIVE hop(value) AS ("  # noqa: S608
        f" SELECT MIN({column}) FROM {table}"
        f" UNION ALL"
        f" SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > hop.value)"
        f" FROM hop WHERE hop.value IS NOT NULL"
        f") SELECT value FROM hop WHERE value IS NOT NULL LIMIT {MOST_VALUES}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [value for (value,) in cursor.fetchall()]
