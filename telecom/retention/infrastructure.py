"""The retention kinds of the infrastructure's rows: raw callbacks, provider
request logs, the audit trail and the partner API's Idempotency-Keys.

The audit trail is append-only at the database (telecom 0017's trigger);
its purge says so in its batch's own transaction (`hatid.audit_purge`), which
the trigger lets through (telecom 0023). It belongs to no app: its period is
`RETENTION_DEFAULT_DAYS["audit"]`. Idempotency-Keys hold an API answer for
`API_IDEMPOTENCY_TTL_HOURS`, the time a partner may retry with one.
"""

from datetime import timedelta

from django.conf import settings

from telecom.retention.registry import Kind, register


def audit_period() -> timedelta | None:
    days = settings.RETENTION_DEFAULT_DAYS["audit"]
    return timedelta(days=days) if days else None


def idempotency_period() -> timedelta:
    return timedelta(hours=settings.API_IDEMPOTENCY_TTL_HOURS)


def allow_audit_purge(connection) -> None:
    # SQLite's trigger refuses UPDATE only: a DELETE passes there as it is.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL hatid.audit_purge = 'on'")


register(
    Kind(
        name="telecom.callbacks",
        model="telecom.CallbackEvent",
        date="received_at",
        label="Raw callbacks (bodies, headers, addresses)",
        period="callbacks",
    ),
    Kind(
        name="telecom.provider_logs",
        model="telecom.OutboundCall",
        date="started_at",
        label="Provider request logs",
        period="provider_logs",
    ),
    Kind(
        name="telecom.audit_trail",
        model="telecom.AuditEvent",
        date="at",
        label="The audit trail",
        fixed=audit_period,
        app=None,
        before_write=allow_audit_purge,
    ),
    Kind(
        name="telecom.idempotency_keys",
        model="telecom.IdempotencyRecord",
        date="created_at",
        label="The partner API's Idempotency-Keys",
        fixed=idempotency_period,
        app=None,
    ),
)
