# Retention (telecom.retention): each app's periods, the permission to change
# them, and the audit trail's trigger letting through a DELETE that the purge
# asks for in its own transaction (SET LOCAL hatid.audit_purge = 'on') and an
# UPDATE that erasure asks for (hatid.audit_erasure). The function is written
# identically by erasure's migration, so the two compose in either order.

from django.db import migrations, models

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION telecom_auditevent_append_only() RETURNS trigger AS $$ BEGIN IF TG_OP = 'UPDATE' AND current_setting('hatid.audit_erasure', true) = 'on' THEN RETURN NEW; END IF; IF TG_OP = 'DELETE' AND current_setting('hatid.audit_purge', true) = 'on' THEN RETURN OLD; END IF; RAISE EXCEPTION 'telecom_auditevent is append-only: %% refused', TG_OP; END; $$ LANGUAGE plpgsql;
"""
# The function as telecom 0017 made it.
POSTGRES_BACKWARD = """
CREATE OR REPLACE FUNCTION telecom_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'telecom_auditevent is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def let_purge_through(apps, schema_editor):
    # SQLite's trigger refuses UPDATE only; a DELETE already passes there.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)


def refuse_all_again(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("telecom", "0022_voicent_call_flow"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="providerapp",
            options={
                "ordering": ["name"],
                "permissions": [
                    (
                        "ask_provider",
                        "Can ask a provider now (wallet, statuses, prices, account, numbers, reconciliation) and record its answer",
                    ),
                    ("change_retention", "Can change how long an app's data is kept"),
                ],
            },
        ),
        migrations.AddField(
            model_name="providerapp",
            name="retain_callbacks_days",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Raw callbacks, web-form codes and uploaded subscriber files: days kept. Empty: the default; 0: forever.",
                null=True,
                verbose_name="callbacks (days)",
            ),
        ),
        migrations.AddField(
            model_name="providerapp",
            name="retain_locations_days",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Locations and balance answers: days kept. Empty: the default; 0: forever.",
                null=True,
                verbose_name="locations (days)",
            ),
        ),
        migrations.AddField(
            model_name="providerapp",
            name="retain_message_texts_days",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Message texts (SMS in and out, bulk sends, partner webhooks): days kept. Empty: the default; 0: forever.",
                null=True,
                verbose_name="message texts (days)",
            ),
        ),
        migrations.AddField(
            model_name="providerapp",
            name="retain_provider_logs_days",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Provider request logs: days kept. Empty: the default; 0: forever.",
                null=True,
                verbose_name="provider logs (days)",
            ),
        ),
        migrations.AddField(
            model_name="providerapp",
            name="retain_recordings_days",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Recording links and fax documents: days kept. Empty: the default; 0: forever.",
                null=True,
                verbose_name="recordings (days)",
            ),
        ),
        migrations.AddField(
            model_name="providerapp",
            name="retain_transcripts_days",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="USSD and call transcripts, and the numbers on calls, faxes, charges and rewards: days kept. Empty: the default; 0: forever.",
                null=True,
                verbose_name="transcripts (days)",
            ),
        ),
        migrations.RunPython(let_purge_through, refuse_all_again),
    ]
