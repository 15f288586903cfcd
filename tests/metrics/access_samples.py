"""Samples of the metrics app's models for the generated access tests (tests/access).

``metrics.Metric`` is reference data with its own policy (``ReferencePolicy``): staff read
every metric, admins change them, portal users read the active ones. A metric belongs to no
partner, so each side's sample is an *inactive* metric named after the side: partner A's
portal users must never reach it (they reach active metrics, which are everyone's).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from prm.metrics.currency import to_krw
from prm.metrics.models import Metric
from tests.access.samples import generic


def metric(model, side):
    return Metric._base_manager.create(
        code=f"sample_{side.key}_{side.marker.lower()}",
        name_ko=side.text(model, 120),
        name_en=side.text(model, 120),
        unit="pt",
        rollup="sum",
        active=False,
    )


def observation(model, side):
    return model._base_manager.create(
        metric=Metric._base_manager.get(code="nps"),
        partner=side.partner,
        period_kind="month",
        period_start=datetime.date(2025, 1, 1),
        value=Decimal("10"),
        note=side.text(model, 500),
    )


def delivery_line(model, side):
    return model._base_manager.create(
        supplier=side.partner,
        po_number=side.text(model, 64),
        line_number=1,
        item=side.text(model, 200),
        qty_ordered=Decimal("10"),
        qty_received=Decimal("10"),
        order_date=datetime.date(2025, 1, 1),
        promised_date=datetime.date(2025, 1, 10),
        received_date=datetime.date(2025, 1, 9),
        unit_price=Decimal("2"),
        currency="KRW",
        amount=Decimal("20"),
        amount_krw=to_krw(Decimal("20"), "KRW"),
    )


def reseller_sale(model, side):
    return model._base_manager.create(
        reseller=side.partner,
        date=datetime.date(2025, 1, 1),
        amount=Decimal("5"),
        currency="KRW",
        amount_krw=Decimal("5"),
        territory=side.text(model, 100),
        external_id=side.text(model, 64),
    )


def metric_rows(side):
    return Metric._base_manager.filter(code__startswith=f"sample_{side.key}_")


FACTORIES = {
    "metrics.Metric": metric,
    "metrics.Observation": observation,
    "metrics.DeliveryLine": delivery_line,
    "metrics.ResellerSale": reseller_sale,
}

OWNED_ROWS = {"metrics.Metric": metric_rows}

# ``generic`` is not needed: every sample above fills its fields explicitly.
_ = generic


def _observations(side):
    return [{"partner": side.partner.pk, "metric": "nps", "period": "2026-Q1", "value": 5}]


# Request-body values the generated API tests send (tests/access/openapi.py): an active,
# manual metric (the side's sample metric is inactive, so nothing could be recorded for it).
FIELD_VALUES = {
    "observations:metric": lambda side: "nps",
    "observations": _observations,
}
