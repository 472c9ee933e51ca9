"""`{{ value|hours }}`: a Decimal of hours without trailing zeros (1.50 → 1.5, 10.00 → 10)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def hours(value):
    if not isinstance(value, Decimal):
        return value if value is not None else ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
