"""Rows the dashboard counts: revenue observations, deals, scorecard results."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from prm.core import access
from prm.metrics.models import Metric, Observation
from prm.partners.models import Partner
from prm.sales.models import Account, Deal, PipelineStage
from prm.scorecards.models import KPI, ScorecardResult, ScorecardTemplate


def observe(partner: Partner, code: str, month: datetime.date, value) -> Observation:
    metric = access.unrestricted(Metric).get(code=code)
    obs, _created = access.unrestricted(Observation).update_or_create(
        metric=metric,
        partner=partner,
        period_kind="month",
        period_start=month.replace(day=1),
        defaults={"value": Decimal(value)},
    )
    return obs


def deal(partner: Partner, amount, *, won: bool = False, currency: str = "KRW") -> Deal:
    account = access.unrestricted(Account).create(name=f"Customer of {partner.name}")
    now = timezone.now()
    stage = PipelineStage.objects.get(code="won" if won else "qualified")
    return access.unrestricted(Deal).create(
        partner=partner,
        account=account,
        title=f"Deal of {partner.name}",
        amount=Decimal(amount),
        currency=currency,
        stage=stage,
        status="approved",
        registered_at=now,
        won_at=now if won else None,
    )


def template() -> ScorecardTemplate:
    found = ScorecardTemplate.objects.filter(name_en="Dashboard test").first()
    return found or ScorecardTemplate.objects.create(
        name_ko="대시보드 시험", name_en="Dashboard test", period_kind="month"
    )


def kpi(code: str = "on_time") -> KPI:
    found = KPI.objects.filter(code=code).first()
    return found or KPI.objects.create(code=code, name_ko=code, name_en=code, formula="1")


def result(
    partner: Partner,
    score,
    standing: str,
    *,
    month: datetime.date | None = None,
    previous: str = "",
    kpi_scores=(),
) -> ScorecardResult:
    month = (month or timezone.localdate()).replace(day=1)
    row = access.unrestricted(ScorecardResult).create(
        partner=partner,
        template=template(),
        period_kind="month",
        period_start=month,
        score=None if score is None else Decimal(score),
        standing=standing,
        previous_standing=previous,
        computed_at=timezone.now(),
        snapshot={"kpis": [_line(kpi(f"k{i}"), value) for i, value in enumerate(kpi_scores)]},
    )
    return row


def _line(line_kpi: KPI, value) -> dict:
    """A KPI line as the computation stores it in the result's snapshot."""
    return {
        "kpi": line_kpi.pk,
        "code": line_kpi.code,
        "name_ko": line_kpi.name_ko,
        "name_en": line_kpi.name_en,
        "formula": "1",
        "value": str(value),
        "score": str(value),
        "weight": "50",
        "inputs": {},
    }
