import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prm.metrics import selectors
from prm.metrics.periods import Period
from tests.conftest import make_partner
from tests.metrics.factories import line, make_manual_metric, observe, sale

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2025-Q3")


def test_sum_rolls_up_months_into_the_quarter(partner_a, partner_b):
    observe(partner_a, "won_deals", "2025-07", 2)
    observe(partner_a, "won_deals", "2025-09", 3)
    observe(partner_a, "won_deals", "2025-10", 50)  # next quarter: not counted
    observe(partner_b, "won_deals", "2025-08", 1)
    values = selectors.values_for(metric_codes=["won_deals"], partner_ids=None, period=Q3)
    assert values == {(partner_a.pk, "won_deals"): Decimal(5), (partner_b.pk, "won_deals"): 1}


def test_a_value_stored_for_the_period_wins_over_finer_ones(partner_a):
    observe(partner_a, "won_deals", "2025-07", 2)
    observe(partner_a, "won_deals", "2025-Q3", 7)
    values = selectors.values_for(metric_codes=["won_deals"], partner_ids=[partner_a.pk], period=Q3)
    assert values == {(partner_a.pk, "won_deals"): Decimal(7)}


def test_average_last_and_missing(partner_a, partner_b):
    make_manual_metric("csat", rollup="average")
    make_manual_metric("headcount", rollup="last")
    observe(partner_a, "csat", "2025-07", 4)
    observe(partner_a, "csat", "2025-08", 5)
    observe(partner_a, "headcount", "2025-07", 10)
    observe(partner_a, "headcount", "2025-09", 12)
    observe(partner_a, "headcount", "2025-08", 11)
    values = selectors.values_for(
        metric_codes=["csat", "headcount"], partner_ids=[partner_a.pk, partner_b.pk], period=Q3
    )
    assert values == {
        (partner_a.pk, "csat"): Decimal("4.5"),
        (partner_a.pk, "headcount"): Decimal(12),
    }
    # no data for B: absent, never 0
    assert (partner_b.pk, "csat") not in values


def test_ratio_divides_the_sums_and_a_zero_denominator_is_no_data(partner_a, partner_b):
    observe(partner_a, "on_time_lines", "2025-07", 1)
    observe(partner_a, "total_lines", "2025-07", 4)
    observe(partner_a, "on_time_lines", "2025-08", 2)
    observe(partner_a, "total_lines", "2025-08", 2)
    observe(partner_b, "on_time_lines", "2025-07", 0)
    observe(partner_b, "total_lines", "2025-07", 0)
    values = selectors.values_for(metric_codes=["on_time_rate"], partner_ids=None, period=Q3)
    # (1 + 2) / (4 + 2) * 100, not the average of 25 % and 100 %
    assert values == {(partner_a.pk, "on_time_rate"): Decimal("50.0000")}


def test_query_count_does_not_grow_with_partners():
    partners = [make_partner() for _ in range(3)]
    for p in partners:
        observe(p, "won_deals", "2025-07", 1)
        observe(p, "on_time_lines", "2025-07", 1)
        observe(p, "total_lines", "2025-07", 2)
    with CaptureQueriesContext(connection) as small:
        selectors.values_for(
            metric_codes=["won_deals", "on_time_rate"], partner_ids=None, period=Q3
        )
    more = [make_partner() for _ in range(10)]
    for p in more:
        observe(p, "won_deals", "2025-08", 1)
        observe(p, "on_time_lines", "2025-08", 1)
        observe(p, "total_lines", "2025-08", 2)
    with CaptureQueriesContext(connection) as large:
        values = selectors.values_for(
            metric_codes=["won_deals", "on_time_rate"], partner_ids=None, period=Q3
        )
    assert len(values) == 26
    assert len(large) == len(small) <= 3


def test_series_for(partner_a):
    observe(partner_a, "won_deals", "2025-07", 2)
    observe(partner_a, "won_deals", "2025-09", 3)
    periods = [Period.parse(m) for m in ("2025-07", "2025-08", "2025-09")]
    assert selectors.series_for(
        metric_code="won_deals", partner_id=partner_a.pk, periods=periods
    ) == [
        Decimal(2),
        None,
        Decimal(3),
    ]


def test_spend_and_revenue_by_partner(partner_a, partner_b):
    d = datetime.date
    line(
        partner_a,
        "PO1",
        ordered="10",
        price="2.5",
        order_date=d(2025, 7, 1),
        promised=d(2025, 7, 9),
    )
    line(
        partner_a,
        "PO2",
        ordered="1",
        price="1000",
        currency="KRW",
        order_date=d(2025, 8, 1),
        promised=d(2025, 8, 9),
    )
    line(
        partner_a,
        "PO3",
        ordered="1",
        price="1000",
        order_date=d(2025, 10, 1),
        promised=d(2025, 10, 9),
    )
    assert selectors.spend_by_partner(start=Q3.start, end=Q3.end) == {
        partner_a.pk: Decimal("10") * Decimal("2.5") * 1300 + 1000
    }
    sale(partner_b, "S1", d(2025, 7, 3), "100.50")
    sale(partner_b, "S2", d(2025, 9, 30), "1", currency="KRW")
    assert selectors.revenue_by_partner(start=Q3.start, end=Q3.end) == {
        partner_b.pk: Decimal("130650") + 1
    }
