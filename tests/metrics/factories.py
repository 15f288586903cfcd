"""Small builders for metrics tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from prm.core import access
from prm.metrics.currency import to_krw
from prm.metrics.models import DeliveryLine, Metric, Observation, ResellerSale, Source
from prm.metrics.periods import Period


def metric(code: str) -> Metric:
    return access.unrestricted(Metric).get(code=code)


def observe(partner, code: str, label: str, value, source=Source.IMPORT) -> Observation:
    period = Period.parse(label)
    return access.unrestricted(Observation).create(
        metric=metric(code),
        partner=partner,
        period_kind=period.kind,
        period_start=period.start,
        value=Decimal(str(value)),
        source=source,
    )


def make_manual_metric(code="csat", **fields) -> Metric:
    fields.setdefault("name_ko", "고객 만족도")
    fields.setdefault("name_en", "Customer satisfaction")
    fields.setdefault("unit", "pt")
    fields.setdefault("rollup", "average")
    return access.unrestricted(Metric).create(code=code, **fields)


def line(
    supplier,
    po,
    n=1,
    *,
    ordered="10",
    received="10",
    rejected="0",
    order_date,
    promised,
    received_date=None,
    price="100",
    currency="USD",
) -> DeliveryLine:
    amount = Decimal(ordered) * Decimal(price)
    return access.unrestricted(DeliveryLine).create(
        supplier=supplier,
        po_number=po,
        line_number=n,
        qty_ordered=Decimal(ordered),
        qty_received=Decimal(received),
        qty_rejected=Decimal(rejected),
        order_date=order_date,
        promised_date=promised,
        received_date=received_date,
        unit_price=Decimal(price),
        currency=currency,
        amount=amount,
        amount_krw=to_krw(amount, currency),
    )


def sale(reseller, external_id, date: datetime.date, amount, currency="USD") -> ResellerSale:
    return access.unrestricted(ResellerSale).create(
        reseller=reseller,
        external_id=external_id,
        date=date,
        amount=Decimal(str(amount)),
        currency=currency,
        amount_krw=to_krw(Decimal(str(amount)), currency),
    )
