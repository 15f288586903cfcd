"""The commission rule engine: pure functions over plain values, no database.

Rule precedence (the most specific active rule wins). A rule applies to a won deal when
it is active, its currency is the deal's currency, the deal's won date (Asia/Seoul) lies
within its effective dates, and every criterion it names matches (a blank criterion
matches anything). Among the rules that apply, the winner is decided by, in order:

1. a rule for this very partner beats one for any partner;
2. a rule for the deal's product category beats one for any category;
3. a rule for the partner's tier beats one for any tier;
4. a rule for one of the partner's types beats one for any type;
5. then the rule that took effect most recently, then the newest rule (highest id).

Tiered rules pay over a period's total of the deals they apply to. ``marginal`` pays each
slice of the total at its bracket's rate (like income tax); ``whole`` pays the whole total
at the rate of the bracket the total falls in. Brackets run from ``from_amount``
(inclusive) to ``to_amount`` (exclusive; blank for no upper end). Rates are percentages.

Amounts are rounded ROUND_HALF_UP to the currency's minor unit (KRW and JPY: whole units).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

SEOUL = ZoneInfo("Asia/Seoul")
HUNDRED = Decimal(100)

# ISO 4217 codes accepted for commissions, with their minor unit (decimal places).
CURRENCIES: dict[str, int] = {
    "KRW": 0,
    "USD": 2,
    "EUR": 2,
    "JPY": 0,
    "CNY": 2,
    "GBP": 2,
    "HKD": 2,
    "SGD": 2,
    "TWD": 2,
    "AUD": 2,
    "CAD": 2,
    "CHF": 2,
    "INR": 2,
    "VND": 0,
    "THB": 2,
    "IDR": 2,
    "MYR": 2,
    "PHP": 2,
}
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]
DEFAULT_CURRENCY = "KRW"


class UnknownCurrency(ValueError):
    pass


def minor_unit(currency: str) -> int:
    try:
        return CURRENCIES[currency]
    except KeyError as exc:
        raise UnknownCurrency(currency) from exc


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to the minor unit of ``currency``."""
    exponent = Decimal(1).scaleb(-minor_unit(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


# Periods -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar month or quarter in Asia/Seoul: ``start`` inclusive, ``end`` exclusive."""

    kind: str  # "month" or "quarter"
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=SEOUL)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time.min, tzinfo=SEOUL)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def parse_period(text: str) -> Period:
    """``2026-10`` (a month) or ``2026-Q4`` (a quarter); ValueError with a message otherwise."""
    value = (text or "").strip().upper()
    message = _("Give the period as YYYY-MM (a month) or YYYY-Qn (a quarter), e.g. 2026-10.")
    year_text, sep, rest = value.partition("-")
    if not sep or len(year_text) != 4 or not year_text.isdigit():
        raise ValueError(message)
    year = int(year_text)
    if year < 2000 or year > 2999:
        raise ValueError(message)
    if rest.startswith("Q") and rest[1:].isdigit() and 1 <= int(rest[1:]) <= 4:
        start = date(year, (int(rest[1:]) - 1) * 3 + 1, 1)
        return Period("quarter", start, _add_months(start, 3))
    if rest.isdigit() and len(rest) == 2 and 1 <= int(rest) <= 12:
        start = date(year, int(rest), 1)
        return Period("month", start, _add_months(start, 1))
    raise ValueError(message)


def period_of(kind: str, start: date) -> Period:
    return Period(kind, start, _add_months(start, 3 if kind == "quarter" else 1))


def seoul_date(moment: datetime) -> date:
    return moment.astimezone(SEOUL).date()


# Rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealFacts:
    """What the engine needs to know about a won deal and its partner."""

    partner_id: int
    type_codes: frozenset[str]
    tier_id: int | None
    category_id: int | None
    currency: str
    won_on: date


def rule_applies(rule, facts: DealFacts) -> bool:
    """Whether ``rule`` (any object with the rule's attributes) applies to the deal."""
    if not rule.is_active or rule.currency != facts.currency:
        return False
    if rule.effective_from and facts.won_on < rule.effective_from:
        return False
    if rule.effective_to and facts.won_on > rule.effective_to:
        return False
    if rule.partner_id and rule.partner_id != facts.partner_id:
        return False
    if rule.product_category_id and rule.product_category_id != facts.category_id:
        return False
    if rule.tier_id and rule.tier_id != facts.tier_id:
        return False
    return not (rule.partner_type and rule.partner_type not in facts.type_codes)


def precedence(rule) -> tuple:
    """Sort key: the higher, the more a rule takes precedence (see the module docstring)."""
    return (
        bool(rule.partner_id),
        bool(rule.product_category_id),
        bool(rule.tier_id),
        bool(rule.partner_type),
        rule.effective_from or date.min,
        rule.pk or 0,
    )


def select_rule(rules: Iterable, facts: DealFacts):
    """The rule that decides the deal's commission, or None when no rule applies."""
    candidates = [r for r in rules if rule_applies(r, facts)]
    return max(candidates, key=precedence) if candidates else None


# Amounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bracket:
    from_amount: Decimal
    to_amount: Decimal | None
    rate: Decimal  # percent


def percentage(amount: Decimal, rate: Decimal) -> Decimal:
    """Unrounded commission: ``rate`` percent of ``amount``."""
    return Decimal(amount) * Decimal(rate) / HUNDRED


def tiered(total: Decimal, brackets: Sequence[Bracket], mode: str) -> Decimal:
    """Unrounded commission over a period's ``total`` (``mode``: "marginal" or "whole")."""
    ordered = sorted(brackets, key=lambda b: b.from_amount)
    if total <= 0 or not ordered:
        return Decimal(0)
    if mode == "whole":
        rate = Decimal(0)
        for bracket in ordered:
            if total >= bracket.from_amount and (
                bracket.to_amount is None or total < bracket.to_amount
            ):
                rate = bracket.rate
        return percentage(total, rate)
    commission = Decimal(0)
    for bracket in ordered:
        upper = total if bracket.to_amount is None else min(total, bracket.to_amount)
        if upper > bracket.from_amount:
            commission += percentage(upper - bracket.from_amount, bracket.rate)
    return commission


def allocate(commission: Decimal, amounts: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Split a rounded ``commission`` over deals in proportion to their ``amounts``: each
    share is rounded, and the rounding difference goes to the last deal, so the lines add
    up to exactly the commission."""
    total = sum(amounts, Decimal(0))
    commission = quantize(commission, currency)
    if not amounts:
        return []
    if total == 0:
        return [Decimal(0)] * (len(amounts) - 1) + [commission]
    shares = [quantize(commission * a / total, currency) for a in amounts[:-1]]
    return [*shares, commission - sum(shares, Decimal(0))]


def effective_rate(commission: Decimal, total: Decimal) -> Decimal:
    """The percentage ``commission`` is of ``total``, to four decimal places."""
    if not total:
        return Decimal(0)
    return (commission * HUNDRED / total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
