"""Samples of the scorecards app's models for the generated access tests (tests/access).

KPIs and templates are reference data staff read (a partner sees the KPIs of its own
scorecards in their breakdown, which is a snapshot).
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.db import models
from django.utils import timezone

from tests.access.samples import Side, generic


def kpi(model: type[models.Model], side: Side) -> models.Model:
    found, _created = model.objects.get_or_create(
        code=f"sample_kpi_{side.key}",
        defaults={
            # KPI definitions are staff-only reading; the marker shows in staff exports.
            "name_ko": side.text(model, 120),
            "name_en": side.text(model, 120),
            "formula": "won_deals / closed_deals * 100",
            "target": Decimal(50),
        },
    )
    return found


def template(model: type[models.Model], side: Side) -> models.Model:
    from prm.scorecards.models import KPI, StandingBand, TemplateKPI

    found, created = model.objects.get_or_create(
        name_en=f"Sample template {side.key}",
        defaults={"name_ko": "샘플 템플릿", "period_kind": "quarter"},
    )
    if created:
        found.partner_types.set(["reseller", "supplier"])
        TemplateKPI.objects.create(template=found, kpi=side.sample(KPI), weight=Decimal(100))
        StandingBand.objects.create(
            template=found, standing="good", min_score=Decimal(0), max_score=Decimal(100)
        )
    return found


def template_line(model: type[models.Model], side: Side) -> models.Model:
    from prm.scorecards.models import ScorecardTemplate

    return side.sample(ScorecardTemplate).lines.first()


def band(model: type[models.Model], side: Side) -> models.Model:
    from prm.scorecards.models import ScorecardTemplate

    return side.sample(ScorecardTemplate).bands.first()


def target(model: type[models.Model], side: Side) -> models.Model:
    from prm.scorecards.models import KPI

    return model.objects.create(kpi=side.sample(KPI), partner=side.partner, target=Decimal(40))


def result(model: type[models.Model], side: Side) -> models.Model:
    from prm.scorecards.models import ScorecardTemplate

    return model.objects.create(
        partner=side.partner,
        template=side.sample(ScorecardTemplate),
        period_kind="quarter",
        period_start=datetime.date(2026, 7, 1),
        score=Decimal("72.50"),
        standing="good",
        snapshot={
            "kpis": [
                {
                    "code": "sample_kpi",
                    "name_ko": side.marker,
                    "name_en": side.marker,
                    "formula": "won_deals / closed_deals * 100",
                    "value": "72.5",
                    "score": "72.50",
                    "weight": "100",
                    "effective_weight": "100",
                    "inputs": {"won_deals": "29", "closed_deals": "40"},
                }
            ]
        },
        computed_at=timezone.now(),
    )


FACTORIES = {
    "scorecards.KPI": kpi,
    "scorecards.ScorecardTemplate": template,
    "scorecards.TemplateKPI": template_line,
    "scorecards.StandingBand": band,
    "scorecards.Target": target,
    "scorecards.ScorecardResult": result,
    "scorecards.Dispute": generic,
    "scorecards.DisputeMessage": generic,
}

UNRESTRICTED_MODELS = {
    "scorecards.KPI": "KPI definitions (reference data defined by admins; a partner sees "
    "KPI names and formulas on its own scorecard)",
    "scorecards.ScorecardTemplate": "scorecard templates (reference data defined by admins)",
    "scorecards.TemplateKPI": "the KPI weights of a template (reference data)",
    "scorecards.StandingBand": "the standing bands of a template (reference data)",
}

_RESULT = "scorecards.ScorecardResult"
PARAM_MODELS = {
    ("scorecards:result_detail", "result_id"): _RESULT,
    ("scorecards:result_recompute", "result_id"): _RESULT,
    ("scorecards:portal_detail", "result_id"): _RESULT,
    ("scorecards:portal_dispute_open", "result_id"): _RESULT,
    ("scorecards:kpi_detail", "kpi_id"): "scorecards.KPI",
    ("scorecards:kpi_edit", "kpi_id"): "scorecards.KPI",
    ("scorecards:target_add", "kpi_id"): "scorecards.KPI",
    ("scorecards:target_delete", "target_id"): "scorecards.Target",
    ("scorecards:template_detail", "template_id"): "scorecards.ScorecardTemplate",
    ("scorecards:template_edit", "template_id"): "scorecards.ScorecardTemplate",
    ("scorecards:dispute_detail", "dispute_id"): "scorecards.Dispute",
    ("scorecards:dispute_reply", "dispute_id"): "scorecards.Dispute",
    ("scorecards:dispute_close", "dispute_id"): "scorecards.Dispute",
    ("scorecards:portal_dispute", "dispute_id"): "scorecards.Dispute",
    ("scorecards:portal_dispute_reply", "dispute_id"): "scorecards.Dispute",
    ("GET /api/v1/scorecards/{scorecard_id}", "scorecard_id"): _RESULT,
    ("GET /api/v1/kpis/{kpi_id}", "kpi_id"): "scorecards.KPI",
    ("PATCH /api/v1/kpis/{kpi_id}", "kpi_id"): "scorecards.KPI",
    ("DELETE /api/v1/kpis/{kpi_id}", "kpi_id"): "scorecards.KPI",
    ("GET /api/v1/scorecard-templates/{template_id}", "template_id"): (
        "scorecards.ScorecardTemplate"
    ),
    ("PATCH /api/v1/scorecard-templates/{template_id}", "template_id"): (
        "scorecards.ScorecardTemplate"
    ),
    ("GET /api/v1/disputes/{dispute_id}", "dispute_id"): "scorecards.Dispute",
    ("POST /api/v1/disputes/{dispute_id}/messages", "dispute_id"): "scorecards.Dispute",
    ("POST /api/v1/disputes/{dispute_id}/close", "dispute_id"): "scorecards.Dispute",
}


_codes = itertools.count(1)


def _kpi_lines(side: Side) -> list[dict]:
    from prm.scorecards.models import KPI

    return [{"kpi": side.sample(KPI).code, "weight": "100"}]


# Request-body values the generated API tests send (tests/access/openapi.py).
FIELD_VALUES = {
    # A valid code (KPIs and metrics share the pattern), new on every request.
    "code": lambda side: f"api_{side.key}_{next(_codes)}",
    "formula": lambda side: "won_deals / closed_deals * 100",
    "lines": _kpi_lines,
    "partner_types": lambda side: ["reseller"],
    # A past quarter (observations take the same labels).
    "period": lambda side: "2026-Q1",
}
