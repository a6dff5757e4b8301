"""Drop the foreign keys' indexes that another index already leads with (see
telecom's 0024): by name, so that PostgreSQL keeps the constraints as they
are instead of dropping and re-validating them."""

import django.db.models.deletion
from django.db import migrations, models


def drop_index(table: str, name: str, column: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{name}"',
        reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("subscribers", "0008_erasure_permissions"),
        ("telecom", "0023_retention"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                # (subscriber, occurred_at)
                drop_index(
                    "subscribers_consentevent",
                    "subscribers_consentevent_subscriber_id_01b228fe",
                    "subscriber_id",
                ),
                # one_subscriber_per_app_number (app, msisdn)
                drop_index(
                    "subscribers_subscriber", "subscribers_subscriber_app_id_353c4845", "app_id"
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="consentevent",
                    name="subscriber",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consent_events",
                        to="subscribers.subscriber",
                    ),
                ),
                migrations.AlterField(
                    model_name="subscriber",
                    name="app",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subscribers",
                        to="telecom.providerapp",
                    ),
                ),
            ],
        ),
    ]
