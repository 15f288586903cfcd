from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def decimal(value, places: int = 2) -> str:
    """A number with ``places`` decimals and the locale's grouping; blank for no value."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return number_format(number, decimal_pos=int(places), use_l10n=True, force_grouping=True)
