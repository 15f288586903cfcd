"""Scorecard definitions and results, to look up: they change on the scorecards pages, whose
services validate formulas, weights and bands."""

from django.contrib import admin

from prm.core.admin import ReadOnlyModelAdmin
from prm.scorecards.models import (
    KPI,
    Dispute,
    DisputeMessage,
    ScorecardResult,
    ScorecardTemplate,
    StandingBand,
    Target,
    TemplateKPI,
)

for _model in (
    KPI,
    Target,
    ScorecardTemplate,
    TemplateKPI,
    StandingBand,
    ScorecardResult,
    Dispute,
    DisputeMessage,
):
    admin.site.register(_model, ReadOnlyModelAdmin)
