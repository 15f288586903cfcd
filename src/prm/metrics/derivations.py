"""Metrics the system derives from its own records, kept in code.

A derivation is a function of one period that returns the values of the metrics it
computes for every partner at once, or for the partners named (``partner_ids``; their
values are exactly those of a run over every partner)::

    @derivation("deals", metric_codes=("won_deals", "won_amount"))
    def deals(period: Period, partner_ids: Collection[int] | None = None) -> Values:
        ...  # {"won_deals": {partner_id: Decimal}, ...}

It reads in a constant number of queries, whatever the number of partners, and returns
only the partners that have a value (a partner with no record gets no observation, which
is "no data", never 0). ``prm derive-metrics`` (``services.derived_materialise``) stores
the results as observations with the source "derived"; ``prm.metrics.live`` re-derives one
derivation for the partners and periods a change touches, shortly after it.

A derivation for a capability that is not built yet (tickets, certifications) is simply not
registered. Definitions follow the standard ones of ``docs/user-guide/metrics.md``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from prm.metrics.periods import Period

Values = dict[str, dict[int, Decimal]]
Compute = Callable[[Period, Collection[int] | None], Values]
ZERO = Decimal("0")


@dataclass(frozen=True)
class Derivation:
    name: str
    metric_codes: tuple[str, ...]
    compute: Compute
    # Kinds worth materialising: non-additive figures (p90) must be computed per period,
    # additive ones may be rolled up from months.
    description: str = ""


_registry: dict[str, Derivation] = {}


def derivation(name: str, *, metric_codes: tuple[str, ...] | list[str], description: str = ""):
    def register(func: Compute) -> Compute:
        _registry[name] = Derivation(name, tuple(metric_codes), func, description or func.__doc__)
        return func

    return register


def registry() -> dict[str, Derivation]:
    return dict(_registry)


def get(name: str) -> Derivation | None:
    return _registry.get(name)


def percentile_inclusive(values: list[float | int | Decimal], fraction: float) -> Decimal:
    """The ``fraction`` percentile with linear interpolation between closest ranks
    (Excel's PERCENTILE.INC, ``statistics.quantiles(method="inclusive")``)."""
    ordered = sorted(Decimal(v) for v in values)
    if len(ordered) == 1:
        return ordered[0]
    position = Decimal(str(fraction)) * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    weight = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * weight


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if not denominator else numerator / denominator


def _for_partners(queryset, field: str, partner_ids: Collection[int] | None):
    if partner_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": list(partner_ids)})


# -- supplier deliveries ---------------------------------------------------------------


@derivation(
    "deliveries",
    metric_codes=(
        "total_lines",
        "on_time_lines",
        "received_lines",
        "lead_time_days_total",
        "lead_time_days_p90",
        "received_qty",
        "rejected_qty",
        "ordered_qty",
        "spend",
    ),
)
def deliveries(period: Period, partner_ids: Collection[int] | None = None) -> Values:
    """Supplier delivery figures from purchase-order lines.

    A line is *due* in the period of its promised date once it was received or its promised
    date has passed (an open line not yet due counts nowhere); it is on time when received
    on or before the promised date. Lead time, received and rejected quantities count in
    the period of the received date; spend (in KRW) and the ordered quantity in the period
    of the order date.
    """
    from prm.core import access
    from prm.metrics.models import DeliveryLine

    today = timezone.localdate()
    lines = (
        _for_partners(access.unrestricted(DeliveryLine), "supplier_id", partner_ids)
        .filter(
            _any_date_in(period, "promised_date")
            | _any_date_in(period, "received_date")
            | _any_date_in(period, "order_date")
        )
        .values_list(
            "supplier_id",
            "order_date",
            "promised_date",
            "received_date",
            "qty_ordered",
            "qty_received",
            "qty_rejected",
            "amount_krw",
        )
        .order_by()
    )
    out: Values = defaultdict(dict)
    lead_times: dict[int, list[int]] = defaultdict(list)

    def add(code: str, partner: int, value: Decimal) -> None:
        out[code][partner] = out[code].get(partner, ZERO) + value

    for supplier, ordered, promised, received, q_ord, q_rec, q_rej, krw in lines:
        if period.contains(promised) and (received is not None or promised < today):
            add("total_lines", supplier, Decimal(1))
            add(
                "on_time_lines",
                supplier,
                Decimal(int(received is not None and received <= promised)),
            )
        if received is not None and period.contains(received):
            add("received_lines", supplier, Decimal(1))
            days = (received - ordered).days
            add("lead_time_days_total", supplier, Decimal(days))
            lead_times[supplier].append(days)
            add("received_qty", supplier, q_rec)
            add("rejected_qty", supplier, q_rej)
        if period.contains(ordered):
            add("spend", supplier, krw)
            add("ordered_qty", supplier, q_ord)
    for supplier, days in lead_times.items():
        out["lead_time_days_p90"][supplier] = percentile_inclusive(days, 0.9)
    return dict(out)


def _any_date_in(period: Period, field: str):
    from django.db.models import Q

    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


# -- deals (prm.sales) -----------------------------------------------------------------


@derivation("deals", metric_codes=("won_deals", "won_amount", "lost_deals", "closed_deals"))
def deals(period: Period, partner_ids: Collection[int] | None = None) -> Values:
    """Won deals (count and amount in KRW, in the period of the day they were won) and
    closed deals (won or lost), the parts of the win rate."""
    from prm.core import access
    from prm.metrics.currency import to_krw
    from prm.sales.models import Deal

    out: Values = defaultdict(dict)

    def add(code: str, partner: int, value: Decimal) -> None:
        out[code][partner] = out[code].get(partner, ZERO) + value

    won = (
        _for_partners(access.unrestricted(Deal), "partner_id", partner_ids)
        .filter(
            stage__is_won=True,
            won_at__date__gte=period.start,
            won_at__date__lte=period.end,
        )
        .values_list("partner_id", "amount", "currency")
        .order_by()
    )
    for partner, amount, currency in won:
        add("won_deals", partner, Decimal(1))
        add("closed_deals", partner, Decimal(1))
        add("won_amount", partner, to_krw(amount, currency))
    lost = (
        _for_partners(access.unrestricted(Deal), "partner_id", partner_ids)
        .filter(
            stage__is_lost=True,
            lost_at__date__gte=period.start,
            lost_at__date__lte=period.end,
        )
        .values_list("partner_id", flat=True)
        .order_by()
    )
    for partner in lost:
        add("lost_deals", partner, Decimal(1))
        add("closed_deals", partner, Decimal(1))
    # A partner that closed deals and won none won 0 (its win rate is 0 %, not "no data").
    for partner in out.get("closed_deals", {}):
        out["won_deals"].setdefault(partner, ZERO)
        out["lost_deals"].setdefault(partner, ZERO)
    return dict(out)


# -- leads (prm.leads) -----------------------------------------------------------------


@derivation("leads", metric_codes=("open_leads",))
def leads(period: Period, partner_ids: Collection[int] | None = None) -> Values:
    """Leads a partner holds (offered or accepted) — a snapshot, so only the period that
    contains today has a value; past periods keep what was stored then."""
    from django.db.models import Count

    from prm.core import access
    from prm.leads.models import OPEN_STATUSES, Lead

    if not period.contains(timezone.localdate()):
        return {}
    rows = (
        _for_partners(access.unrestricted(Lead), "partner_id", partner_ids)
        .filter(status__in=OPEN_STATUSES, partner__isnull=False)
        .values("partner_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {"open_leads": {row["partner_id"]: Decimal(row["n"]) for row in rows}}


# -- revenue: won deals and reseller sales ---------------------------------------------


@derivation("revenue", metric_codes=("reseller_sales", "revenue"))
def revenue(period: Period, partner_ids: Collection[int] | None = None) -> Values:
    """Revenue in KRW: won deal amounts plus the sales resellers reported, by date."""
    from prm.metrics.selectors import reseller_sales_by_partner, won_amount_by_partner

    span = {"start": period.start, "end": period.end, "partner_ids": partner_ids}
    sales = reseller_sales_by_partner(**span)
    won = won_amount_by_partner(**span)
    total: dict[int, Decimal] = dict(sales)
    for partner, amount in won.items():
        total[partner] = total.get(partner, ZERO) + amount
    return {"reseller_sales": sales, "revenue": total}
