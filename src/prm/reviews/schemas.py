"""API shapes of reviews, action items and business plans."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from prm.api.schemas import InputSchema, ObjectId
from prm.reviews import selectors
from prm.reviews.models import ActionItem, BusinessPlan, Review

PERIOD_HELP = "a month (2026-11), a quarter (2026-Q3) or a year (2026)"
START_HELP = "any day of the period; stored as the period's first day"
PeriodKindIn = Literal["quarter", "month", "year"]


class ReviewOut(Schema):
    id: int
    partner: int
    title: str
    period: str = Field(description=PERIOD_HELP)
    period_kind: str
    period_start: date
    period_end: date
    status: str = Field(description="planned, held or closed")
    meeting_date: date | None
    attendees: list[str]
    shared_notes: str = Field(description="meeting notes the partner reads")
    staff_notes: str | None = Field(description="staff only; null for portal users")
    owner: int | None = Field(description="user id")
    held_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj: Review) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_period(obj: Review) -> str:
        return obj.period_label

    @staticmethod
    def resolve_period_end(obj: Review) -> date:
        return obj.period.end

    @staticmethod
    def resolve_attendees(obj: Review) -> list[str]:
        return obj.attendee_list()

    @staticmethod
    def resolve_staff_notes(obj: Review, context) -> str | None:
        user = context["request"].user
        return None if getattr(user, "is_portal_role", True) else obj.staff_notes

    @staticmethod
    def resolve_owner(obj: Review) -> int | None:
        return obj.owner_id


class ReviewIn(InputSchema):
    partner: ObjectId
    period_kind: PeriodKindIn = Field(description="quarter, month or year")
    period_start: date = Field(description=START_HELP)
    title: str = Field("", max_length=200)
    meeting_date: date | None = None
    attendees: list[str] = []
    shared_notes: str = ""
    staff_notes: str = ""
    owner: ObjectId | None = None


class ReviewPatch(InputSchema):
    period_kind: PeriodKindIn = Field(None, description="quarter, month or year")
    period_start: date = Field(None, description=START_HELP)
    title: str = Field(None, max_length=200)
    status: str = Field(None, description="planned, held or closed (one step at a time)")
    meeting_date: date | None = None
    attendees: list[str] = None
    shared_notes: str = None
    staff_notes: str = None
    owner: ObjectId | None = None


class ActionItemOut(Schema):
    id: int
    partner: int
    review: int | None
    title: str
    description: str
    owner_side: str = Field(description="company or partner")
    owner_user: int | None
    owner_contact: int | None
    owner_name: str
    due_on: date | None
    status: str = Field(description="open, done or cancelled")
    overdue: bool
    done_at: datetime | None
    external_id: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj: ActionItem) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_review(obj: ActionItem) -> int | None:
        return obj.review_id

    @staticmethod
    def resolve_owner_user(obj: ActionItem) -> int | None:
        return obj.owner_user_id

    @staticmethod
    def resolve_owner_contact(obj: ActionItem) -> int | None:
        return obj.owner_contact_id

    @staticmethod
    def resolve_owner_name(obj: ActionItem) -> str:
        return obj.owner_display

    @staticmethod
    def resolve_overdue(obj: ActionItem) -> bool:
        return obj.is_overdue(timezone.localdate())


class ReviewItemIn(InputSchema):
    title: str = Field(max_length=200)
    description: str = ""
    owner_side: str = Field("company", description="company or partner")
    owner_user: ObjectId | None = None
    owner_contact: ObjectId | None = None
    due_on: date | None = None
    external_id: str = Field("", max_length=64)


class ActionItemIn(ReviewItemIn):
    partner: ObjectId
    review: ObjectId | None = None


class ActionItemPatch(InputSchema):
    review: ObjectId | None = None
    title: str = Field(None, max_length=200)
    description: str = None
    owner_side: str = None
    owner_user: ObjectId | None = None
    owner_contact: ObjectId | None = None
    due_on: date | None = None
    status: str = Field(None, description="open, done or cancelled")
    external_id: str = Field(None, max_length=64)


class CommentOut(Schema):
    id: int
    author: int | None
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> int | None:
        return obj.author_id


class CommentIn(InputSchema):
    body: str = Field(max_length=5000)


class GoalOut(Schema):
    id: int
    title: str
    metric: int = Field(description="metric id")
    metric_code: str
    metric_name: str
    unit: str
    direction: str
    target: Decimal
    actual: Decimal | None = Field(description="the metric over the plan's period; null: no data")
    percent: Decimal | None = Field(description="attainment of the target in %")
    note: str
    proposed_by: int | None


def plan_progress(plan: BusinessPlan) -> list:
    """The goals' progress, computed once per plan (a list endpoint computes the whole
    page's at once and sets it beforehand)."""
    if not hasattr(plan, "goal_progress"):
        plan.goal_progress = selectors.plan_progress(plan)
    return plan.goal_progress


class BusinessPlanOut(Schema):
    id: int
    partner: int
    title: str
    period: str
    period_kind: str
    period_start: date
    period_end: date
    status: str = Field(description="draft or agreed")
    summary: str
    owner: int | None
    agreed_at: datetime | None
    agreed_by: int | None
    progress: Decimal | None = Field(description="mean attainment of the goals with data, in %")
    goals: list[GoalOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_partner(obj: BusinessPlan) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_period(obj: BusinessPlan) -> str:
        return obj.period_label

    @staticmethod
    def resolve_period_end(obj: BusinessPlan) -> date:
        return obj.period.end

    @staticmethod
    def resolve_owner(obj: BusinessPlan) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_agreed_by(obj: BusinessPlan) -> int | None:
        return obj.agreed_by_id

    @staticmethod
    def resolve_progress(obj: BusinessPlan):
        return selectors.overall_percent(plan_progress(obj))

    @staticmethod
    def resolve_goals(obj: BusinessPlan) -> list[dict]:
        return [
            {
                "id": p.goal.pk,
                "title": p.goal.title,
                "metric": p.goal.metric_id,
                "metric_code": p.goal.metric.code,
                "metric_name": p.goal.metric.name,
                "unit": p.goal.metric.unit,
                "direction": p.goal.metric.direction,
                "target": p.goal.target,
                "actual": p.actual,
                "percent": p.percent,
                "note": p.goal.note,
                "proposed_by": p.goal.proposed_by_id,
            }
            for p in plan_progress(obj)
        ]


class GoalIn(InputSchema):
    title: str = Field(max_length=200)
    metric: ObjectId = Field(description="metric id (GET /api/v1/metrics)")
    target: Decimal = Field(max_digits=20, decimal_places=4)
    note: str = ""


class BusinessPlanIn(InputSchema):
    partner: ObjectId
    title: str = Field(max_length=200)
    period_kind: PeriodKindIn = Field(description="year, quarter or month")
    period_start: date = Field(description=START_HELP)
    summary: str = ""
    owner: ObjectId | None = None
    goals: list[GoalIn] = []


class BusinessPlanPatch(InputSchema):
    title: str = Field(None, max_length=200)
    period_kind: PeriodKindIn = Field(None, description="year, quarter or month")
    period_start: date = Field(None, description=START_HELP)
    summary: str = None
    owner: ObjectId | None = None
    status: str = Field(None, description="draft or agreed (staff agree a plan)")
