"""Samples of the commissions models for the generated access tests (tests/access)."""

from __future__ import annotations

from tests.access.samples import generic


def approved_statement(model, side):
    """An approved statement: partners never see drafts, which may still change."""
    statement = generic(model, side)
    statement.status = "approved"
    statement.save(update_fields=["status"])
    return statement


FACTORIES = {
    "commissions.CommissionRule": generic,
    "commissions.CommissionBracket": generic,
    "commissions.CommissionStatement": approved_statement,
    "commissions.StatementLine": generic,
}

_STATEMENT = "commissions.CommissionStatement"
_RULE = "commissions.CommissionRule"

# URL parameters not named after their model (``statements/<pk>/``, ``rules/<pk>/``).
PARAM_MODELS = {
    **{
        (f"commissions:{name}", "pk"): _STATEMENT
        for name in (
            "statement_detail",
            "statement_approve",
            "statement_pay",
            "statement_pdf",
            "statement_xlsx",
            "portal_detail",
            "portal_pdf",
            "portal_xlsx",
        )
    },
    ("commissions:rule_edit", "pk"): _RULE,
    ("commissions:rule_delete", "pk"): _RULE,
}
