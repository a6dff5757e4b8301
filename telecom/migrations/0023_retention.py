# Retention (telecom.retention): each app's periods and the permission to
# change them. The audit trail's trigger lets the purge's DELETE through since
# telecom 0021 (SET LOCAL hatid.audit_purge = 'on').

from django.db import migrations, models


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
    ]
