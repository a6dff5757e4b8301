"""Paging the console's big tables without counting them on every page.

The changelist asks its paginator for the number of rows before it shows a
page; on an unfiltered list that is `SELECT COUNT(*)` over the whole table,
which PostgreSQL answers by reading all of it (bench/admin_scale.py: the
slowest statement of the message list at 1,000,000 rows). For such a list of
a big table the planner's own row estimate (`pg_class.reltuples`, refreshed
by autovacuum and ANALYZE) is as good an answer for an operator; a filtered
or searched list, a small table, or another database is counted exactly.

The price: on the unfiltered list the total and the number of the last page
are approximate (the last page may come out short or empty, or a few of the
oldest rows may only be reachable through a filter).
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 100_000


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        estimate = self.estimate()
        if estimate is not None and estimate > ESTIMATE_ABOVE:
            return estimate
        return super().count

    def estimate(self) -> int | None:
        """The planner's row estimate when the list is the whole table, else None."""
        query = getattr(self.object_list, "query", None)
        if query is None or query.where or query.distinct or query.combinator:
            return None
        connection = connections[self.object_list.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(self.object_list.model._meta.db_table)],
            )
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] and row[0] > 0 else None
