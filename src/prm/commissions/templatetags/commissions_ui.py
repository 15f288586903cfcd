from decimal import Decimal

from django import template
from django.utils.formats import number_format

from prm.commissions import engine

register = template.Library()


@register.filter
def money(value, currency: str = engine.DEFAULT_CURRENCY) -> str:
    """An amount with the currency's decimals and the locale's separators."""
    if value is None or value == "":
        return "—"
    try:
        places = engine.minor_unit(currency)
    except engine.UnknownCurrency:
        places = 2
    return number_format(Decimal(value), decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def rate(value) -> str:
    if value is None:
        return "—"
    return format(Decimal(value).normalize(), "f")


@register.filter
def seoul_date(value):
    return engine.seoul_date(value) if value else None
