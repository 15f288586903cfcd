"""Demo data of metrics: the real delivery lines and reseller sales of the demo's Northwind
suppliers, AdventureWorks vendors and resellers (``prm.metrics.datasets``), moved forward by
whole years so that their last month falls in the current year, then every derived metric
materialised month by month (and per quarter and year), plus a few NPS survey results.

The sample data's own rules apply: lines whose due date precedes their order date are left
out (the import would report them). The rows are written in batches past the audit log
(thousands of generated rows; the audit log records what people and imports change).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from prm.core import access
from prm.metrics import datasets, services
from prm.metrics.currency import to_krw
from prm.metrics.models import DeliveryLine, Metric, Observation, ResellerSale, Source
from prm.metrics.periods import Period, PeriodKind
from prm.partners.models import Partner

DELIVERY_DATES = ("order date", "promised date", "received date")


def _shift(rows: list[dict[str, str]], columns, today: datetime.date) -> int:
    """Whole years that bring the latest date of ``rows`` into the current year, never
    past ``today``."""
    latest = max(
        (datetime.date.fromisoformat(row[c]) for row in rows for c in columns if row.get(c)),
        default=None,
    )
    if latest is None:
        return 0
    years = today.year - latest.year
    try:
        moved = latest.replace(year=latest.year + years)
    except ValueError:
        moved = latest.replace(year=latest.year + years, day=28)
    if moved > today:
        years -= 1
    datasets.shift_years(rows, columns, years)
    return years


def _decimal(text: str) -> Decimal:
    return Decimal(text) if text else Decimal("0")


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _lines(rows: list[dict[str, str]], partners: dict[str, int]) -> list[DeliveryLine]:
    lines = []
    for row in rows:
        amount = _decimal(row["amount"])
        lines.append(
            DeliveryLine(
                supplier_id=partners[row["supplier"]],
                po_number=row["po_number"],
                line_number=int(row["line_number"]),
                item=row["item"][:200],
                qty_ordered=_decimal(row["quantity ordered"]),
                qty_received=_decimal(row["quantity received"]),
                qty_rejected=_decimal(row["quantity rejected"]),
                order_date=_date(row["order date"]),
                promised_date=_date(row["promised date"]),
                received_date=_date(row["received date"]),
                unit_price=_decimal(row["unit price"]),
                currency=row["currency"],
                amount=amount,
                amount_krw=to_krw(amount, row["currency"]),
            )
        )
    return lines


def seed(ctx) -> str:
    root = datasets.datasets_root()
    partners = {
        p.external_id: p.pk
        for p in access.unrestricted(Partner)
        .filter(external_id__startswith="demo:")
        .only("id", "external_id")
    }
    known = partners.get
    lines: list[DeliveryLine] = []
    sales: list[ResellerSale] = []
    first_day = ctx.today
    if root is not None:
        northwind, _ = datasets.northwind_delivery_rows(
            root, supplier_ref=lambda key: _if(known, datasets.northwind_ref(key))
        )
        vendors, _ = datasets.adventureworks_delivery_rows(
            root, supplier_ref=lambda key: _if(known, datasets.vendor_ref(key)), drop_bad=True
        )
        resellers, _ = datasets.adventureworks_sale_rows(
            root, reseller_ref=lambda key: _if(known, datasets.reseller_ref(key))
        )
        for rows in (northwind, vendors):
            _shift(rows, DELIVERY_DATES, ctx.today)
            lines += _lines(rows, partners)
        _shift(resellers, ("date",), ctx.today)
        for row in resellers:
            amount = _decimal(row["amount"])
            sales.append(
                ResellerSale(
                    reseller_id=partners[row["reseller"]],
                    date=_date(row["date"]),
                    amount=amount,
                    currency=row["currency"],
                    amount_krw=to_krw(amount, row["currency"]),
                    territory=row["territory"],
                    external_id=row["external_id"],
                )
            )
        dates = [line.order_date for line in lines] + [sale.date for sale in sales]
        first_day = min(dates, default=ctx.today)
    DeliveryLine._base_manager.bulk_create(lines, batch_size=2000)
    ResellerSale._base_manager.bulk_create(sales, batch_size=2000)

    surveys = _nps(ctx)
    periods = []
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        periods += services.periods_between(kind, first_day, ctx.today)
    created = 0
    for period in periods:
        created += services.derived_materialise(period=period)["created"]
    return (
        f"{len(lines)} delivery lines, {len(sales)} reseller sales, {surveys} NPS results, "
        f"{created} derived observations over {len(periods)} periods"
    )


def _if(known, ref: str) -> str | None:
    return ref if known(ref) else None


def _nps(ctx) -> int:
    """Quarterly NPS survey results of active partners for the last four quarters."""
    metric = access.unrestricted(Metric).filter(code="nps").first()
    if metric is None:
        return 0
    quarter = Period.containing(PeriodKind.QUARTER, ctx.today).previous()
    quarters = [quarter]
    for _i in range(3):
        quarters.append(quarters[-1].previous())
    partners = [c.partner for c in ctx.companies if getattr(c, "partner", None) is not None]
    rows = []
    for partner in partners:
        if partner.stage != "active":
            continue
        base = ctx.rng.randint(-10, 70)
        for q in quarters:
            rows.append(
                Observation(
                    metric=metric,
                    partner=partner,
                    period_kind=q.kind,
                    period_start=q.start,
                    value=Decimal(max(-100, min(100, base + ctx.rng.randint(-8, 8)))),
                    source=Source.IMPORT,
                    note="demo survey",
                )
            )
    Observation._base_manager.bulk_create(rows, batch_size=2000)
    return len(rows)
