"""Reads of scorecards: lists for pages, the API and exports (through the access layer),
and system-level reads for other capabilities (tiers, reviews, risks), whose callers
already checked who may see what.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from prm.accounts.models import User
from prm.core import access
from prm.metrics.periods import Period
from prm.partners.selectors import filled
from prm.scorecards.filters import DisputeFilter, KPIFilter, ScorecardResultFilter
from prm.scorecards.models import KPI, Dispute, ScorecardResult, ScorecardTemplate

# -- for other capabilities -----------------------------------------------------------


def latest_results(partner_ids: Iterable[int] | None = None) -> dict[int, ScorecardResult]:
    """Each partner's most recent scored result (any active template), by partner id."""
    rows = access.unrestricted(ScorecardResult).filter(score__isnull=False)
    if partner_ids is not None:
        rows = rows.filter(partner_id__in=list(partner_ids))
    # One pass numbering each partner's results newest first (a subquery per result was
    # 2.5 times slower at 1,000 partners, and slower still as results accumulate).
    newest_first = Window(
        RowNumber(),
        partition_by=[F("partner_id")],
        order_by=[F("period_start").desc(), F("computed_at").desc(), F("id").desc()],
    )
    rows = rows.annotate(rank=newest_first).filter(rank=1).select_related("template")
    return {r.partner_id: r for r in rows}


def standing_history(partner_id: int, n: int) -> list[str]:
    """The partner's last ``n`` standings (one per period, newest last); "" = no score."""
    return standing_histories([partner_id], n)[partner_id]


def standing_histories(partner_ids: Iterable[int], n: int) -> dict[int, list[str]]:
    """``standing_history`` of each of ``partner_ids``, in one query."""
    histories: dict[int, list[str]] = {pk: [] for pk in partner_ids}
    rows = (
        access.unrestricted(ScorecardResult)
        .filter(partner_id__in=list(histories))
        .order_by("partner_id", "-period_start", "-computed_at", "-id")
        .values_list("partner_id", "period_kind", "period_start", "standing")
    )
    seen = set()
    for partner_id, kind, start, standing in rows.iterator(chunk_size=2000):
        history = histories[partner_id]
        if len(history) < n and (partner_id, kind, start) not in seen:
            seen.add((partner_id, kind, start))
            history.append(standing)
    return {pk: history[::-1] for pk, history in histories.items()}


def results_for(partner_id: int, periods: Iterable[Period]) -> dict[Period, ScorecardResult]:
    """The partner's results for each of ``periods`` that has one (first template wins)."""
    periods = list(periods)
    if not periods:
        return {}
    rows = (
        access.unrestricted(ScorecardResult)
        .filter(partner_id=partner_id, period_start__in=[p.start for p in periods])
        .select_related("template")
        .order_by("template_id", "id")
    )
    wanted = set(periods)
    found: dict[Period, ScorecardResult] = {}
    for row in rows:
        period = row.period
        if period in wanted and period not in found:
            found[period] = row
    return found


# -- pages, API, exports --------------------------------------------------------------


def kpi_list(*, user: User, params=None, request=None) -> tuple[KPIFilter, QuerySet]:
    base = KPI.objects.all()
    filterset = KPIFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs.order_by("code")


def template_list() -> QuerySet:
    return ScorecardTemplate.objects.prefetch_related("partner_types", "lines__kpi", "bands")


def result_list(*, user: User, params=None, request=None) -> tuple[ScorecardResultFilter, QuerySet]:
    base = access.scope(user, ScorecardResult).select_related("partner", "template")
    filterset = ScorecardResultFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    queryset = filterset.qs
    if filterset.form.cleaned_data.get("sort"):
        return filterset, queryset.order_by(*queryset.query.order_by, "id")
    return filterset, queryset.order_by("-period_start", "partner__name", "id")


def result_get(*, user: User, pk) -> ScorecardResult:
    return access.get_object(
        user,
        access.scope(user, ScorecardResult).select_related("partner", "template"),
        pk=pk,
    )


def result_lines(result: ScorecardResult):
    return result.lines


def trend(*, user: User, partner, template: ScorecardTemplate | None, n: int = 8):
    """The partner's last ``n`` results of a template, oldest first."""
    rows = access.scope(user, ScorecardResult).filter(partner=partner)
    if template is not None:
        rows = rows.filter(template=template)
    return list(reversed(list(rows.order_by("-period_start", "-id")[:n])))


def dispute_list(*, user: User, params=None, request=None) -> tuple[DisputeFilter, QuerySet]:
    base = access.scope(user, Dispute).select_related("result__partner", "result__template")
    filterset = DisputeFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs.order_by("-created_at", "-id")


def dispute_get(*, user: User, pk) -> Dispute:
    return access.get_object(
        user,
        access.scope(user, Dispute).select_related(
            "result__partner", "result__template", "raised_by"
        ),
        pk=pk,
    )
