"""Demo data of commissions: rules by partner type (a percentage for resellers and referral
partners, tiered brackets for distributors), statements of last month for the partners with
won deals in it, and one approved statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from prm.commissions import engine, services
from prm.commissions.models import CommissionRule, CommissionStatement, RuleKind
from prm.core import access

DEMO_NOTE = "demo"
RULES = (
    # name, partner type, kind, rate, brackets
    ("데모: 리셀러 기본 5%", "reseller", RuleKind.PERCENTAGE, Decimal("5"), None),
    ("데모: 추천 파트너 3%", "referral", RuleKind.PERCENTAGE, Decimal("3"), None),
    (
        "데모: 총판 구간 수수료",
        "distributor",
        RuleKind.TIERED,
        Decimal("0"),
        [
            {"from_amount": Decimal("0"), "to_amount": Decimal("100000000"), "rate": Decimal("2")},
            {
                "from_amount": Decimal("100000000"),
                "to_amount": Decimal("500000000"),
                "rate": Decimal("3"),
            },
            {"from_amount": Decimal("500000000"), "to_amount": None, "rate": Decimal("4")},
        ],
    ),
    ("데모: 기타 파트너 2%", "", RuleKind.PERCENTAGE, Decimal("2"), None),
)


def seed(ctx) -> str:
    admin = ctx.staff["admin"]
    start = date(ctx.today.year - 2, ctx.today.month, 1)
    for name, partner_type, kind, rate, brackets in RULES:
        services.rule_create(
            actor=admin,
            data={
                "name": name,
                "partner_type": partner_type,
                "kind": kind,
                "rate": rate,
                "effective_from": start,
                "notes": DEMO_NOTE,
            },
            brackets=brackets,
        )
    this_month = date(ctx.today.year, ctx.today.month, 1)
    last_month = date(this_month.year - (this_month.month == 1), (this_month.month - 2) % 12 + 1, 1)
    period = engine.period_of("month", last_month)
    services.statements_generate(actor=None, period=period)
    statements = list(
        access.unrestricted(CommissionStatement)
        .filter(period_start=period.start, period_kind="month")
        .order_by("-total", "pk")
    )
    approved = 0
    if statements:
        services.statement_approve(actor=admin, statement=statements[0])
        approved = 1
    return (
        f"{len(RULES)} commission rules, {len(statements)} statements of {period.label} "
        f"({approved} approved)"
    )


def wipe() -> None:
    from prm.demo.seed import demo_partners

    access.unrestricted(CommissionStatement).filter(partner__in=demo_partners()).delete()
    access.unrestricted(CommissionRule).filter(notes=DEMO_NOTE).delete()
