"""Figures as the console's home page and reports show them."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def figure(value) -> str:
    """12345 -> "12,345"; an amount keeps its two decimals."""
    if value is None or value == "":
        return "0"
    if isinstance(value, str):  # already written out
        return value
    value = Decimal(value)
    if value != value.to_integral_value():
        return f"{value:,.2f}"
    return f"{int(value):,}"


@register.filter
def money(value) -> str:
    return f"{Decimal(value or 0):,.2f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
