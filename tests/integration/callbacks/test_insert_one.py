"""`telecom.bulk_sql.insert_one`: the callbacks' hot path writes a row in one
plain INSERT, and the row is what `save()` would have written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from telecom.bulk_sql import insert_one
from telecom.models import CallbackEvent

pytestmark = pytest.mark.django_db


def event(app, **fields) -> CallbackEvent:
    return CallbackEvent(
        app=app,
        kind="notify",
        route="/callbacks/globe/…/notify/",
        method="POST",
        body='{"text": "héllo"}',
        content_type="application/json",
        headers={"User-Agent": "platform/1.0"},
        remote_addr="10.0.0.7",
        lane=3,
        **fields,
    )


def test_a_row_is_inserted_in_one_statement_as_save_would(globe_app):
    row = event(globe_app)
    with CaptureQueriesContext(connection) as queries:
        insert_one(row)
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT INTO")
    assert row.pk is not None and not row._state.adding

    saved = event(globe_app)
    saved.save(force_insert=True)
    inserted, compared = (CallbackEvent.objects.get(pk=pk) for pk in (row.pk, saved.pk))
    for field in CallbackEvent._meta.concrete_fields:
        if field.name in ("id", "received_at"):
            continue
        got, want = getattr(inserted, field.attname), getattr(compared, field.attname)
        if field.name in ("body", "query_string"):
            got, want = str(got and got.reveal()), str(want and want.reveal())
        assert got == want, field.name
    assert inserted.received_at is not None
    assert inserted.body.reveal() == '{"text": "héllo"}'


def test_the_body_is_encrypted_at_rest(globe_app):
    row = insert_one(event(globe_app))
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM telecom_callbackevent WHERE id = %s", [row.pk])
        stored = cursor.fetchone()[0]
    assert "héllo" not in stored and stored.startswith("gAAAA")


def test_a_row_inserted_then_saved_is_updated_not_inserted_again(globe_app):
    row = insert_one(event(globe_app))
    row.status = CallbackEvent.Status.PROCESSED
    row.save()
    assert CallbackEvent.objects.filter(app=globe_app).count() == 1
    assert CallbackEvent.objects.get(pk=row.pk).status == "processed"
