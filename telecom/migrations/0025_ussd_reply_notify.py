"""A queued USSD reply's INSERT notifies `hatid_ussd_reply` with its id
(PostgreSQL only): the listener of the `ussd` workers
(`telecom.ussd.reply_listener`) hears it when the step commits."""

from django.db import migrations

CREATE = (
    """
CREATE OR REPLACE FUNCTION hatid_ussd_reply_queued() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hatid_ussd_reply', NEW.id::text);
    RETURN NULL;
END
$$
""",
    """
CREATE TRIGGER hatid_ussd_reply_queued AFTER INSERT ON telecom_ussdexchange
FOR EACH ROW WHEN (NEW.status = 'queued') EXECUTE FUNCTION hatid_ussd_reply_queued()
""",
)

DROP = (
    "DROP TRIGGER IF EXISTS hatid_ussd_reply_queued ON telecom_ussdexchange",
    "DROP FUNCTION IF EXISTS hatid_ussd_reply_queued()",
)


def on_postgresql(statements: tuple[str, ...]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("telecom", "0024_drop_indexes_others_cover")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
