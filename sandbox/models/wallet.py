"""`WalletEntry`: the developer wallet's ledger, one row per debit or credit."""

from django.db import models

from sandbox.models.accounts import App
from sandbox.rows import SandboxRow


class WalletEntry(SandboxRow):
    shown_as = "{amount} {reason}"

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="wallet_entries")
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Negative for a debit.")
    reason = models.CharField(max_length=100)

    class Meta(SandboxRow.Meta):
        verbose_name = "wallet entry"
        verbose_name_plural = "wallet entries"
