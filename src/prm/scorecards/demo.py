"""Demo data of scorecards: KPIs over the metrics the demo derives, a supplier template
(on-time delivery, lead time, rejection rate) and a reseller template (revenue against
target, win rate), and the results of the last four quarters of the partners that have
observations (the metrics demo seeds them first)."""

from __future__ import annotations

from decimal import Decimal

from prm.core import access
from prm.core.errors import BusinessError
from prm.metrics.models import Observation
from prm.metrics.periods import Period, PeriodKind
from prm.scorecards import compute, services
from prm.scorecards.models import KPI, ScorecardResult, ScorecardTemplate

KPIS = (
    # code, ko, en, formula, unit, direction, target, floor
    (
        "on_time",
        "납기 준수율",
        "On-time delivery",
        "on_time_lines / total_lines * 100",
        "%",
        "higher",
        95,
        70,
    ),
    (
        "lead_time",
        "평균 리드타임",
        "Average lead time",
        "lead_time_days_avg",
        "days",
        "lower",
        10,
        30,
    ),
    (
        "rejection",
        "불량률",
        "Rejection rate",
        "rejected_qty / received_qty * 100",
        "%",
        "lower",
        1,
        5,
    ),
    (
        "revenue_target",
        "매출 목표 달성",
        "Revenue against target",
        "revenue / 1000000",
        "백만원",
        "higher",
        300,
        0,
    ),
    ("win_rate_kpi", "수주율", "Win rate", "won_deals / closed_deals * 100", "%", "higher", 40, 10),
)
TEMPLATES = (
    (
        "공급사 스코어카드",
        "Supplier scorecard",
        ["supplier"],
        [("on_time", 40), ("lead_time", 30), ("rejection", 30)],
    ),
    (
        "리셀러 스코어카드",
        "Reseller scorecard",
        ["reseller", "distributor"],
        [("revenue_target", 60), ("win_rate_kpi", 40)],
    ),
)


def seed(ctx) -> str:
    kpis = {}
    for code, ko, en, formula, unit, direction, target, floor in KPIS:
        found = KPI.objects.filter(code=code).first()
        if found is None:
            try:
                found = services.kpi_create(
                    actor=None,
                    data={
                        "code": code,
                        "name_ko": ko,
                        "name_en": en,
                        "formula": formula,
                        "unit": unit,
                        "direction": direction,
                        "target": Decimal(target),
                        "floor": Decimal(floor),
                    },
                )
            except BusinessError:  # a metric the metrics demo did not define
                ctx.log(f"KPI {code} skipped (metrics missing: {formula})")
                continue
        kpis[code] = found
    templates = []
    for ko, en, types, lines in TEMPLATES:
        template = ScorecardTemplate.objects.filter(name_en=en).first()
        usable = [(kpis[c], Decimal(w)) for c, w in lines if c in kpis]
        if template is None and usable:
            total = sum(w for _k, w in usable)
            # Weights must sum to 100: spread what a skipped KPI left.
            usable = [(k, (w * 100 / total).quantize(Decimal("0.01"))) for k, w in usable]
            usable[-1] = (usable[-1][0], Decimal(100) - sum(w for _k, w in usable[:-1]))
            template = services.template_save(
                actor=None,
                data={"name_ko": ko, "name_en": en, "period_kind": PeriodKind.QUARTER},
                partner_types=types,
                lines=usable,
            )
        if template is not None:
            templates.append(template)
    quarter = Period.containing(PeriodKind.QUARTER, ctx.today).previous()
    quarters = [quarter]
    while len(quarters) < 4:
        quarters.append(quarters[-1].previous())
    written = 0
    ids = list(
        access.unrestricted(Observation).order_by().values_list("partner_id", flat=True).distinct()
    )
    for template in templates:
        for period in reversed(quarters):
            report = compute.recompute(template=template, period=period, partner_ids=ids)
            written += report.created + report.updated
    return f"{len(kpis)} KPIs, {len(templates)} scorecard templates, {written} results"


def wipe() -> None:
    names = [en for _ko, en, _t, _l in TEMPLATES]
    templates = ScorecardTemplate.objects.filter(name_en__in=names)
    access.unrestricted(ScorecardResult).filter(template__in=templates).delete()
    templates.delete()
    KPI.objects.filter(code__in=[k[0] for k in KPIS], template_lines__isnull=True).delete()
