from django.contrib import admin

from prm.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin
from prm.onboarding.models import (
    Application,
    AutoApprovalRule,
    Journey,
    JourneyStep,
    JourneyTemplate,
    TemplateStep,
)


class TemplateStepInline(admin.TabularInline):
    model = TemplateStep
    extra = 1
    fields = ("order", "title", "kind", "owner", "document_kind", "due_days", "description")


@admin.register(JourneyTemplate)
class JourneyTemplateAdmin(ScopedModelAdmin):
    list_display = ("name", "partner_type")
    inlines = [TemplateStepInline]


@admin.register(AutoApprovalRule)
class AutoApprovalRuleAdmin(ScopedModelAdmin):
    list_display = ("name", "partner_type", "country", "require_registration_number", "active")
    list_filter = ("active",)
    exclude = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# Applications and journeys are decided and worked on in the back office and the portal.
for _model in (Application, Journey, JourneyStep, TemplateStep):
    if not admin.site.is_registered(_model):
        admin.site.register(_model, ReadOnlyModelAdmin)
