"""API shapes of KPIs, scorecard templates, results and disputes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema, ObjectId
from prm.scorecards.models import Dispute, KPILine, ScorecardResult, ScorecardTemplate


class BandIn(InputSchema):
    min: Decimal | None = None
    max: Decimal | None = None
    score: Decimal


class KPIOut(Schema):
    id: int
    code: str
    name_ko: str
    name_en: str
    formula: str
    unit: str
    direction: str = Field(description="higher or lower (is better)")
    scoring: str = Field(description="linear or bands")
    target: Decimal | None = Field(description="default target")
    floor: Decimal | None = Field(description="default floor (scores 0)")
    bands: list[dict[str, Any]]
    description: str
    active: bool


class KPIIn(InputSchema):
    code: str = Field(max_length=63)
    name_ko: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    formula: str = Field(max_length=1000, description="e.g. on_time_lines / total_lines * 100")
    unit: str = Field("", max_length=20)
    direction: str = "higher"
    scoring: str = "linear"
    target: Decimal | None = Field(None, max_digits=20, decimal_places=4)
    floor: Decimal | None = Field(None, max_digits=20, decimal_places=4)
    bands: list[BandIn] = []
    description: str = ""
    active: bool = True


class KPIPatch(InputSchema):
    name_ko: str = Field(None, max_length=120)
    name_en: str = Field(None, max_length=120)
    formula: str = Field(None, max_length=1000)
    unit: str = Field(None, max_length=20)
    direction: str = None
    scoring: str = None
    target: Decimal | None = Field(None, max_digits=20, decimal_places=4)
    floor: Decimal | None = Field(None, max_digits=20, decimal_places=4)
    bands: list[BandIn] = None
    description: str = None
    active: bool = None


class TemplateLineOut(Schema):
    kpi: str = Field(description="KPI code")
    weight: Decimal


class StandingBandSchema(InputSchema):
    standing: str = Field(description="excellent, good, watch or critical")
    min_score: Decimal = Field(ge=0, le=100)
    max_score: Decimal = Field(ge=0, le=100)
    actions: list[str] = Field([], description="notify, open_risk, hold, tier_review")


class TemplateOut(Schema):
    id: int
    name_ko: str
    name_en: str
    period_kind: str
    partner_types: list[str]
    description: str
    active: bool
    lines: list[TemplateLineOut]
    bands: list[StandingBandSchema]

    @staticmethod
    def resolve_partner_types(obj: ScorecardTemplate) -> list[str]:
        return sorted(t.code for t in obj.partner_types.all())

    @staticmethod
    def resolve_lines(obj: ScorecardTemplate) -> list[dict]:
        return [{"kpi": line.kpi.code, "weight": line.weight} for line in obj.lines.all()]

    @staticmethod
    def resolve_bands(obj: ScorecardTemplate) -> list[dict]:
        return [
            {
                "standing": b.standing,
                "min_score": b.min_score,
                "max_score": b.max_score,
                "actions": b.actions,
            }
            for b in obj.bands.all()
        ]


class TemplateLineIn(InputSchema):
    kpi: str = Field(description="KPI code")
    weight: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)


class TemplateIn(InputSchema):
    name_ko: str = Field(max_length=120)
    name_en: str = Field(max_length=120)
    period_kind: str = "quarter"
    partner_types: list[str]
    description: str = ""
    active: bool = True
    lines: list[TemplateLineIn]
    bands: list[StandingBandSchema] | None = Field(
        None, description="default: 우수 ≥ 85, 양호 ≥ 70, 주의 ≥ 50, 위험 below"
    )


class TemplatePatch(InputSchema):
    name_ko: str = Field(None, max_length=120)
    name_en: str = Field(None, max_length=120)
    period_kind: str = None
    partner_types: list[str] = None
    description: str = None
    active: bool = None
    lines: list[TemplateLineIn] = None
    bands: list[StandingBandSchema] = None


class KPILineOut(Schema):
    code: str
    formula: str
    value: Decimal | None = Field(description="null: no data")
    target: Decimal | None
    floor: Decimal | None
    score: Decimal | None = Field(description="null: no data, weighted out")
    weight: Decimal
    effective_weight: Decimal = Field(description="weight after weighting out KPIs with no data")
    inputs: dict[str, str | None] = Field(description="metric code → value over the period")


class ScorecardOut(Schema):
    id: int
    partner: int
    template: int
    period: str = Field(description="e.g. 2026-Q3")
    period_kind: str
    period_start: date
    score: Decimal | None = Field(description="null: no KPI had data")
    standing: str = Field(description="excellent, good, watch, critical, or empty")
    previous_standing: str
    computed_at: datetime

    @staticmethod
    def resolve_partner(obj: ScorecardResult) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_template(obj: ScorecardResult) -> int:
        return obj.template_id

    @staticmethod
    def resolve_period(obj: ScorecardResult) -> str:
        return obj.period.label


class ScorecardDetailOut(ScorecardOut):
    breakdown: list[KPILineOut]
    snapshot: dict[str, Any] = Field(description="what the result was computed with")

    @staticmethod
    def resolve_breakdown(obj: ScorecardResult) -> list[KPILine]:
        return obj.lines


class DisputeMessageOut(Schema):
    id: int
    from_staff: bool
    author: int | None
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> int | None:
        return obj.author_id


class DisputeOut(Schema):
    id: int
    result: int
    partner: int
    status: str = Field(description="open, answered, resolved or recomputed")
    created_at: datetime
    closed_at: datetime | None
    messages: list[DisputeMessageOut]

    @staticmethod
    def resolve_result(obj: Dispute) -> int:
        return obj.result_id

    @staticmethod
    def resolve_partner(obj: Dispute) -> int:
        return obj.result.partner_id

    @staticmethod
    def resolve_messages(obj: Dispute) -> list:
        return list(obj.messages.all())


class DisputeIn(InputSchema):
    result: ObjectId
    body: str = Field(max_length=5000)


class DisputeMessageIn(InputSchema):
    body: str = Field(max_length=5000)


class DisputeCloseIn(InputSchema):
    outcome: Literal["resolved", "recomputed"]
    body: str = Field("", max_length=5000)


class RecomputeIn(InputSchema):
    template: ObjectId
    period: str = Field(description="e.g. 2026-Q3")
    partners: list[ObjectId] | None = None


class RecomputeOut(Schema):
    template: int
    period: str
    partners: int
    created: int
    updated: int
    unchanged: int
    standing_changes: int
