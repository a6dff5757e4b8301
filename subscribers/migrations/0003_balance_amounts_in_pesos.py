"""Balance and reload amounts in pesos.

Until now Hatid stored `subBalance` / `reloadAmount` as the platform answers
them, in centavos (`"7500"` for PHP 75.00 became 7500.00); see
`telecom.globe.subscriber` for how the unit was read from the docs. Rows
already answered are converted, so the history shows pesos too.
"""

from decimal import Decimal

from django.db import migrations, models
from django.db.models import F

HUNDRED = Decimal(100)


def to_pesos(apps, schema_editor):
    BalanceQuery = apps.get_model("subscribers", "BalanceQuery")
    BalanceQuery.objects.filter(amount__isnull=False).update(amount=F("amount") / HUNDRED)


def to_centavos(apps, schema_editor):
    BalanceQuery = apps.get_model("subscribers", "BalanceQuery")
    BalanceQuery.objects.filter(amount__isnull=False).update(amount=F("amount") * HUNDRED)


class Migration(migrations.Migration):
    dependencies = [
        ("subscribers", "0002_outbox_in_doubt"),
    ]

    operations = [
        migrations.AlterField(
            model_name="balancequery",
            name="amount",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="In pesos (the platform answers in centavos).",
                max_digits=14,
                null=True,
            ),
        ),
        migrations.RunPython(to_pesos, to_centavos),
    ]
