"""Reads of the tier program, scoped to the acting user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from prm.accounts.models import User
from prm.core import access
from prm.metrics.models import Observation
from prm.metrics.periods import Period, PeriodKind
from prm.partners.models import Partner, Tier
from prm.partners.selectors import filled
from prm.scorecards.models import KPILine, ScorecardResult
from prm.tiers import evaluation, sources
from prm.tiers.filters import TierChangeFilter, TierProposalFilter
from prm.tiers.models import TierBenefit, TierChange, TierProposal, TierRequirement


def program() -> list[Tier]:
    """Every tier in rank order with its requirements and benefit (reference data that every
    signed-in user may read)."""
    tiers = list(
        Tier.objects.order_by("rank", "pk").prefetch_related(
            Prefetch("requirements", queryset=TierRequirement.objects.order_by("kind", "pk"))
        )
    )
    benefits = {b.tier_id: b for b in TierBenefit.objects.all()}
    for tier in tiers:
        tier.program_benefit = benefits.get(tier.pk)
    return tiers


def benefit_of(tier_id: int | None) -> TierBenefit | None:
    """What a tier gives; ``lead_priority`` is what lead routing may read."""
    if tier_id is None:
        return None
    return TierBenefit.objects.filter(tier_id=tier_id).first()


def lead_priorities() -> dict[int, int]:
    """Tier id → lead priority, for lead routing (higher goes first)."""
    return dict(TierBenefit.objects.values_list("tier_id", "lead_priority"))


def proposal_list(*, user: User, params=None, request=None) -> tuple[TierProposalFilter, QuerySet]:
    base = access.scope(user, TierProposal).select_related(
        "partner", "partner__owner", "current_tier", "proposed_tier", "decided_tier", "decided_by"
    )
    filterset = TierProposalFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs.order_by("-created_at", "-id")


def proposal_get(*, user: User, pk) -> TierProposal:
    return access.get_object(
        user,
        access.scope(user, TierProposal).select_related(
            "partner", "current_tier", "proposed_tier", "decided_tier", "decided_by"
        ),
        pk=pk,
    )


def change_list(*, user: User, params=None, request=None) -> tuple[TierChangeFilter, QuerySet]:
    base = access.scope(user, TierChange).select_related(
        "partner", "from_tier", "to_tier", "changed_by"
    )
    filterset = TierChangeFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs.order_by("-changed_at", "-id")


def partner_changes(*, user: User, partner_id: int) -> QuerySet:
    """A partner's tier history, newest first."""
    return (
        access.scope(user, TierChange)
        .filter(partner_id=partner_id)
        .select_related("from_tier", "to_tier", "changed_by")
        .order_by("-changed_at", "-id")
    )


@dataclass
class Progress:
    """Where a partner stands in the program: its tier and benefit, the next tier and each
    of its requirements checked (value, threshold, gap, met)."""

    partner: Partner
    tier: Tier | None
    benefit: TierBenefit | None
    next_tier: Tier | None
    next_benefit: TierBenefit | None
    checks: list[dict]  # evaluation.Check as dicts, labelled in the reader's language
    current_checks: list[dict]
    revenue_window: tuple[datetime.date, datetime.date] | None


def _labelled(checks: list[evaluation.Check]) -> list[dict]:
    return [evaluation.relabel(check.as_json()) for check in checks]


def partner_progress(
    *, user: User, partner_id: int, as_of: datetime.date | None = None
) -> Progress:
    """What ``partner_id`` needs for its next tier. Only the partner's own figures are
    read."""
    partner = access.get_object(user, Partner, pk=partner_id)
    as_of = as_of or timezone.localdate()
    prog = evaluation.Program.load()
    figures = evaluation.load_figures(prog, [partner.pk], as_of)
    outcome = evaluation.outcome_for(partner.pk, partner.tier_id, prog, figures)
    next_tier = prog.next_tier(partner.tier_id)
    quarters = sources.revenue_quarters(as_of)
    return Progress(
        partner=partner,
        tier=prog.tier(partner.tier_id),
        benefit=benefit_of(partner.tier_id),
        next_tier=next_tier,
        next_benefit=benefit_of(next_tier.pk) if next_tier else None,
        checks=_labelled(outcome.checks.get(next_tier.pk, [])) if next_tier else [],
        current_checks=_labelled(outcome.checks.get(partner.tier_id, [])),
        revenue_window=(quarters[0].start, quarters[-1].end),
    )


# -- the partner's own dashboard in the portal ---------------------------------------------

MIN_PEERS = 5  # fewer partners in a tier than this: no percentile (it would say too much)
TREND_MONTHS = 12


@dataclass
class PartnerDashboard:
    result: ScorecardResult | None
    lines: list[KPILine]
    trend: dict[str, list]
    revenue: dict[str, list]
    percentile: int | None
    peers: int


def partner_dashboard(*, user: User, partner_id: int) -> PartnerDashboard:
    """A partner's KPIs against target (its latest scorecard), its score trend, its
    revenue by month and its percentile among the partners of its tier on the same
    scorecard. Only the partner's own rows are read through the access layer; the
    percentile is a count over its peers, never their names or figures."""
    partner = access.get_object(user, Partner, pk=partner_id)
    own = access.scope(user, ScorecardResult).filter(partner=partner).exclude(score=None)
    result = own.select_related("template").order_by("-period_start", "-computed_at").first()
    lines: list[KPILine] = []
    trend: dict[str, list] = {"labels": [], "values": []}
    percentile, peers = None, 0
    if result is not None:
        lines = result.lines
        history = list(
            own.filter(template=result.template, period_kind=result.period_kind)
            .order_by("-period_start")
            .values_list("period_start", "score")[:TREND_MONTHS]
        )[::-1]
        trend = {
            "labels": [Period(result.period_kind, start).label for start, _s in history],
            "values": [float(score) for _start, score in history],
        }
        same = (
            access.unrestricted(ScorecardResult)
            .filter(
                template=result.template,
                period_kind=result.period_kind,
                period_start=result.period_start,
                partner__tier=partner.tier,
            )
            .exclude(score=None)
        )
        counts = same.aggregate(
            peers=Count("pk"), below=Count("pk", filter=Q(score__lt=result.score))
        )
        peers = counts["peers"]
        if peers >= MIN_PEERS:
            percentile = round(100 * counts["below"] / (peers - 1)) if peers > 1 else 100
    today = timezone.localdate()
    months = [Period.containing(PeriodKind.MONTH, today)]
    for _step in range(TREND_MONTHS - 1):
        months.insert(0, months[0].previous())
    values = dict(
        access.scope(user, Observation)
        .filter(
            partner=partner,
            metric__code=sources.REVENUE_METRIC,
            period_kind=PeriodKind.MONTH,
            period_start__gte=months[0].start,
        )
        .values_list("period_start", "value")
    )
    revenue = {
        "labels": [m.label for m in months],
        "values": [float(values[m.start]) if m.start in values else None for m in months],
    }
    return PartnerDashboard(result, lines, trend, revenue, percentile, peers)
