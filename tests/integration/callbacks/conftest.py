"""Fixtures of the callback tests."""

import pytest
from django.db import connection


@pytest.fixture
def poison(db):
    """PostgreSQL refuses to store an inbound message that says "boom"."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION hatid_test_poison() RETURNS trigger AS $$ BEGIN "
            "IF NEW.text = 'boom' THEN RAISE EXCEPTION 'poison message'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER hatid_test_poison BEFORE INSERT ON telecom_message "
            "FOR EACH ROW EXECUTE FUNCTION hatid_test_poison()"
        )
