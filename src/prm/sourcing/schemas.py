"""API shapes of evaluation rounds, their rankings and evaluators' scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from prm.api.schemas import InputSchema, ObjectId


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: float
    direction: str = Field(description="benefit (higher is better) or cost (lower is better)")
    scale_min: int
    scale_max: int


class CandidateOut(Schema):
    id: int
    partner_id: int
    partner_name: str
    decision: str


class RoundOut(Schema):
    id: int
    name: str
    project_id: int
    project_name: str
    template_id: int
    template_name: str
    owner_id: int
    status: str
    due_on: date | None
    created_at: datetime

    @staticmethod
    def resolve_project_name(obj) -> str:
        return obj["project_name"] if isinstance(obj, dict) else obj.project.name

    @staticmethod
    def resolve_template_name(obj) -> str:
        return obj["template_name"] if isinstance(obj, dict) else obj.template.name


class ProgressOut(Schema):
    evaluator_id: int
    given: int
    missing: int
    submitted: bool


class RankedOut(Schema):
    candidate_id: int
    partner_id: int
    partner_name: str
    means: list[float | None]
    weighted_sum: float
    weighted_sum_rank: int
    weighted_sum_contributions: list[float] = Field(
        description="per criterion, in criteria order; they add up to weighted_sum"
    )
    topsis: float = Field(description="closeness to the ideal, 0 to 1")
    topsis_rank: int
    topsis_contributions: list[float] = Field(
        description="weighted normalised value per criterion, in criteria order"
    )


class ScoreOut(Schema):
    candidate_id: int
    criterion_id: int
    value: int
    comment: str


class RoundDetailOut(RoundOut):
    criteria: list[CriterionOut]
    candidates: list[CandidateOut]
    evaluator_ids: list[int]
    is_evaluator: bool
    submitted: bool = Field(description="whether you (as an evaluator) submitted")
    my_scores: list[ScoreOut]
    results_visible: bool = Field(
        description="evaluators see rankings only after submitting their own scores"
    )
    rankings: list[RankedOut] | None
    progress: list[ProgressOut] | None = Field(
        description="missing scores per evaluator; for the round's owner and admins"
    )


class ScoreIn(InputSchema):
    candidate: ObjectId = Field(description="candidate id (see `candidates` of the round)")
    criterion: ObjectId
    value: int = Field(description="a whole number on the criterion's scale")
    comment: str = Field("", max_length=500)


class ScoresIn(InputSchema):
    scores: list[ScoreIn] = Field(max_length=2000)
    submit: bool = Field(
        False, description="submit: every score must be given; scores then become final"
    )


class CandidateDecisionIn(InputSchema):
    decision: Literal["hold", "selected", "rejected"]
    reason: str = Field("", max_length=2000, description="required to reject")


class CandidateDecisionOut(Schema):
    id: int
    project_id: int
    partner_id: int
    partner_stage: str = Field(description="the partner's lifecycle stage after the decision")
    decision: str
    decision_reason: str
    decided_by: int | None
    decided_at: datetime | None
