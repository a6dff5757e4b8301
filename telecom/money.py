"""Money: pesos as `Decimal` with two places, sent to providers as `"1.00"`."""

from decimal import Decimal, InvalidOperation

from telecom.errors import ServiceError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("100000")


def parse_amount(value, field: str = "amount", *, allow_zero: bool = False) -> Decimal:
    """A positive amount (or zero, with `allow_zero`) with at most two decimals,
    or a ServiceError naming `field`."""
    if isinstance(value, float):
        raise ServiceError('give amounts as text like "1.00", not as floats', field=field)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError("amount must be a number like 1.00", field=field) from None
    least = "zero or more" if allow_zero else "positive"
    if not amount.is_finite() or (amount < 0 if allow_zero else amount <= 0):
        raise ServiceError(f"amount must be {least} with at most two decimals", field=field)
    # Before quantizing: 1e999 has more digits than the context holds (InvalidOperation).
    if amount >= MAX_AMOUNT:
        raise ServiceError(f"amount must be below {MAX_AMOUNT}", field=field)
    if amount != amount.quantize(CENT):
        raise ServiceError(f"amount must be {least} with at most two decimals", field=field)
    return amount.quantize(CENT)


def format_amount(amount: Decimal) -> str:
    """The wire form of an amount: `Decimal("1.5")` -> `"1.50"` (every client sends this)."""
    return f"{amount.quantize(CENT):.2f}"
