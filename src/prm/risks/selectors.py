"""Reads: the register, the heat map, the trend, top risks and overdue actions, scoped to the
acting user (staff only: partners never see risks)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from prm.accounts.models import User
from prm.core import access
from prm.partners.selectors import filled
from prm.risks import scoring
from prm.risks.filters import ActionFilter, RiskFilter, SignalFilter
from prm.risks.models import (
    FINISHED_ACTIONS,
    LEVEL_BADGES,
    Assessment,
    AssessmentKind,
    Axis,
    Level,
    MitigationAction,
    Risk,
    RiskSignal,
    ScaleLevel,
    Status,
)


def _base(user: User) -> QuerySet:
    return access.scope(user, Risk).select_related("partner", "category", "owner")


def risk_list(*, user: User, params=None, request=None) -> tuple[RiskFilter, QuerySet]:
    base = _base(user).annotate(current=Coalesce("residual_score", "inherent_score"))
    filterset = RiskFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    queryset = filterset.qs
    ordering = (
        list(queryset.query.order_by)
        if filterset.form.cleaned_data.get("sort")
        else ["-level_rank", F("current").desc(nulls_last=True), "-raised_at"]
    )
    return filterset, queryset.order_by(*ordering, "-id")


def risk_get(*, user: User, pk) -> Risk:
    return access.get_object(
        user, _base(user).select_related("signal", "accepted_by", "closed_by"), pk=pk
    )


def open_filtered(*, user: User, params=None, request=None) -> tuple[RiskFilter, QuerySet]:
    """The open risks matching the filters (for the heat map, top risks)."""
    filterset, queryset = risk_list(user=user, params=params, request=request)
    return filterset, queryset.filter(status=Status.OPEN)


# The heat map ---------------------------------------------------------------------------


@dataclass
class Cell:
    likelihood: int
    impact: int
    count: int
    level: str

    @property
    def badge(self) -> str:
        return LEVEL_BADGES.get(self.level, "secondary")

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass
class HeatMap:
    kind: str
    rows: list[list[Cell]] = field(default_factory=list)  # likelihood 5 → 1, impact 1 → 5
    total: int = 0


def _grid(kind: str, counts: dict[tuple[int, int], int], bands) -> HeatMap:
    heat = HeatMap(kind=kind)
    for likelihood in range(5, 0, -1):
        row = []
        for impact in range(1, 6):
            n = counts.get((likelihood, impact), 0)
            heat.total += n
            row.append(Cell(likelihood, impact, n, scoring.level_for(likelihood * impact, bands)))
        heat.rows.append(row)
    return heat


def heat_maps(queryset: QuerySet) -> dict[str, HeatMap]:
    """Counts of open risks per cell: inherent (before mitigation) and residual (after; a
    risk not yet re-assessed counts at its inherent position). Two queries."""
    bands = scoring.current_bands()
    open_risks = queryset.filter(status=Status.OPEN).order_by()
    inherent = {
        (row["inherent_likelihood"], row["inherent_impact"]): row["n"]
        for row in open_risks.filter(inherent_likelihood__isnull=False)
        .values("inherent_likelihood", "inherent_impact")
        .annotate(n=Count("id", distinct=True))
    }
    residual: dict[tuple[int, int], int] = {}
    for row in (
        open_risks.filter(inherent_likelihood__isnull=False)
        .annotate(
            l=Coalesce("residual_likelihood", "inherent_likelihood"),
            i=Coalesce("residual_impact", "inherent_impact"),
        )
        .values("l", "i")
        .annotate(n=Count("id", distinct=True))
    ):
        residual[(row["l"], row["i"])] = residual.get((row["l"], row["i"]), 0) + row["n"]
    return {
        AssessmentKind.INHERENT: _grid(AssessmentKind.INHERENT, inherent, bands),
        AssessmentKind.RESIDUAL: _grid(AssessmentKind.RESIDUAL, residual, bands),
    }


def cell_risks(queryset: QuerySet, *, kind: str, likelihood: int, impact: int) -> QuerySet:
    """The open risks in one cell of the inherent or residual map."""
    open_risks = queryset.filter(status=Status.OPEN)
    if kind == AssessmentKind.RESIDUAL:
        return open_risks.annotate(
            l=Coalesce("residual_likelihood", "inherent_likelihood"),
            i=Coalesce("residual_impact", "inherent_impact"),
        ).filter(l=likelihood, i=impact)
    return open_risks.filter(inherent_likelihood=likelihood, inherent_impact=impact)


def top_risks(queryset: QuerySet, limit: int = 10) -> list[Risk]:
    return list(
        queryset.filter(status=Status.OPEN, level_rank__gt=0).order_by(
            "-level_rank", F("current").desc(nulls_last=True), "-raised_at", "-id"
        )[:limit]
    )


# The trend ------------------------------------------------------------------------------


@dataclass
class Trend:
    labels: list[str]
    series: dict[str, list[int]]  # level → open risks at each point


def trend(queryset: QuerySet, *, weeks: int = 12, today: date | None = None) -> Trend:
    """Open risks by level at the end of each of the last ``weeks`` weeks, rebuilt from the
    assessment history: a risk counts from its raising until its closing, at the level of
    its latest residual assessment made by then (else its latest inherent one).

    One pass over the risks and their assessments: each stretch of a risk's life at one
    level adds to the weeks it covers (found by bisection), so the cost grows with the
    number of assessments, not with risks times weeks."""
    today = today or timezone.localdate()
    zone = timezone.get_current_timezone()
    points = [today - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    moments = [datetime.combine(d, time.max, tzinfo=zone) for d in points]
    size = len(moments)
    window = (
        queryset.order_by()
        .filter(raised_at__lte=moments[-1])
        .exclude(status=Status.CLOSED, closed_at__isnull=True)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=moments[0]))
    )
    risks = {
        pk: (raised, closed)
        for pk, raised, closed in window.values_list("pk", "raised_at", "closed_at")
    }
    # Compared as POSIX timestamps: comparing aware datetimes of two zones is slow.
    stamps = [m.timestamp() for m in moments]
    history: dict[int, list[tuple[float, str, str]]] = {}
    rows = (
        access.unrestricted(Assessment)
        .filter(risk_id__in=window.values("pk"), assessed_at__lte=moments[-1])
        .order_by("assessed_at", "id")
        .values_list("risk_id", "assessed_at", "kind", "level")
    )
    for risk_id, at, kind, level in rows:
        history.setdefault(risk_id, []).append((at.timestamp(), kind, level))
    diff = {level: [0] * (size + 1) for level in Level.values}
    for pk, (raised, closed) in risks.items():
        first = bisect_left(stamps, raised.timestamp())
        last = bisect_left(stamps, closed.timestamp()) if closed is not None else size
        inherent = residual = ""
        stretches: list[tuple[float, str]] = []
        for at, kind, level in history.get(pk, ()):
            if kind == AssessmentKind.RESIDUAL:
                residual = level
            else:
                inherent = level
            stretches.append((at, residual or inherent))
        for index, (at, level) in enumerate(stretches):
            begin = max(first, bisect_left(stamps, at))
            stop = last
            if index + 1 < len(stretches):
                stop = min(stop, bisect_left(stamps, stretches[index + 1][0]))
            if level and begin < stop:
                diff[level][begin] += 1
                diff[level][stop] -= 1
    series = {}
    for level, steps in diff.items():
        running, counts = 0, []
        for step in steps[:size]:
            running += step
            counts.append(running)
        series[level] = counts
    return Trend(labels=[d.isoformat() for d in points], series=series)


# Actions and signals --------------------------------------------------------------------


def overdue_actions(*, user: User, queryset: QuerySet | None = None, limit: int = 10):
    today = timezone.localdate()
    actions = (
        access.scope(user, MitigationAction)
        .filter(due_on__lt=today, risk__status=Status.OPEN)
        .exclude(status__in=FINISHED_ACTIONS)
        .select_related("risk", "risk__partner", "owner")
        .order_by("due_on", "id")
    )
    if queryset is not None:
        actions = actions.filter(risk__in=queryset.order_by().values("pk"))
    return actions.count(), list(actions[:limit])


def action_list(*, user: User, params=None, request=None) -> tuple[ActionFilter, QuerySet]:
    base = access.scope(user, MitigationAction).select_related("risk", "owner")
    filterset = ActionFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs.order_by("due_on", "id")


def signal_list(*, user: User, params=None, request=None) -> tuple[SignalFilter, QuerySet]:
    base = access.scope(user, RiskSignal).select_related("partner", "risk")
    filterset = SignalFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs.order_by("-last_seen_at", "-id")


def scale() -> dict[str, list[ScaleLevel]]:
    levels = {Axis.LIKELIHOOD: [], Axis.IMPACT: []}
    for level in ScaleLevel.objects.order_by("axis", "value"):
        levels.setdefault(level.axis, []).append(level)
    return levels
