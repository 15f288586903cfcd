"""Reads of metrics and observations.

The ``*_for`` and ``*_by_partner`` functions are system-level reads for other capabilities
(scorecards, tiers, reviews, risks): their callers already checked who may see what. The
``*_list`` functions serve pages, the API and exports and go through the access layer.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, QuerySet, Sum

from prm.core import access
from prm.core.access import Action
from prm.metrics.currency import to_krw
from prm.metrics.models import DeliveryLine, Metric, Observation, ResellerSale, Rollup
from prm.metrics.periods import GRANULARITY, Period, PeriodKind
from prm.partners.selectors import filled

PLACES = Decimal("0.0001")
ZERO = Decimal("0")


# -- rolled-up values ------------------------------------------------------------------


def metrics_with_parts(codes: Iterable[str]) -> dict[int, Metric]:
    """The metrics of ``codes`` by id, and the numerator and denominator of each that is a
    ratio (its value is computed from theirs)."""
    found = {
        metric.pk: metric
        for metric in access.unrestricted(Metric)
        .filter(code__in=set(codes))
        .select_related("numerator", "denominator")
    }
    for metric in list(found.values()):
        if metric.rollup == Rollup.RATIO:
            for part in (metric.numerator, metric.denominator):
                if part is not None:
                    found.setdefault(part.pk, part)
    return found


def values_for(
    *,
    metric_codes: Iterable[str],
    partner_ids: Iterable[int] | QuerySet | None,
    period: Period,
) -> dict[tuple[int, str], Decimal]:
    """``{(partner_id, metric_code): value}`` of each metric over ``period``.

    A value stored for exactly the period is used as it is. Otherwise the observations
    inside the period are rolled up as the metric says, from the coarsest kind that has
    any (a quarter from its months when there are months, else from days; kinds are never
    mixed, so nothing is counted twice): SUM adds them, AVERAGE averages them, LAST takes
    the latest. A RATIO divides its numerator's value by its denominator's (each rolled
    up the same way) times the multiplier; without its parts, its own observations are
    averaged. A missing value is absent from the result, never 0; a ratio over a zero
    denominator is absent too. Three queries at most, whatever the number of partners;
    ``partner_ids`` may be a queryset of partner ids, read as a subquery.
    """
    codes = set(metric_codes)
    if not codes:
        return {}
    needed = metrics_with_parts(codes)
    metrics = [metric for metric in needed.values() if metric.code in codes]
    if not metrics:
        return {}
    queryset = access.unrestricted(Observation).filter(
        metric_id__in=list(needed),
        period_kind__in=period.finer_or_equal_kinds(),
        period_start__gte=period.start,
        period_start__lte=period.end,
    )
    if partner_ids is not None:
        if not isinstance(partner_ids, QuerySet):
            partner_ids = list(partner_ids)
            if not partner_ids:
                return {}
        queryset = queryset.filter(partner_id__in=partner_ids)
    rows = (
        queryset.values_list("partner_id", "metric_id", "period_kind")
        .annotate(total=Sum("value"), n=Count("id"), last=Max("period_start"))
        .order_by()
    )
    # (partner, metric) → (rank, kind, total, count, last start) of the coarsest kind
    chosen: dict[tuple[int, int], tuple] = {}
    rank = GRANULARITY
    for partner, metric_id, kind, total, n, last in rows:
        key = (partner, metric_id)
        current = chosen.get(key)
        if current is None or rank[kind] > current[0]:
            chosen[key] = (rank[kind], kind, total, n, last)
    last_ids = {pk for pk, m in needed.items() if m.rollup == Rollup.LAST}
    last_values: dict[tuple[int, int], Decimal] = {}
    if last_ids and any(key[1] in last_ids for key in chosen):
        latest = queryset.filter(metric_id__in=last_ids).values_list(
            "partner_id", "metric_id", "period_kind", "period_start", "value"
        )
        for partner, metric_id, kind, start, value in latest.order_by():
            row = chosen.get((partner, metric_id))
            if row is not None and row[1] == kind and row[4] == start:
                last_values[(partner, metric_id)] = value

    def plain(key: tuple[int, int], metric: Metric) -> Decimal | None:
        row = chosen.get(key)
        if row is None or row[2] is None:
            return None
        total, n = row[2], row[3]
        if not isinstance(total, Decimal):
            total = Decimal(total)
        if metric.rollup == Rollup.SUM or (n == 1 and metric.rollup != Rollup.LAST):
            return total
        if metric.rollup == Rollup.LAST:
            return last_values.get(key)
        return total / n  # AVERAGE, and a RATIO's own observations

    def is_ratio(metric: Metric) -> bool:
        return metric.rollup == Rollup.RATIO and bool(metric.numerator_id and metric.denominator_id)

    result: dict[tuple[int, str], Decimal] = {}
    by_pk = {m.pk: m for m in metrics if not is_ratio(m)}
    for key in chosen:
        metric = by_pk.get(key[1])
        if metric is not None:
            value = plain(key, metric)
            if value is not None:
                result[(key[0], metric.code)] = value.quantize(PLACES, ROUND_HALF_UP)
    for metric in metrics:
        if not is_ratio(metric):
            continue
        involved = (metric.pk, metric.numerator_id, metric.denominator_id)
        for partner in {p for p, pk in chosen if pk in involved}:
            top = plain((partner, metric.numerator_id), metric.numerator)
            bottom = plain((partner, metric.denominator_id), metric.denominator)
            if top is not None and bottom is not None:
                value = None if bottom == 0 else top / bottom * metric.multiplier
            else:
                value = plain((partner, metric.pk), metric)
            if value is not None:
                result[(partner, metric.code)] = value.quantize(PLACES, ROUND_HALF_UP)
    return result


def series_for(*, metric_code: str, partner_id: int, periods: list[Period]) -> list[Decimal | None]:
    """The metric's value for the partner in each period (None: no data), in order."""
    return [
        values_for(metric_codes=[metric_code], partner_ids=[partner_id], period=period).get(
            (partner_id, metric_code)
        )
        for period in periods
    ]


