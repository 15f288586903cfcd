"""Commission statements in the export framework (export only: statements are generated
from won deals and approved, never imported)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.commissions import selectors
from prm.commissions.models import CommissionStatement
from prm.core import access
from prm.imports.registry import Column, Context, Entity, Outcome, RowError, register
from prm.partners.imports import partner_key


def _refuse(ctx: Context, row: dict[str, Any]) -> Outcome:
    raise RowError(gettext_lazy("Commission statements are generated, not imported."))


def export_statement(statement: CommissionStatement) -> dict[str, Any]:
    return {
        "id": statement.pk,
        "partner": partner_key(statement.partner),
        "partner_name": statement.partner.name,
        "period": statement.period_label,
        "status": str(statement.get_status_display()),
        "currency": statement.currency,
        "total": statement.total,
        "approved_at": statement.approved_at,
        "paid_at": statement.paid_at,
    }


def statements_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        rows = access.unrestricted(CommissionStatement).select_related("partner")
        return None, rows.order_by("-period_start", "partner__name", "id")
    return selectors.statement_list(user=user, params=params, request=request)


STATEMENTS = register(
    Entity(
        name="commission-statements",
        label=gettext_lazy("Commission statements"),
        model=CommissionStatement,
        natural_keys=("id",),
        columns=(
            Column("id", "id", "ID", export_only=True),
            Column("partner", "partner", "파트너", export_only=True),
            Column("partner_name", "partner_name", "파트너명", export_only=True),
            Column("period", "period", "기간", export_only=True),
            Column("status", "status", "상태", export_only=True),
            Column("currency", "currency", "통화", export_only=True),
            Column("total", "total", "합계", export_only=True),
            Column("approved_at", "approved_at", "승인 일시", export_only=True),
            Column("paid_at", "paid_at", "지급 일시", export_only=True),
        ),
        apply=_refuse,
        export_queryset=statements_for_export,
        export_row=export_statement,
        import_roles=frozenset(),
        # Partners download their own statements from the portal (PDF, XLSX).
        export_roles=frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST}),
    )
)
