from django.contrib import admin

from prm.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin
from prm.tiers.models import TierBenefit, TierChange, TierProposal, TierRequirement


@admin.register(TierRequirement)
class TierRequirementAdmin(admin.ModelAdmin):
    list_display = ("tier", "kind", "kpi_code", "comparison", "threshold", "standing")
    list_filter = ("tier", "kind")


@admin.register(TierBenefit)
class TierBenefitAdmin(admin.ModelAdmin):
    list_display = ("tier", "discount_percent", "mdf_eligible", "lead_priority")


@admin.register(TierProposal)
class TierProposalAdmin(ScopedModelAdmin):
    list_display = ("partner", "current_tier", "proposed_tier", "direction", "status", "as_of")
    list_filter = ("status", "direction")
    raw_id_fields = ("partner",)


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyModelAdmin):
    list_display = ("partner", "from_tier", "to_tier", "changed_at", "changed_by")
