from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from prm.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin
from prm.leads.models import Lead, LeadAssignment, LeadRoutingRule


class LeadRoutingRuleForm(forms.ModelForm):
    class Meta:
        model = LeadRoutingRule
        fields = (
            "name",
            "order",
            "active",
            "countries",
            "regions",
            "industries",
            "partner_types",
            "min_tier_rank",
            "capacity",
            "sla_hours",
            "default_weight",
            "weights",
        )
        widgets = {"partner_types": forms.CheckboxSelectMultiple}


@admin.register(LeadRoutingRule)
class LeadRoutingRuleAdmin(ScopedModelAdmin):
    """The ordered routing rules; the back office shows them read-only with how they work."""

    form = LeadRoutingRuleForm
    list_display = ("order", "name", "active", "capacity", "sla_hours", "default_weight")
    list_display_links = ("name",)
    list_editable = ("order", "active")
    ordering = ("order", "id")
    fieldsets = (
        (None, {"fields": ("name", "order", "active")}),
        (
            _("Which leads and partners"),
            {"fields": ("countries", "regions", "industries", "partner_types", "min_tier_rank")},
        ),
        (_("Capacity, answer time and weights"), {"fields": ("capacity", "sla_hours")}),
        (None, {"fields": ("default_weight", "weights")}),
    )


@admin.register(Lead)
class LeadAdmin(ScopedModelAdmin):
    list_display = ("company_name", "status", "partner", "country", "source", "created_at")
    list_filter = ("status", "source")
    search_fields = ("company_name", "contact_name", "external_id")
    readonly_fields = ("status", "partner", "offered_at", "sla_due", "deal_id", "source")


@admin.register(LeadAssignment)
class LeadAssignmentAdmin(ReadOnlyModelAdmin):
    list_display = ("lead", "partner", "rule_name", "response", "offered_at", "sla_due")
    list_filter = ("response",)
