from django.contrib import admin

from prm.commissions.models import (
    CommissionBracket,
    CommissionRule,
    CommissionStatement,
    StatementLine,
)
from prm.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin, ScopedTabularInline


class BracketInline(ScopedTabularInline):
    model = CommissionBracket


@admin.register(CommissionRule)
class CommissionRuleAdmin(ScopedModelAdmin):
    list_display = ("name", "partner", "partner_type", "tier", "product_category", "kind")
    list_filter = ("kind", "is_active", "currency")
    search_fields = ("name",)
    inlines = [BracketInline]


class LineInline(ScopedTabularInline):
    model = StatementLine
    fk_name = "statement"
    can_delete = False
    readonly_fields = [f.name for f in StatementLine._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CommissionStatement)
class CommissionStatementAdmin(ReadOnlyModelAdmin):
    """Statements change only through generation and approval, which keep them frozen."""

    list_display = ("partner", "period_kind", "period_start", "currency", "status", "total")
    list_filter = ("status", "period_kind", "currency")
    list_select_related = ("partner",)
    inlines = [LineInline]


# Brackets are edited with their rule; statement lines are frozen records.
for _model in (CommissionBracket, StatementLine):
    admin.site.register(_model, ReadOnlyModelAdmin)
