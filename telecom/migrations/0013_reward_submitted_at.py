"""A reward is sent once like every row without an idempotency key: its
`sent_at` is the send-once mark, `submitted_at` (renamed, values kept)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("telecom", "0012_one_step_action_syntax")]

    operations = [
        migrations.RenameField(model_name="reward", old_name="sent_at", new_name="submitted_at"),
        migrations.AlterField(
            model_name="reward",
            name="submitted_at",
            field=models.DateTimeField(
                blank=True,
                null=True,
                help_text="When its request last left for the provider (set before sending).",
            ),
        ),
    ]
