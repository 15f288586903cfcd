"""API shapes of the tier program."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema
from prm.tiers.evaluation import relabel


class RequirementOut(Schema):
    id: int
    kind: str = Field(description="revenue, standing or kpi")
    label: str
    kpi_code: str
    comparison: str = Field(description="gte (at least) or lte (at most)")
    threshold: Decimal | None
    standing: str = Field(description="excellent, good, watch or critical (standing only)")

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.describe())


class BenefitOut(Schema):
    discount_percent: Decimal
    mdf_eligible: bool
    lead_priority: int = Field(description="leads go first to partners of a higher priority")


class TierOut(Schema):
    id: int
    code: str
    name: str
    name_ko: str
    name_en: str
    rank: int
    requirements: list[RequirementOut]
    benefit: BenefitOut | None

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_requirements(obj) -> list:
        return list(obj.requirements.all())

    @staticmethod
    def resolve_benefit(obj):
        return obj.program_benefit


class CheckOut(Schema):
    requirement_id: int
    tier: str
    kind: str
    label: str
    value: str | None = Field(description="the partner's value; null when there is no data")
    threshold: str
    met: bool
    gap: str | None


class ProposalOut(Schema):
    id: int
    partner: int
    current_tier: str | None = Field(description="tier code")
    proposed_tier: str | None
    direction: str = Field(description="upgrade, downgrade or review")
    source: str = Field(description="review or scorecard")
    status: str = Field(description="pending, approved or overridden")
    reasons: list[CheckOut]
    as_of: date
    decided_by: int | None
    decided_at: datetime | None
    decided_tier: str | None
    note: str
    created_at: datetime

    @staticmethod
    def resolve_partner(obj) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_reasons(obj) -> list:
        return [relabel(reason) for reason in obj.reasons]

    @staticmethod
    def resolve_current_tier(obj):
        return obj.current_tier.code if obj.current_tier else None

    @staticmethod
    def resolve_proposed_tier(obj):
        return obj.proposed_tier.code if obj.proposed_tier else None

    @staticmethod
    def resolve_decided_tier(obj):
        return obj.decided_tier.code if obj.decided_tier else None

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by_id


class ApproveIn(InputSchema):
    note: str = Field("", max_length=2000)


class OverrideIn(InputSchema):
    note: str = Field(..., max_length=2000)
    keep: bool = Field(True, description="keep the partner's tier; false: move to `tier`")
    tier: str | None = Field(None, description="tier code to move to (null: no tier)")


class TierChangeOut(Schema):
    id: int
    partner: int
    from_tier: str | None
    to_tier: str | None
    changed_at: datetime
    proposal: int | None

    @staticmethod
    def resolve_partner(obj) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_from_tier(obj):
        return obj.from_tier.code if obj.from_tier else None

    @staticmethod
    def resolve_to_tier(obj):
        return obj.to_tier.code if obj.to_tier else None

    @staticmethod
    def resolve_proposal(obj):
        return obj.proposal_id
