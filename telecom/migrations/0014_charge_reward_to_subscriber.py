"""Charges and rewards take their app, subscriber and number from
`ToSubscriber`: the same related names (`charges`, `rewards`), written once.
State only: nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("subscribers", "0004_console_plurals"),
        ("telecom", "0013_reward_submitted_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="charge",
            name="app",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="telecom.providerapp",
            ),
        ),
        migrations.AlterField(
            model_name="charge",
            name="subscriber",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="subscribers.subscriber",
            ),
        ),
        migrations.AlterField(
            model_name="reward",
            name="app",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="telecom.providerapp",
            ),
        ),
        migrations.AlterField(
            model_name="reward",
            name="subscriber",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(class)ss",
                to="subscribers.subscriber",
            ),
        ),
    ]
