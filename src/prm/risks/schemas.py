"""API shapes of risks, assessments, mitigation actions, signals and signal rules."""

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema, ObjectId
from prm.risks.models import Assessment, MitigationAction, Risk, RiskSignal


class RiskOut(Schema):
    id: int
    partner: int | None = Field(description="partner id; null for a program-wide risk")
    category: str = Field(description="risk category code")
    title: str
    description: str
    cause: str
    consequence: str
    owner: int | None = Field(description="user id")
    raised_at: datetime
    raised_by: int | None
    signal: str = Field(description="rule:subject of the signal that raised it, if any")
    status: str = Field(description="open or closed")
    inherent_likelihood: int | None
    inherent_impact: int | None
    inherent_score: int | None
    residual_likelihood: int | None
    residual_impact: int | None
    residual_score: int | None
    level: str = Field(description="low, medium, high, critical; empty when not assessed")
    strategy: str = Field(description="avoid, mitigate, transfer, accept or empty")
    acceptance_reason: str
    accepted_by: int | None
    accepted_at: datetime | None
    review_on: date | None
    closed_at: datetime | None
    external_id: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj: Risk) -> int | None:
        return obj.partner_id

    @staticmethod
    def resolve_category(obj: Risk) -> str:
        return obj.category_id

    @staticmethod
    def resolve_owner(obj: Risk) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_raised_by(obj: Risk) -> int | None:
        return obj.raised_by_id

    @staticmethod
    def resolve_accepted_by(obj: Risk) -> int | None:
        return obj.accepted_by_id

    @staticmethod
    def resolve_signal(obj: Risk) -> str:
        return obj.signal_key


class RiskIn(InputSchema):
    partner: ObjectId | None = Field(None, description="partner id; omit for program-wide")
    category: str = Field(description="risk category code")
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    cause: str = ""
    consequence: str = ""
    owner: ObjectId | None = None
    likelihood: int | None = Field(None, description="inherent likelihood 1..5")
    impact: int | None = Field(None, description="inherent impact 1..5")
    external_id: str = Field("", max_length=64)


class RiskPatch(InputSchema):
    category: str = None
    title: str = Field(None, min_length=1, max_length=200)
    description: str = None
    cause: str = None
    consequence: str = None
    owner: ObjectId | None = None
    strategy: str = Field(None, description="avoid, mitigate, transfer or accept")
    acceptance_reason: str = None
    review_on: date | None = None
    status: str = Field(None, description="closed to close the risk, open to reopen it")
    close_note: str = None


class AssessmentOut(Schema):
    id: int
    risk: int
    kind: str
    likelihood: int
    impact: int
    score: int
    level: str
    note: str
    assessed_at: datetime
    assessed_by: int | None

    @staticmethod
    def resolve_risk(obj: Assessment) -> int:
        return obj.risk_id

    @staticmethod
    def resolve_assessed_by(obj: Assessment) -> int | None:
        return obj.assessed_by_id


class AssessmentIn(InputSchema):
    kind: str = Field("residual", description="inherent or residual")
    likelihood: int = Field(description="1..5")
    impact: int = Field(description="1..5")
    note: str = ""


class ActionOut(Schema):
    id: int
    risk: int
    title: str
    description: str
    owner: int | None
    due_on: date | None
    status: str
    completed_at: datetime | None
    evidence_note: str
    evidence_filename: str
    overdue: bool

    @staticmethod
    def resolve_risk(obj: MitigationAction) -> int:
        return obj.risk_id

    @staticmethod
    def resolve_owner(obj: MitigationAction) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_overdue(obj: MitigationAction) -> bool:
        return obj.is_overdue()


class ActionIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner: ObjectId | None = None
    due_on: date | None = None
    status: str = "planned"


class ActionPatch(InputSchema):
    title: str = Field(None, min_length=1, max_length=200)
    description: str = None
    owner: ObjectId | None = None
    due_on: date | None = None
    status: str = Field(None, description="planned, in_progress, done or cancelled")
    evidence_note: str = None


class SignalOut(Schema):
    id: int
    rule: str
    subject: str
    partner: int | None
    risk: int | None
    status: str
    detail: str
    evidence_url: str
    first_seen_at: datetime
    last_seen_at: datetime
    times_seen: int
    resolved_at: datetime | None

    @staticmethod
    def resolve_partner(obj: RiskSignal) -> int | None:
        return obj.partner_id

    @staticmethod
    def resolve_risk(obj: RiskSignal) -> int | None:
        return obj.risk_id


class ParamOut(Schema):
    name: str
    label: str
    value: int
    min: int
    max: int
    kind: str


class RuleOut(Schema):
    code: str
    name: str
    description: str
    category: str
    events: list[str]
    enabled: bool
    params: list[ParamOut]


class RulePatch(InputSchema):
    enabled: bool = None
    params: dict[str, Any] = None
