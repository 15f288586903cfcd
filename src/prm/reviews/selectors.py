"""Reads: reviews, action items and business plans scoped to the acting user, and the
progress of a plan's goals computed from the metrics' observations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from prm.accounts.models import User
from prm.core import access
from prm.metrics import selectors as metric_selectors
from prm.metrics.models import Direction
from prm.partners.selectors import filled
from prm.reviews.filters import ActionItemFilter, BusinessPlanFilter, ReviewFilter
from prm.reviews.models import ActionItem, BusinessPlan, Goal, ItemStatus, Review

HUNDRED = Decimal(100)


def _filtered(filterset, base: QuerySet) -> tuple:
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs


def review_list(*, user: User, params=None, request=None) -> tuple[ReviewFilter, QuerySet]:
    today = timezone.localdate()
    base = (
        access.scope(user, Review)
        .select_related("partner", "owner")
        .annotate(
            open_items=Count("action_items", filter=Q(action_items__status=ItemStatus.OPEN)),
            overdue_items=Count(
                "action_items",
                filter=Q(action_items__status=ItemStatus.OPEN, action_items__due_on__lt=today),
            ),
        )
        .order_by("-period_start", "partner__name", "id")
    )
    return _filtered(ReviewFilter(filled(params), queryset=base, request=request), base)


def review_get(*, user: User, pk) -> Review:
    return access.get_object(
        user, access.scope(user, Review).select_related("partner", "owner"), pk=pk
    )


def action_item_list(
    *, user: User, params=None, request=None, base: QuerySet | None = None
) -> tuple[ActionItemFilter, QuerySet]:
    if base is None:
        base = access.scope(user, ActionItem)
    base = base.select_related(
        "partner", "review", "owner_user", "owner_contact", "done_by"
    ).order_by("status", "due_on", "id")
    return _filtered(ActionItemFilter(filled(params), queryset=base, request=request), base)


def action_item_get(*, user: User, pk) -> ActionItem:
    return access.get_object(
        user,
        access.scope(user, ActionItem).select_related(
            "partner", "review", "owner_user", "owner_contact", "done_by"
        ),
        pk=pk,
    )


def plan_list(*, user: User, params=None, request=None) -> tuple[BusinessPlanFilter, QuerySet]:
    base = (
        access.scope(user, BusinessPlan)
        .select_related("partner", "owner", "agreed_by")
        .order_by("-period_start", "partner__name", "id")
    )
    return _filtered(BusinessPlanFilter(filled(params), queryset=base, request=request), base)


def plan_get(*, user: User, pk) -> BusinessPlan:
    return access.get_object(
        user, access.scope(user, BusinessPlan).select_related("partner", "owner"), pk=pk
    )


# Progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    actual: Decimal | None  # the metric rolled up over the plan's period; None: no data
    percent: Decimal | None  # attainment of the target; 100 means reached

    @property
    def bar(self) -> int:
        return int(min(max(self.percent or 0, 0), 100))

    @property
    def reached(self) -> bool:
        return self.percent is not None and self.percent >= HUNDRED


def attainment(actual: Decimal | None, target: Decimal, direction: str) -> Decimal | None:
    """How far ``actual`` is towards ``target`` in %: actual ÷ target when higher is better,
    target ÷ actual when lower is better; None when there is no data."""
    if actual is None:
        return None
    if direction == Direction.LOWER:
        if actual <= 0:
            return HUNDRED if actual <= target else Decimal(0)
        value = target / actual * HUNDRED
    else:
        if target <= 0:
            return HUNDRED if actual >= target else Decimal(0)
        value = actual / target * HUNDRED
    return max(value, Decimal(0)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def progress_for(plans: Iterable[BusinessPlan]) -> dict[int, list[GoalProgress]]:
    """Every goal's progress, by plan id: one rollup query per distinct plan period."""
    plans = list(plans)
    goals = list(
        access.unrestricted(Goal)
        .filter(plan__in=[p.pk for p in plans])
        .select_related("metric")
        .order_by("plan", "id")
    )
    by_period: dict = defaultdict(lambda: (set(), set()))
    plan_of = {p.pk: p for p in plans}
    for goal in goals:
        plan = plan_of[goal.plan_id]
        codes, partners = by_period[plan.period]
        codes.add(goal.metric.code)
        partners.add(plan.partner_id)
    values: dict = {}
    for period, (codes, partners) in by_period.items():
        values[period] = metric_selectors.values_for(
            metric_codes=sorted(codes), partner_ids=sorted(partners), period=period
        )
    result: dict[int, list[GoalProgress]] = {p.pk: [] for p in plans}
    for goal in goals:
        plan = plan_of[goal.plan_id]
        actual = values[plan.period].get((plan.partner_id, goal.metric.code))
        result[plan.pk].append(
            GoalProgress(goal, actual, attainment(actual, goal.target, goal.metric.direction))
        )
    return result


def plan_progress(plan: BusinessPlan) -> list[GoalProgress]:
    return progress_for([plan])[plan.pk]


def overall_percent(progress: list[GoalProgress]) -> Decimal | None:
    """The mean attainment of the goals that have data, each capped at 100."""
    known = [min(p.percent, HUNDRED) for p in progress if p.percent is not None]
    if not known:
        return None
    return (sum(known) / len(known)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
