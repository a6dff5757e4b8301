"""Asynchronous commits (`telecom.bulk_sql.execute`): which statements' commits
do not wait for the WAL's flush, and that the setting never reaches another
transaction. A raw callback processed before its answer is one; a callback
answered once stored (a lane's) is not: its INSERT's commit is what the 200
promises."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from telecom.bulk_sql import execute
from tests.support.lanes import mo_body
from tests.support.ussd_menus import ussd_body

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SETTING = "SELECT current_setting('synchronous_commit')"


def setting_after(sql: str, *, async_commit: bool) -> tuple[str, str]:
    """The setting as `sql` saw it, and as the next statement does."""
    with connection.cursor() as cursor:
        execute(cursor, sql, [], async_commit=async_commit)
        seen = cursor.fetchone()[0]
        cursor.execute(SETTING)
        return seen, cursor.fetchone()[0]


def test_an_async_commit_is_off_for_its_own_statement_alone():
    assert setting_after(SETTING, async_commit=True) == ("off", "on")
    assert setting_after(SETTING, async_commit=False) == ("on", "on")


def test_inside_a_transaction_the_statement_runs_plainly():
    """SET LOCAL there would make the whole transaction's commit asynchronous."""
    with transaction.atomic():
        assert setting_after(SETTING, async_commit=True) == ("on", "on")


def raw_inserts(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if 'INSERT INTO "telecom_callbackevent"' in query["sql"]
    ]


def posted(client, app, kind: str, body: str):
    """The statements of one callback's request."""
    with CaptureQueriesContext(connection) as captured:
        response = client.post(app.callback_path(kind), body, content_type="application/json")
    assert response.status_code == 200
    return captured


def test_a_callback_answered_once_stored_commits_synchronously(client, globe_app):
    """An MO SMS goes to a lane: the 200 follows its INSERT's commit alone."""
    captured = posted(
        client,
        globe_app,
        "notify",
        mo_body("+639171234567", "hello", shortcode=globe_app.shortcode),
    )
    [insert] = raw_inserts(captured)
    assert insert.startswith("INSERT")


def test_a_callback_processed_before_its_answer_stores_its_raw_copy_asynchronously(
    client, globe_app
):
    """A USSD step: the processing's commit, synchronous, comes before the answer."""
    captured = posted(client, globe_app, "ussd", ussd_body(globe_app))
    [insert] = raw_inserts(captured)
    assert insert.startswith("SET LOCAL synchronous_commit TO OFF; INSERT")
    statements = [query["sql"] for query in captured.captured_queries]
    assert "COMMIT" in statements[statements.index(insert) :]  # the processing's, synchronous
    assert not any("synchronous_commit" in sql for sql in statements if sql != insert)
