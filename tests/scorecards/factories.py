"""Builders for scorecard tests."""

from __future__ import annotations

from decimal import Decimal

from prm.core import access
from prm.metrics.models import Metric, Observation, Source
from prm.metrics.periods import Period
from prm.scorecards import services
from prm.scorecards.models import KPI, ScorecardTemplate


def observe(partner, code: str, label: str, value) -> Observation:
    period = Period.parse(label)
    return access.unrestricted(Observation).create(
        metric=access.unrestricted(Metric).get(code=code),
        partner=partner,
        period_kind=period.kind,
        period_start=period.start,
        value=Decimal(str(value)),
        source=Source.IMPORT,
    )


def make_kpi(code: str, formula: str, **fields) -> KPI:
    fields.setdefault("name_ko", f"{code} (ko)")
    fields.setdefault("name_en", f"{code} (en)")
    return services.kpi_create(actor=None, data={"code": code, "formula": formula, **fields})


def supplier_template(**fields) -> ScorecardTemplate:
    """On-time rate (60) and rejection rate (40), quarterly, for suppliers."""
    on_time = make_kpi(
        "on_time",
        "on_time_lines / total_lines * 100",
        unit="%",
        target=Decimal(95),
        floor=Decimal(80),
    )
    rejection = make_kpi(
        "rejection",
        "rejected_qty / received_qty * 100",
        unit="%",
        direction="lower",
        target=Decimal(1),
        floor=Decimal(5),
    )
    return services.template_save(
        actor=None,
        data={
            "name_ko": "공급사 스코어카드",
            "name_en": "Supplier scorecard",
            "period_kind": "quarter",
            **fields,
        },
        partner_types=["supplier"],
        lines=[(on_time, Decimal(60)), (rejection, Decimal(40))],
    )
