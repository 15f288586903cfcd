"""Reads: the register, the heat map, the trend, top risks and overdue actions, scoped to the
acting user (staff only: partners never see risks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
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
    TrendPoint,
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


def whole_register(user: User, filterset: RiskFilter) -> bool:
    """Whether ``user`` sees every risk and no filter is set (the order aside)."""
    role = access.role_of(user)
    if role is None or access.policy_of(Risk).filter(user, role, Action.VIEW) != Q():
        return False
    if not filterset.is_valid():
        return False
    return not any(value for name, value in filterset.form.cleaned_data.items() if name != "sort")


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
    risk not yet re-assessed counts at its inherent position). One query: the open risks
    grouped by both positions."""
    bands = scoring.current_bands()
    positions = (
        queryset.filter(status=Status.OPEN, inherent_likelihood__isnull=False)
        .order_by()
        .annotate(
            l=Coalesce("residual_likelihood", "inherent_likelihood"),
            i=Coalesce("residual_impact", "inherent_impact"),
        )
        .values("inherent_likelihood", "inherent_impact", "l", "i")
        .annotate(n=Count("id", distinct=True))
    )
    inherent: dict[tuple[int, int], int] = {}
    residual: dict[tuple[int, int], int] = {}
    for row in positions:
        before = (row["inherent_likelihood"], row["inherent_impact"])
        inherent[before] = inherent.get(before, 0) + row["n"]
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
    """The most severe open risks. Ranked on the risks alone, then only those read with
    their partner, category and owner: joining every open risk before ranking them cost
    more than the ranking."""
    ranked = queryset.filter(status=Status.OPEN, level_rank__gt=0).order_by(
        "-level_rank", F("current").desc(nulls_last=True), "-raised_at", "-id"
    )
    ids = list(ranked.values_list("pk", flat=True)[:limit])
    rows = {risk.pk: risk for risk in queryset.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


# The trend ------------------------------------------------------------------------------


@dataclass
class Trend:
    labels: list[str]
    series: dict[str, list[int]]  # level → open risks at each point


def trend(
    queryset: QuerySet,
    *,
    weeks: int = 12,
    today: date | None = None,
    whole_register: bool = False,
) -> Trend:
    """Open risks by level at the end of each of the last ``weeks`` weeks up to ``today``:
    today's as the register stands now (each risk at its current level), the earlier ones
    (all of them when ``today`` is another day) from the assessment history (a risk counts
    from its raising until its closing, at the level of its latest residual assessment made
    by then, else its latest inherent one).

    For the ``whole_register`` (no filter) the past points are read from the stored
    :class:`TrendPoint` rows, counting and storing the days not stored yet."""
    live = today is None or today == timezone.localdate()
    today = today or timezone.localdate()
    points = [today - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    past = points[:-1] if live else points
    series = stored_trend(past) if whole_register else open_by_level(queryset, past)
    if live:
        now = dict(
            queryset.order_by()
            .filter(status=Status.OPEN)
            .exclude(level="")
            .values_list("level")
            .annotate(n=Count("pk", distinct=True))
        )
        for level, counts in series.items():
            counts.append(now.get(level, 0))
    return Trend(labels=[d.isoformat() for d in points], series=series)


def stored_trend(days: list[date]) -> dict[str, list[int]]:
    """The whole register's open risks by level at the end of each of these past days,
    from the stored points; the days missing are counted and stored first."""
    stored = TrendPoint.objects.filter(day__in=days)
    counts = {(p.day, p.level): p.open_risks for p in stored}
    missing = sorted({day for day in days} - {day for day, _level in counts})
    if missing:
        from prm.risks.services import trend_points_store

        for point in trend_points_store(missing):
            counts[(point.day, point.level)] = point.open_risks
    return {level: [counts.get((day, level), 0) for day in days] for level in Level.values}


def open_by_level(queryset: QuerySet, days: list[date]) -> dict[str, list[int]]:
    """The risks of ``queryset`` open at the end of each of ``days`` (in order), by level,
    from the assessment history.

    Each assessment records the risk's level from then on and just before, so the count of
    a level at a moment is the assessments made by then that entered it, less those that
    left it (of the risks open at that moment). The database groups the assessments by
    those two levels and by the first and the last day each one counts on: one query
    whatever the number of risks, and no history read into Python."""
    series: dict[str, list[int]] = {level: [] for level in Level.values}
    if not days:
        return series
    zone = timezone.get_current_timezone()
    moments = [datetime.combine(d, time.max, tzinfo=zone) for d in days]
    size = len(moments)
    window = (
        queryset.order_by()
        .filter(raised_at__lte=moments[-1])
        .exclude(status=Status.CLOSED, closed_at__isnull=True)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=moments[0]))
    )
    stretches = (
        access.unrestricted(Assessment)
        .filter(risk_id__in=window.values("pk"), assessed_at__lte=moments[-1])
        .annotate(
            begin=_moment_index(Greatest("assessed_at", "risk__raised_at"), moments),
            stop=_moment_index(F("risk__closed_at"), moments),
        )
        .order_by()
        .values("risk_level", "previous_risk_level", "begin", "stop")
        .annotate(n=Count("pk"))
    )
    steps = {level: [0] * (size + 1) for level in Level.values}
    for row in stretches:
        begin, stop = row["begin"], row["stop"]
        if begin >= stop:
            continue
        for field_name, sign in (("risk_level", 1), ("previous_risk_level", -1)):
            level_steps = steps.get(row[field_name])
            if level_steps is not None:
                level_steps[begin] += sign * row["n"]
                level_steps[stop] -= sign * row["n"]
    for level, level_steps in steps.items():
        series[level] = list(accumulate(level_steps[:size]))
    return series


def _moment_index(value, moments: list[datetime]) -> Case:
    """The index of the first of ``moments`` at or after ``value`` (``len(moments)`` when
    none is, or ``value`` is empty), computed by the database."""
    return Case(
        *[When(LessThanOrEqual(value, at), then=Value(n)) for n, at in enumerate(moments)],
        default=Value(len(moments)),
        output_field=IntegerField(),
    )


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
