"""Django's PostgreSQL backend, with a health check that costs no round trip
while the connection is idle and sound.

With `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` before the first query of
every request and every Celery task (`config.celery` closes old connections
after each, as Django does around a request): a round trip to PostgreSQL and
a cursor's Python, on the path of every callback, USSD step and delivery. A
connection PostgreSQL has closed (a restart, `pg_terminate_backend`, an idle
timeout, a killed backend) has something to read on its socket: the server's
last message, or the end of the stream; an idle connection that is fine has
nothing (this project LISTENs to nothing). So the socket is polled first,
without waiting, and `SELECT 1` is sent only when something is there or the
connection is not idle. A connection that failed a query
(`errors_occurred`) is still checked with `SELECT 1` by Django.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and _idle_with_nothing_to_read(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


def _idle_with_nothing_to_read(connection) -> bool:
    try:
        if connection.closed or connection.info.transaction_status != TransactionStatus.IDLE:
            return False
        poll = select.poll()
        poll.register(connection.pgconn.socket, select.POLLIN | select.POLLPRI)
        return not poll.poll(0)
    except Exception:  # whatever it is, Django's own check decides
        return False
