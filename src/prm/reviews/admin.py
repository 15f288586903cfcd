"""Reviews, action items and business plans in Django admin (admins only; the pages under
/reviews/ are where people work)."""

from django.contrib import admin

from prm.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin, ScopedTabularInline
from prm.reviews.models import ActionComment, ActionItem, BusinessPlan, Goal, PlanComment, Review


class ItemInline(ScopedTabularInline):
    model = ActionItem
    extra = 0
    fields = ("title", "owner_side", "owner_user", "due_on", "status")


@admin.register(Review)
class ReviewAdmin(ScopedModelAdmin):
    list_display = ("__str__", "partner", "period_kind", "period_start", "status", "owner")
    list_filter = ("status", "period_kind")
    search_fields = ("title", "partner__name")
    raw_id_fields = ("partner", "owner")
    inlines = [ItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(ScopedModelAdmin):
    list_display = ("title", "partner", "owner_side", "owner_user", "due_on", "status")
    list_filter = ("status", "owner_side")
    search_fields = ("title", "partner__name")
    raw_id_fields = ("partner", "review", "owner_user", "owner_contact", "done_by")


class GoalInline(ScopedTabularInline):
    model = Goal
    extra = 0
    fields = ("title", "metric", "target", "note")


@admin.register(BusinessPlan)
class BusinessPlanAdmin(ScopedModelAdmin):
    list_display = ("title", "partner", "period_kind", "period_start", "status")
    list_filter = ("status", "period_kind")
    search_fields = ("title", "partner__name")
    raw_id_fields = ("partner", "owner", "agreed_by")
    inlines = [GoalInline]


# Goals (edited with their plan) and comments, to look up.
for _model in (Goal, ActionComment, PlanComment):
    admin.site.register(_model, ReadOnlyModelAdmin)
