"""Reads of applications and journeys, scoped to the acting user."""

from __future__ import annotations

import statistics
from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.onboarding.filters import ApplicationFilter, JourneyFilter
from prm.onboarding.models import OPEN_STATUSES, Application, Journey, JourneyStep, StepStatus
from prm.partners.lifecycle import Stage
from prm.partners.models import Partner, TypeCode
from prm.partners.selectors import filled


def application_list(*, user: User, params=None, request=None):
    base = access.scope(user, Application).select_related("partner", "decided_by")
    filterset = ApplicationFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs.order_by("-created_at", "-id")


def application_get(*, user: User, pk) -> Application:
    return access.get_object(
        user, access.scope(user, Application).select_related("partner", "decided_by"), pk=pk
    )


def journeys_with_progress(queryset: QuerySet) -> QuerySet:
    from django.utils import timezone

    today = timezone.localdate()
    return queryset.select_related("partner", "template").annotate(
        step_count=Count("steps"),
        closed_count=Count("steps", filter=~Q(steps__status=StepStatus.OPEN)),
        overdue_count=Count(
            "steps", filter=Q(steps__status=StepStatus.OPEN, steps__due_on__lt=today)
        ),
    )


def journey_list(*, user: User, params=None, request=None):
    base = journeys_with_progress(access.scope(user, Journey))
    filterset = JourneyFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs.order_by("completed_at", "-started_at", "-id")


def journey_get(*, user: User, pk) -> Journey:
    return access.get_object(user, access.scope(user, Journey).select_related("partner"), pk=pk)


def journey_steps(*, user: User, journey: Journey) -> QuerySet:
    return access.scope(user, JourneyStep).filter(journey=journey).select_related("document")


def onboarding_without_journey(*, user: User) -> QuerySet:
    """Partners in onboarding with no journey yet that ``user`` may start one for."""
    return access.scope(user, Partner, Action.CHANGE).filter(
        stage=Stage.ONBOARDING, journey__isnull=True
    )


def time_to_onboard(*, user: User) -> list[dict]:
    """Median days from the start of onboarding to its completion, per partner type (a
    partner of several types counts in each), over the completed journeys ``user`` sees."""
    days: dict[str, list[float]] = defaultdict(list)
    journeys = (
        access.scope(user, Journey)
        .filter(completed_at__isnull=False)
        .prefetch_related("partner__types")
    )
    for journey in journeys:
        value = journey.days_to_onboard
        for partner_type in journey.partner.types.all():
            days[partner_type.code].append(value)
    labels = dict(TypeCode.choices)
    return [
        {
            "type": code,
            "label": labels.get(code, code),
            "count": len(values),
            "median_days": round(statistics.median(values), 1),
        }
        for code, values in sorted(days.items())
    ]


def portal_journey(*, user: User) -> Journey | None:
    return access.scope(user, Journey).filter(partner_id=user.partner_id).first()


def in_progress(*, user: User, limit: int = 5) -> dict:
    """The dashboard's onboarding card: open applications, journeys under way (least
    advanced first) and how many of their steps are overdue."""
    journeys = journeys_with_progress(
        access.scope(user, Journey).filter(completed_at__isnull=True)
    ).order_by("started_at", "id")
    rows = list(journeys[:limit])
    return {
        "applications": access.scope(user, Application)
        .filter(status__in=[s.value for s in OPEN_STATUSES])
        .count(),
        "journey_count": journeys.count(),
        "journeys": rows,
        "overdue": access.scope(user, JourneyStep)
        .filter(
            journey__completed_at__isnull=True,
            status=StepStatus.OPEN,
            due_on__lt=_today(),
        )
        .count(),
    }


def _today():
    from django.utils import timezone

    return timezone.localdate()