# -- money by partner ------------------------------------------------------------------


def spend_by_partner(*, start: datetime.date, end: datetime.date) -> dict[int, Decimal]:
    """Supplier spend in KRW: the amounts of the delivery lines ordered from ``start`` to
    ``end`` (inclusive), converted at the rate table of ``prm.metrics.currency``."""
    rows = (
        access.unrestricted(DeliveryLine)
        .filter(order_date__gte=start, order_date__lte=end)
        .values("supplier_id")
        .annotate(total=Sum("amount_krw"))
        .order_by()
    )
    return {row["supplier_id"]: Decimal(row["total"]) for row in rows if row["total"] is not None}


def reseller_sales_by_partner(
    *, start: datetime.date, end: datetime.date, partner_ids: Iterable[int] | None = None
) -> dict[int, Decimal]:
    rows = access.unrestricted(ResellerSale).filter(date__gte=start, date__lte=end)
    if partner_ids is not None:
        rows = rows.filter(reseller_id__in=list(partner_ids))
    rows = rows.values("reseller_id").annotate(total=Sum("amount_krw")).order_by()
    return {row["reseller_id"]: Decimal(row["total"]) for row in rows if row["total"] is not None}


def won_amount_by_partner(
    *, start: datetime.date, end: datetime.date, partner_ids: Iterable[int] | None = None
) -> dict[int, Decimal]:
    """Amounts (KRW) of the deals won from ``start`` to ``end`` (of ``partner_ids`` only,
    when given)."""
    from prm.sales.models import Deal

    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    won = access.unrestricted(Deal).filter(
        stage__is_won=True, won_at__date__gte=start, won_at__date__lte=end
    )
    if partner_ids is not None:
        won = won.filter(partner_id__in=list(partner_ids))
    won = won.values_list("partner_id", "amount", "currency").order_by()
    for partner, amount, currency in won:
        totals[partner] += to_krw(amount, currency)
    return dict(totals)


def revenue_by_partner(*, start: datetime.date, end: datetime.date) -> dict[int, Decimal]:
    """Revenue in KRW from ``start`` to ``end``: won deals plus reseller sales."""
    totals = dict(reseller_sales_by_partner(start=start, end=end))
    for partner, amount in won_amount_by_partner(start=start, end=end).items():
        totals[partner] = totals.get(partner, ZERO) + amount
    return totals


