"""The developer wallet: balances read from the platform (the Globe Labs
wallet, the Hoiio account's credit), and the daily count of the calls the
docs say it pays for."""

from django.db import models

from telecom.models.bases import amount_field
from telecom.models.provider_app import ProviderApp
from telecom.timefmt import console_time


class WalletSnapshot(models.Model):
    app = models.ForeignKey(ProviderApp, on_delete=models.CASCADE, related_name="wallet_snapshots")
    balance = amount_field(max_digits=14)
    currency = models.CharField(
        max_length=3, default="PHP", help_text="Globe Labs: PHP; Hoiio: the account's currency."
    )
    as_of = models.DateTimeField(null=True, blank=True, help_text="The platform's timestamp.")
    fetched_at = models.DateTimeField(auto_now_add=True)
    below_threshold = models.BooleanField(default=False)

    class Meta:
        ordering = ["-fetched_at"]
        indexes = [models.Index(fields=["app", "-fetched_at"])]

    def __str__(self) -> str:
        return f"{self.app}: {self.currency} {self.balance} at {console_time(self.fetched_at)}"


class UsageDay(models.Model):
    """Platform calls per app, day and operation, and how many the wallet paid for."""

    app = models.ForeignKey(ProviderApp, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    operation = models.CharField(max_length=48)
    calls = models.PositiveIntegerField(default=0)
    chargeable = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "app", "operation"]
        constraints = [
            models.UniqueConstraint(
                fields=["app", "day", "operation"], name="one_usage_row_per_app_day_operation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.app} {self.day} {self.operation}: {self.chargeable}/{self.calls}"
