"""Drop the indexes that another index of the same table already serves (it
leads with the same column): every insert, and every update that is not
HOT, writes each of them. The foreign keys' indexes are dropped by name
rather than by AlterField, which on PostgreSQL would drop and re-add (and
so re-validate, locking both tables) each foreign key constraint."""

import django.db.models.deletion
from django.db import migrations, models


def drop_index(table: str, name: str, column: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{name}"',
        reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("subscribers", "0009_drop_indexes_others_cover"),
        ("telecom", "0023_retention"),
    ]

    operations = [
        # OutboxRow's created_at index, scanned backwards, serves the same.
        migrations.RemoveIndex(model_name="message", name="message_created_desc"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                # (app, kind, received_at)
                drop_index(
                    "telecom_callbackevent", "telecom_callbackevent_app_id_f06968d1", "app_id"
                ),
                # (status, received_at); the _like twin exists on PostgreSQL only
                drop_index(
                    "telecom_callbackevent", "telecom_callbackevent_status_6a53ad26", "status"
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "telecom_callbackevent_status_6a53ad26_like"',
                    reverse_sql=migrations.RunSQL.noop,
                ),
                # (campaign, status)
                drop_index(
                    "telecom_message", "telecom_message_campaign_id_c70af465", "campaign_id"
                ),
                # (subscriber, created_at)
                drop_index(
                    "telecom_message", "telecom_message_subscriber_id_5571f4ca", "subscriber_id"
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="callbackevent",
                    name="app",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="callback_events",
                        to="telecom.providerapp",
                    ),
                ),
                migrations.AlterField(
                    model_name="callbackevent",
                    name="status",
                    field=models.CharField(
                        choices=[
                            ("received", "Received"),
                            ("processed", "Processed"),
                            ("rejected", "Rejected (invalid payload)"),
                            ("failed", "Failed (error while processing)"),
                        ],
                        default="received",
                        max_length=16,
                    ),
                ),
                migrations.AlterField(
                    model_name="message",
                    name="campaign",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages",
                        to="telecom.campaign",
                    ),
                ),
                migrations.AlterField(
                    model_name="message",
                    name="subscriber",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="messages",
                        to="subscribers.subscriber",
                    ),
                ),
            ],
        ),
    ]