# -- lists for pages, the API and exports ----------------------------------------------


def metric_list(*, user, params=None, request=None):
    from prm.metrics.filters import MetricFilter

    queryset = access.scope(user, Metric).select_related("numerator", "denominator")
    filterset = MetricFilter(filled(params), queryset=queryset, request=request)
    return filterset, filterset.qs if filterset.is_valid() else queryset.none()


def observation_list(*, user, params=None, request=None):
    from prm.metrics.filters import ObservationFilter

    queryset = access.scope(user, Observation).select_related("metric", "partner")
    filterset = ObservationFilter(filled(params), queryset=queryset, request=request)
    return filterset, filterset.qs if filterset.is_valid() else queryset.none()


def delivery_line_list(*, user, params=None, request=None):
    from prm.metrics.filters import DeliveryLineFilter

    queryset = access.scope(user, DeliveryLine).select_related("supplier")
    filterset = DeliveryLineFilter(filled(params), queryset=queryset, request=request)
    return filterset, filterset.qs if filterset.is_valid() else queryset.none()


def reseller_sale_list(*, user, params=None, request=None):
    from prm.metrics.filters import ResellerSaleFilter

    queryset = access.scope(user, ResellerSale).select_related("reseller")
    filterset = ResellerSaleFilter(filled(params), queryset=queryset, request=request)
    return filterset, filterset.qs if filterset.is_valid() else queryset.none()


def partner_metric_table(*, user, partner, kind: str = PeriodKind.MONTH, n: int = 6, until=None):
    """The partner's values of every active metric over the last ``n`` periods (a page's
    table): ``(periods, [(metric, [value or None, ...]), ...])``."""
    from django.utils import timezone

    from prm.metrics.periods import last_n

    partner = access.get_object(user, type(partner), Action.VIEW, pk=partner.pk)
    periods = last_n(kind, n, until=until or timezone.localdate())
    metrics = list(access.scope(user, Metric).filter(active=True))
    codes = [m.code for m in metrics]
    by_period = [
        values_for(metric_codes=codes, partner_ids=[partner.pk], period=p) for p in periods
    ]
    rows = []
    for metric in metrics:
        values = [values.get((partner.pk, metric.code)) for values in by_period]
        if any(v is not None for v in values):
            rows.append((metric, values))
    return periods, rows


# -- supplier delivery figures (the deliveries page) -----------------------------------


class DeliveryFigures:
    """A supplier's delivery figures over one period, computed from its lines."""

    def __init__(self, values: dict[str, Decimal]):
        self.values = values
        get = values.get
        self.total_lines = get("total_lines")
        self.on_time_lines = get("on_time_lines")
        self.received_lines = get("received_lines")
        self.on_time_rate = _percent(get("on_time_lines"), get("total_lines"))
        self.lead_time_days_avg = _share(get("lead_time_days_total"), get("received_lines"))
        self.lead_time_days_p90 = get("lead_time_days_p90")
        self.rejection_rate = _percent(get("rejected_qty"), get("received_qty"))
        self.received_qty = get("received_qty")
        self.rejected_qty = get("rejected_qty")
        self.spend = get("spend")


def _share(top: Decimal | None, bottom: Decimal | None) -> Decimal | None:
    if top is None or not bottom:
        return None
    return (top / bottom).quantize(PLACES)


def _percent(top: Decimal | None, bottom: Decimal | None) -> Decimal | None:
    if not bottom:
        return None
    return ((top or ZERO) / bottom * 100).quantize(PLACES)


def delivery_figures(*, period: Period, supplier_ids: Iterable[int] | None = None):
    """``{supplier_id: DeliveryFigures}`` over ``period``, computed live from the delivery
    lines by the ``deliveries`` derivation (the same definitions as the stored
    observations; the p90 is exact for any period)."""
    from prm.metrics.derivations import get

    values = get("deliveries").compute(period)
    wanted = None if supplier_ids is None else set(supplier_ids)
    by_supplier: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for code, by_partner in values.items():
        for partner, value in by_partner.items():
            if wanted is None or partner in wanted:
                by_supplier[partner][code] = value
    return {partner: DeliveryFigures(v) for partner, v in by_supplier.items()}
