"""`config.postgresql`: Django's health check (CONN_HEALTH_CHECKS) without its
`SELECT 1` while the connection is idle and sound, and with it, as Django
does, once PostgreSQL has closed the connection."""

import time

import psycopg
import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def observer() -> psycopg.Connection:
    """A connection of the test's own, beside Django's."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def health_check() -> None:
    """What the first query of a request or a task triggers: Django's check,
    due again (`close_if_unusable_or_obsolete`), then a cursor."""
    connection.health_check_done = False
    connection.cursor().close()


def test_a_sound_idle_connection_is_not_sent_select_1():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    pid = backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement'")
    health_check()
    assert connection.health_check_done
    with observer() as other:
        [(last,)] = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
    assert last == "SELECT 'the last statement'"
    assert backend_pid() == pid  # the same connection, kept


def test_a_connection_postgresql_closed_is_replaced_before_the_first_query():
    pid = backend_pid()
    with observer() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend outlived pg_terminate_backend"
            time.sleep(0.01)
    health_check()
    new = backend_pid()  # no OperationalError: Django's check found the connection closed
    assert new != pid
