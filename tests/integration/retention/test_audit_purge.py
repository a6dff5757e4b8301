"""The audit trail's purge on PostgreSQL: its own batch transaction says so
(`hatid.audit_purge`) and the trigger lets that DELETE through; a plain DELETE
or UPDATE is still refused, and the setting does not outlive the batch."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from telecom.audit.record import record
from telecom.models import AuditEvent
from telecom.retention import registry
from telecom.retention.purge import purge

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_the_audit_purge_deletes_expired_events_and_the_trigger_still_refuses_others(settings):
    settings.RETENTION_DEFAULT_DAYS = {**settings.RETENTION_DEFAULT_DAYS, "audit": 30}
    record("message.retry", detail={"status": 302})
    kind = registry.get("telecom.audit_trail")

    purge(kinds=[kind], now=timezone.now() + timedelta(days=29))
    assert AuditEvent.objects.count() == 1
    purge(kinds=[kind], now=timezone.now() + timedelta(days=31))
    assert AuditEvent.objects.count() == 0

    record("message.retry", detail={"status": 302})
    for sql in (
        "DELETE FROM telecom_auditevent",
        "UPDATE telecom_auditevent SET outcome = 'failed'",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('hatid.audit_purge', true)")
        assert cursor.fetchone()[0] in (None, "", "off")
    assert AuditEvent.objects.count() == 1


def test_the_audit_trail_is_kept_forever_with_a_period_of_0(settings):
    settings.RETENTION_DEFAULT_DAYS = {**settings.RETENTION_DEFAULT_DAYS, "audit": 0}
    record("message.retry", detail={"status": 302})
    purge(kinds=[registry.get("telecom.audit_trail")], now=timezone.now() + timedelta(days=9999))
    assert AuditEvent.objects.count() == 1
