"""Admins maintain the risk categories and the scale definitions here; bands and signal
rules are set on the risk settings page (which validates them)."""

from django.contrib import admin

from prm.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin, ScopedTabularInline
from prm.risks.models import (
    Assessment,
    LevelBand,
    MitigationAction,
    PartnerRiskLevel,
    Risk,
    RiskCategory,
    RiskSignal,
    ScaleLevel,
    SignalRule,
    TrendPoint,
)


@admin.register(RiskCategory)
class RiskCategoryAdmin(ScopedModelAdmin):
    list_display = ("code", "name_ko", "name_en", "rank", "active")
    ordering = ("rank", "code")


@admin.register(ScaleLevel)
class ScaleLevelAdmin(ScopedModelAdmin):
    list_display = ("axis", "value", "name_ko", "name_en")
    list_filter = ("axis",)


@admin.register(LevelBand)
class LevelBandAdmin(ReadOnlyModelAdmin):
    list_display = ("level", "min_score", "max_score")


@admin.register(SignalRule)
class SignalRuleAdmin(ReadOnlyModelAdmin):
    list_display = ("code", "enabled", "params", "updated_at")


class AssessmentInline(ScopedTabularInline):
    model = Assessment
    fields = ("kind", "likelihood", "impact", "score", "level", "assessed_at", "assessed_by")
    readonly_fields = fields
    can_delete = False


class ActionInline(ScopedTabularInline):
    model = MitigationAction
    fields = ("title", "owner", "due_on", "status")


@admin.register(Risk)
class RiskAdmin(ScopedModelAdmin):
    list_display = ("title", "partner", "category", "level", "status", "owner", "raised_at")
    list_filter = ("status", "level", "category")
    search_fields = ("title",)
    raw_id_fields = ("partner", "owner", "raised_by", "accepted_by", "closed_by", "signal")
    readonly_fields = (
        "inherent_likelihood",
        "inherent_impact",
        "inherent_score",
        "residual_likelihood",
        "residual_impact",
        "residual_score",
        "level",
        "level_rank",
        "signal_key",
    )
    inlines = (AssessmentInline, ActionInline)


@admin.register(RiskSignal)
class RiskSignalAdmin(ReadOnlyModelAdmin):
    list_display = ("rule", "subject", "partner", "status", "last_seen_at", "risk")
    list_filter = ("rule", "status")


# Assessments, actions (edited with their risk), the derived partner levels and the
# stored trend days, to look up.
for _model in (Assessment, MitigationAction, PartnerRiskLevel, TrendPoint):
    admin.site.register(_model, ReadOnlyModelAdmin)
