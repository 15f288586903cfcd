"""Amounts in KRW: a small, fixed and explicit rate table.

Spend and revenue are compared across partners in one currency, KRW. Rates are not
fetched from anywhere: the table below (KRW per one unit of the currency) is the program's
planning rate, and a deployment may replace it with the ``PRM_KRW_RATES`` setting
(``{"USD": "1350", ...}``). A currency missing from the table cannot be converted and is
refused when a line is stored.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# KRW per unit of currency (planning rates, rounded).
DEFAULT_KRW_RATES: dict[str, Decimal] = {
    "KRW": Decimal("1"),
    "USD": Decimal("1300"),
    "EUR": Decimal("1400"),
    "JPY": Decimal("9"),
    "CNY": Decimal("180"),
    "GBP": Decimal("1650"),
    "HKD": Decimal("165"),
    "SGD": Decimal("970"),
    "TWD": Decimal("40"),
    "AUD": Decimal("850"),
    "CAD": Decimal("950"),
    "CHF": Decimal("1480"),
    "VND": Decimal("0.053"),
    "THB": Decimal("37"),
}

CURRENCY_CHOICES = [(code, code) for code in DEFAULT_KRW_RATES]


def krw_rates() -> dict[str, Decimal]:
    overrides = getattr(settings, "PRM_KRW_RATES", None) or {}
    rates = dict(DEFAULT_KRW_RATES)
    rates.update({code.upper(): Decimal(str(rate)) for code, rate in overrides.items()})
    return rates


def validate_currency(value: str) -> None:
    if value not in krw_rates():
        raise ValidationError(
            _("%(value)s is not a currency with a KRW rate (ISO 4217 code such as KRW, USD)."),
            code="currency",
            params={"value": value},
        )


def to_krw(amount: Decimal, currency: str) -> Decimal:
    """``amount`` in KRW at the table's rate, to the won (two decimals kept for the sum)."""
    rate = krw_rates().get((currency or "KRW").upper())
    if rate is None:
        raise ValidationError(
            _("%(value)s is not a currency with a KRW rate (ISO 4217 code such as KRW, USD)."),
            code="currency",
            params={"value": currency},
        )
    return (Decimal(amount) * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
