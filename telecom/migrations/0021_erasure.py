"""Erasure may rewrite the audit trail (subscribers.services.erasure): the
append-only trigger lets an UPDATE through in a transaction that set
`hatid.audit_erasure` on, and a DELETE with `hatid.audit_purge` (the
retention purge's batches, telecom.retention.purge); anything else is refused
as before. SQLite's no-update trigger is dropped and made again by the
erasure's own transaction."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION telecom_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('hatid.audit_erasure', true) = 'on' THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND current_setting('hatid.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'telecom_auditevent is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
# As telecom 0017 made it.
BACKWARD = """
CREATE OR REPLACE FUNCTION telecom_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'telecom_auditevent is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("telecom", "0020_message_templates")]

    operations = [migrations.RunPython(forward, backward)]
