from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from prm.core.admin import ScopedModelAdmin
from prm.sales.models import (
    Account,
    Deal,
    DealActivity,
    DealConflict,
    DealPartner,
    DealRules,
    PipelineStage,
    ProductCategory,
)


@admin.register(ProductCategory)
class ProductCategoryAdmin(ScopedModelAdmin):
    list_display = ("code", "name_ko", "name_en")
    search_fields = ("code", "name_ko", "name_en")


@admin.register(PipelineStage)
class PipelineStageAdmin(ScopedModelAdmin):
    """Admins set each stage's win probability (the forecast's weights)."""

    list_display = ("code", "name_ko", "name_en", "probability", "order", "is_won", "is_lost")
    list_editable = ("probability",)
    readonly_fields = ("code", "is_won", "is_lost")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DealRules)
class DealRulesAdmin(ScopedModelAdmin):
    """One row of rules: the list leads straight to it."""

    fields = ("protection_days", "later_registration", "expiry_days", "name_threshold")

    def changelist_view(self, request, extra_context=None):
        rules = DealRules.load()
        return redirect(reverse("admin:sales_dealrules_change", args=[rules.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ScopedModelAdmin):
    list_display = ("name", "registration_number", "domain", "country", "industry")
    search_fields = ("name", "domain", "registration_number", "aliases")
    fields = ("name", "registration_number", "domain", "country", "industry", "aliases")


@admin.register(Deal)
class DealAdmin(ScopedModelAdmin):
    list_display = ("title", "partner", "account", "status", "stage", "amount", "currency")
    list_filter = ("status", "stage")
    search_fields = ("title", "account__name", "partner__name")
    readonly_fields = ("status", "decided_at", "decided_by", "registered_at", "won_at", "lost_at")


@admin.register(DealConflict)
class DealConflictAdmin(ScopedModelAdmin):
    list_display = ("deal", "conflicting_deal", "account", "reason", "score")


@admin.register(DealPartner)
class DealPartnerAdmin(ScopedModelAdmin):
    list_display = ("deal", "partner", "role")


@admin.register(DealActivity)
class DealActivityAdmin(ScopedModelAdmin):
    list_display = ("deal", "kind", "user", "at")
