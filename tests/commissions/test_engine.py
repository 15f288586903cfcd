"""The rule engine's arithmetic and precedence, without the database."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from prm.commissions import engine
from prm.commissions.engine import Bracket, DealFacts

D = Decimal


@dataclass
class R:
    pk: int
    partner_id: int | None = None
    partner_type: str = ""
    tier_id: int | None = None
    product_category_id: int | None = None
    currency: str = "KRW"
    is_active: bool = True
    effective_from: date = date(2026, 1, 1)
    effective_to: date | None = None


FACTS = DealFacts(
    partner_id=7,
    type_codes=frozenset({"reseller"}),
    tier_id=3,
    category_id=2,
    currency="KRW",
    won_on=date(2026, 10, 15),
)


def test_krw_rounds_half_up_to_whole_won():
    assert engine.quantize(D("1234.5"), "KRW") == D("1235")
    assert engine.quantize(D("1234.49"), "KRW") == D("1234")
    assert engine.quantize(D("2.5"), "KRW") == D("3")  # not banker's rounding
    assert engine.quantize(D("0.125"), "USD") == D("0.13")


def test_percentage_of_the_won_amount():
    assert engine.quantize(engine.percentage(D("12345678"), D("3.5")), "KRW") == D("432099")


BRACKETS = [
    Bracket(D(0), D(1000), D(1)),
    Bracket(D(1000), D(5000), D(2)),
    Bracket(D(5000), None, D(3)),
]


def test_marginal_brackets_pay_each_slice_at_its_rate():
    # 1000 x 1% + 4000 x 2% + 1000 x 3% = 10 + 80 + 30
    assert engine.tiered(D(6000), BRACKETS, "marginal") == D(120)


def test_whole_total_brackets_pay_everything_at_the_reached_rate():
    assert engine.tiered(D(6000), BRACKETS, "whole") == D(180)
    # The lower bound is inclusive, the upper one exclusive.
    assert engine.tiered(D(5000), BRACKETS, "whole") == D(150)
    assert engine.tiered(D(4999), BRACKETS, "whole") == D("99.98")


def test_allocation_adds_up_to_the_rounded_commission():
    shares = engine.allocate(D("100"), [D(1), D(1), D(1)], "KRW")
    assert shares == [D(33), D(33), D(34)]
    assert sum(shares) == D(100)


@pytest.mark.parametrize(
    ("winner", "rules"),
    [
        (2, [R(1), R(2, partner_type="reseller")]),
        (3, [R(2, partner_type="reseller"), R(3, tier_id=3)]),
        (4, [R(3, tier_id=3, partner_type="reseller"), R(4, product_category_id=2)]),
        (5, [R(4, product_category_id=2, tier_id=3), R(5, partner_id=7)]),
        (6, [R(1, effective_from=date(2025, 1, 1)), R(6, effective_from=date(2026, 2, 1))]),
    ],
)
def test_the_most_specific_rule_wins(winner, rules):
    assert engine.select_rule(rules, FACTS).pk == winner


def test_rules_that_do_not_match_are_never_chosen():
    rules = [
        R(1, partner_id=8),
        R(2, partner_type="distributor"),
        R(3, tier_id=4),
        R(4, product_category_id=9),
        R(5, currency="USD"),
        R(6, is_active=False),
        R(7, effective_from=date(2026, 10, 16)),
        R(8, effective_to=date(2026, 10, 14)),
    ]
    assert engine.select_rule(rules, FACTS) is None
    assert engine.select_rule([*rules, R(9)], FACTS).pk == 9


def test_periods_follow_the_seoul_calendar():
    period = engine.parse_period("2026-10")
    assert period.label == "2026-10"
    assert period.start_at == datetime(2026, 9, 30, 15, 0, tzinfo=ZoneInfo("UTC"))
    assert period.end_at == datetime(2026, 10, 31, 15, 0, tzinfo=ZoneInfo("UTC"))
    quarter = engine.parse_period("2026-q4")
    assert (quarter.kind, quarter.start, quarter.end) == (
        "quarter",
        date(2026, 10, 1),
        date(2027, 1, 1),
    )


@pytest.mark.parametrize("text", ["", "2026", "2026-13", "2026-Q5", "26-10", "2026-1", "abc-10"])
def test_bad_periods_are_refused_with_a_message(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        engine.parse_period(text)
