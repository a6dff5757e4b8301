"""A Celery worker's database connections outlive its tasks (a new PostgreSQL
connection per task cost a fifth of a worker's time), except those that broke."""

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from config.celery import app, close_unusable_connections

pytestmark = pytest.mark.django_db(transaction=True)


class Task:
    """What Celery's task signals carry as the task: a request that is not eager."""

    class request:  # Celery's attribute name
        is_eager = False


def run_task_signals() -> None:
    """The work Celery does around a task in a worker: its Django fixup, then ours."""
    fixup = DjangoWorkerFixup(app)
    fixup.on_task_prerun(sender=Task)
    fixup.on_task_postrun(sender=Task)
    close_unusable_connections(task=Task)


@pytest.fixture
def kept_connection():
    kept = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.close()
    connection.ensure_connection()
    yield connection.connection
    connection.settings_dict["CONN_MAX_AGE"] = kept
    connection.close()


def test_a_healthy_connection_is_kept_across_tasks(kept_connection):
    run_task_signals()
    run_task_signals()
    assert connection.connection is kept_connection


# Django's SQLite backend reports every connection usable: a file has no
# server to go away.
@pytest.mark.postgres
def test_a_broken_connection_is_closed_after_the_task(kept_connection):
    kept_connection.close()  # the server went away
    connection.errors_occurred = True
    run_task_signals()
    assert connection.connection is None
    connection.ensure_connection()  # the next task gets a new one
    assert connection.is_usable()
