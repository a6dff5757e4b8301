"""What the models of every app declare the same way, written once.

Field factories: `optional_link` (a link that may be empty), `amount_field`
(pesos, two decimals), `number_field` (a subscriber's number, E.164).
Abstract models: `Timestamped` (created and updated times), `Requested` (who
asked for a row: its source and partner), `HoiioDebit` (what a Hoiio
request cost) and `HoiioTransaction` (a Hoiio request Hatid names by its
`tag` and Hoiio by its `txn_ref`).

Infrastructure: it imports nothing but Django, so the provider app, the
subscribers and the features all build on it. A factory returns the same
field a model would write by hand (the migrations see no difference); an
abstract base's fields come first among its subclass's own, which only
changes the order a console shows them in.
"""

from django.db import models


def optional_link(
    to,
    help_text: str = "",
    *,
    on_delete=models.SET_NULL,
    related_name: str = "+",
    field: type[models.ForeignKey] = models.ForeignKey,
    **options,
) -> models.ForeignKey:
    """A link that may be empty. By default it empties itself when its target
    is deleted and has no way back from the target (a start screen, the
    partner who asked, the callback a row came from...); a link that must
    protect its target, or be reached from it, says so."""
    return field(
        to,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        help_text=help_text,
        **options,
    )


def amount_field(
    help_text: str = "", *, max_digits: int = 10, optional: bool = False, **options
) -> models.DecimalField:
    """An amount of money in pesos (or the provider's currency), to the
    centavo; `optional` when it may be unknown or not apply."""
    if optional:
        options.update(null=True, blank=True)
    return models.DecimalField(
        max_digits=max_digits, decimal_places=2, help_text=help_text, **options
    )


def number_field(help_text: str = "", **options) -> models.CharField:
    """A subscriber's mobile number, as Hatid stores it: E.164 (at most 15
    digits and the +), shown to operators as "number"."""
    return models.CharField("number", max_length=16, help_text=help_text, **options)


class Timestamped(models.Model):
    """When a row was created and last changed."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Requested(models.Model):
    """A row someone asked for: `source` says through what (the partner API,
    the console, a flow...) and `partner` which partner, when it came through
    the API. A subclass may declare its own `source` (with choices, or
    another default)."""

    source = models.CharField(max_length=16, default="api")
    partner = optional_link("telecom.Partner")

    class Meta:
        abstract = True


class HoiioDebit(models.Model):
    """What Hoiio charged the account for a request, in the currency it
    names (its `debit` has four decimals: per-minute rates)."""

    currency = models.CharField(max_length=3, blank=True)
    debit = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)

    class Meta:
        abstract = True


class HoiioTransaction(HoiioDebit):
    """A Hoiio request with no idempotency key: Hatid names it by its `tag`
    (sent with it, how a request whose answer was lost is found again in
    Hoiio's history) and Hoiio by its `txn_ref` (how its notifications name
    it)."""

    tag = models.CharField(max_length=32, unique=True, help_text="Sent as Hoiio's tag.")
    txn_ref = models.CharField("txn_ref", max_length=64, blank=True, db_index=True)

    class Meta:
        abstract = True
