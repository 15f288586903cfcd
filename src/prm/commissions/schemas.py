"""API shapes of commission rules and statements.

Amounts are Decimal values, answered as strings so that no precision is lost.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema, ObjectId
from prm.commissions.models import CommissionRule, CommissionStatement, StatementLine


class BracketIO(InputSchema):
    from_amount: Decimal = Field(ge=0, max_digits=18, decimal_places=2)
    to_amount: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    rate: Decimal = Field(ge=0, le=100, max_digits=7, decimal_places=4, description="percent")


class RuleOut(Schema):
    id: int
    name: str
    partner: int | None = Field(description="partner id; null for every partner")
    partner_type: str = Field(description="partner type code; empty for every type")
    tier: str | None = Field(description="tier code; null for every tier")
    product_category: str | None = Field(description="product category code; null for any")
    kind: str = Field(description="percentage or tiered")
    rate: Decimal = Field(description="percent of each won deal (percentage rules)")
    bracket_mode: str = Field(description="marginal or whole (tiered rules)")
    brackets: list[BracketIO]
    currency: str
    effective_from: date
    effective_to: date | None
    is_active: bool
    notes: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj: CommissionRule) -> int | None:
        return obj.partner_id

    @staticmethod
    def resolve_tier(obj: CommissionRule) -> str | None:
        return obj.tier.code if obj.tier_id else None

    @staticmethod
    def resolve_product_category(obj: CommissionRule) -> str | None:
        return obj.product_category.code if obj.product_category_id else None

    @staticmethod
    def resolve_brackets(obj: CommissionRule) -> list[dict]:
        return [
            {"from_amount": b.from_amount, "to_amount": b.to_amount, "rate": b.rate}
            for b in obj.brackets.all()
        ]


class RuleIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    partner: ObjectId | None = None
    partner_type: str = ""
    tier: str | None = None
    product_category: str | None = None
    kind: str = "percentage"
    rate: Decimal = Field(Decimal(0), max_digits=7, decimal_places=4)
    bracket_mode: str = "marginal"
    brackets: list[BracketIO] = []
    currency: str = "KRW"
    effective_from: date
    effective_to: date | None = None
    is_active: bool = True
    notes: str = ""


class RulePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    partner: ObjectId | None = None
    partner_type: str | None = None
    tier: str | None = None
    product_category: str | None = None
    kind: str | None = None
    rate: Decimal | None = Field(None, max_digits=7, decimal_places=4)
    bracket_mode: str | None = None
    brackets: list[BracketIO] | None = None
    currency: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    is_active: bool | None = None
    notes: str | None = None


class LineOut(Schema):
    id: int
    kind: str = Field(description="commission or adjustment")
    deal: int | None
    deal_title: str
    customer: str
    won_at: datetime | None
    deal_amount: Decimal
    rule: int | None
    rule_name: str
    rule_terms: str
    rate: Decimal = Field(description="percent applied")
    amount: Decimal
    adjusts: int | None = Field(description="id of the approved statement an adjustment corrects")
    note: str

    @staticmethod
    def resolve_deal(obj: StatementLine) -> int | None:
        return obj.deal_id

    @staticmethod
    def resolve_rule(obj: StatementLine) -> int | None:
        return obj.rule_id

    @staticmethod
    def resolve_adjusts(obj: StatementLine) -> int | None:
        return obj.adjusts_id


class StatementOut(Schema):
    id: int
    partner: int
    period: str = Field(description="2026-10 (a month) or 2026-Q4 (a quarter)")
    period_kind: str
    period_start: date
    period_end: date
    currency: str
    status: str = Field(description="draft, approved or paid")
    total: Decimal
    generated_at: datetime | None
    approved_at: datetime | None
    paid_at: datetime | None

    @staticmethod
    def resolve_partner(obj: CommissionStatement) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_period(obj: CommissionStatement) -> str:
        return obj.period_label


class StatementDetailOut(StatementOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: CommissionStatement) -> list[StatementLine]:
        return list(getattr(obj, "scoped_lines", []))


class StatementPatch(InputSchema):
    status: Literal["approved", "paid"] = Field(
        description="approved (from draft) or paid (from approved)"
    )
