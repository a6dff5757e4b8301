"""The developer wallet: debits for what the docs say is chargeable.

A debit is one conditional UPDATE, so concurrent requests can never take the
balance below zero. What a delivery cost is kept on its `Delivery.charged`
(`debit(..., ledger=False)`, the hot path); every other debit or credit is a
`WalletEntry`. `GET /_sandbox/apps/<app_id>` shows both.
"""

from decimal import Decimal

from django.db.models import F, Value
from django.db.models.functions import Greatest

from sandbox import conf
from sandbox.models import App, WalletEntry
from sandbox.sql import take_from_wallet

ZERO = Decimal("0.00")


def debit(app: App, amount: Decimal, reason: str, *, ledger: bool = True) -> bool:
    """Take `amount`; False (and nothing taken) when the wallet holds less."""
    if amount <= ZERO:
        return True
    taken = take_from_wallet(app.pk, amount)
    if taken and ledger:
        WalletEntry.objects.create(app_id=app.pk, amount=-amount, reason=reason)
    return bool(taken)


def penalize(app: App, price_name: str, reason: str) -> None:
    """Charge an error's price: what is left when the wallet holds less (never below zero)."""
    amount = conf.price(price_name)
    if amount <= ZERO:
        return
    App.objects.filter(pk=app.pk).update(
        wallet_balance=Greatest(F("wallet_balance") - amount, Value(ZERO))
    )
    WalletEntry.objects.create(app_id=app.pk, amount=-amount, reason=reason)


def credit(app: App, amount: Decimal, reason: str) -> None:
    App.objects.filter(pk=app.pk).update(wallet_balance=F("wallet_balance") + amount)
    WalletEntry.objects.create(app_id=app.pk, amount=amount, reason=reason)


def balance(app: App) -> Decimal:
    return App.objects.values_list("wallet_balance", flat=True).get(pk=app.pk)
