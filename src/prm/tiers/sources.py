"""The figures tier requirements are checked against, read from the performance apps.

Each function reads many partners at once in a constant number of queries, and leaves a
partner out when it has no figure (never 0): a requirement without data is "not met",
shown as "no data".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from prm.metrics import selectors as metric_selectors
from prm.metrics.periods import Period, PeriodKind
from prm.scorecards import selectors as scorecard_selectors

REVENUE_METRIC = "revenue"


def revenue_quarters(as_of: datetime.date) -> list[Period]:
    """The last 4 complete quarters before ``as_of``'s quarter, oldest first."""
    last = Period.containing(PeriodKind.QUARTER, as_of).previous()
    quarters = [last]
    for _ in range(3):
        quarters.insert(0, quarters[0].previous())
    return quarters


def revenue_last_4_quarters(
    partner_ids: Iterable[int] | None, as_of: datetime.date
) -> dict[int, Decimal]:
    """Revenue (metric ``revenue``) summed over :func:`revenue_quarters`; a partner with
    no revenue observation in any of them is absent."""
    ids = None if partner_ids is None else list(partner_ids)
    totals: dict[int, Decimal] = {}
    for quarter in revenue_quarters(as_of):
        values = metric_selectors.values_for(
            metric_codes=[REVENUE_METRIC], partner_ids=ids, period=quarter
        )
        for (partner_id, _code), value in values.items():
            totals[partner_id] = totals.get(partner_id, Decimal(0)) + value
    return totals


def latest_standings(partner_ids: Iterable[int] | None) -> dict[int, str]:
    """The standing of each partner's latest scorecard result (partners without one are
    absent)."""
    ids = None if partner_ids is None else list(partner_ids)
    return {
        partner_id: result.standing
        for partner_id, result in scorecard_selectors.latest_results(partner_ids=ids).items()
        if result.standing
    }


def latest_kpi_values(
    partner_ids: Iterable[int] | None, kpi_codes: Iterable[str]
) -> dict[tuple[int, str], Decimal]:
    """The value of each KPI on each partner's latest scorecard result (KPIs without data
    are absent)."""
    codes = set(kpi_codes)
    if not codes:
        return {}
    ids = None if partner_ids is None else list(partner_ids)
    results = scorecard_selectors.latest_results(partner_ids=ids)
    return {
        (partner_id, line.code): line.value
        for partner_id, result in results.items()
        for line in result.lines
        if line.code in codes and line.value is not None
    }
