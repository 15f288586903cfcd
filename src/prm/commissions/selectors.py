"""Reads: statements and rules, scoped to the acting user."""

from django.db.models import QuerySet

from prm.accounts.models import User
from prm.commissions.filters import RuleFilter, StatementFilter
from prm.commissions.models import (
    CommissionRule,
    CommissionStatement,
    StatementLine,
    StatementStatus,
)
from prm.core import access
from prm.partners.selectors import filled


def _released(user: User, queryset: QuerySet) -> QuerySet:
    """Partners see a statement once staff approved it: a draft may still change."""
    if getattr(user, "is_portal_role", False):
        return queryset.exclude(status=StatementStatus.DRAFT)
    return queryset


def statement_list(*, user: User, params=None, request=None) -> tuple[StatementFilter, QuerySet]:
    base = _released(
        user,
        access.scope(user, CommissionStatement)
        .select_related("partner", "approved_by")
        .order_by("-period_start", "partner__name", "currency", "id"),
    )
    filterset = StatementFilter(filled(params), queryset=base, request=request)
    return filterset, filterset.qs if filterset.is_valid() else base.none()


def statement_get(*, user: User, pk) -> CommissionStatement:
    return access.get_object(
        user,
        _released(
            user,
            access.scope(user, CommissionStatement).select_related(
                "partner", "approved_by", "paid_by"
            ),
        ),
        pk=pk,
    )


def statement_lines(*, user: User, statement: CommissionStatement) -> QuerySet:
    return (
        access.scope(user, StatementLine)
        .filter(statement=statement)
        .select_related("adjusts")
        .order_by("kind", "won_at", "id")
    )


def rule_list(*, user: User, params=None, request=None) -> tuple[RuleFilter, QuerySet]:
    base = (
        access.scope(user, CommissionRule)
        .select_related("partner", "tier", "product_category")
        .prefetch_related("brackets")
        .order_by("-effective_from", "name", "id")
    )
    filterset = RuleFilter(filled(params), queryset=base, request=request)
    return filterset, filterset.qs if filterset.is_valid() else base.none()


def rule_get(*, user: User, pk) -> CommissionRule:
    return access.get_object(
        user,
        access.scope(user, CommissionRule)
        .select_related("partner", "tier", "product_category")
        .prefetch_related("brackets"),
        pk=pk,
    )
