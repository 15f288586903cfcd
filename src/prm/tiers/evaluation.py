"""Checks partners against the tier requirements: which tier each one qualifies for, and
why (every requirement met or missed, with the partner's value and the threshold).

A partner qualifies for a tier when it meets every requirement of that tier (AND) and of
every tier below it (tiers are a ladder); its eligible tier is the highest such tier. A
tier without requirements is open to everyone only when it is the lowest tier (the entry
tier); a higher tier without requirements is never proposed automatically, so a
half-configured program proposes nothing surprising. Reads are done for all partners at
once (a constant number of queries).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from prm.core import access
from prm.partners.lifecycle import Stage
from prm.partners.models import Partner, Tier
from prm.scorecards.models import Standing
from prm.tiers import sources
from prm.tiers.models import (
    Comparison,
    RequirementKind,
    TierRequirement,
    standing_rank,
)


@dataclass
class Check:
    """One requirement checked for one partner."""

    requirement_id: int
    tier: str
    kind: str
    label: str
    value: str | None  # Decimal as text, a standing code, or None for "no data"
    threshold: str
    met: bool
    gap: str | None = None  # how much is missing (numbers only), None when met or unknown
    kpi_code: str = ""
    comparison: str = ""

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class Outcome:
    partner_id: int
    current_tier_id: int | None
    eligible_tier_id: int | None
    checks: dict[int, list[Check]] = field(default_factory=dict)  # tier id → checks

    @property
    def changes(self) -> bool:
        return self.current_tier_id != self.eligible_tier_id


@dataclass
class Program:
    """The tiers in rank order with their requirements (read once)."""

    tiers: list[Tier]
    requirements: dict[int, list[TierRequirement]]

    @classmethod
    def load(cls) -> Program:
        tiers = list(Tier.objects.order_by("rank", "pk"))
        requirements: dict[int, list[TierRequirement]] = {t.pk: [] for t in tiers}
        for requirement in TierRequirement.objects.order_by("kind", "kpi_code", "pk"):
            requirements.setdefault(requirement.tier_id, []).append(requirement)
        return cls(tiers=tiers, requirements=requirements)

    @property
    def configured(self) -> bool:
        return any(self.requirements.values())

    def rank_of(self, tier_id: int | None) -> int:
        for index, tier in enumerate(self.tiers):
            if tier.pk == tier_id:
                return index
        return -1

    def next_tier(self, tier_id: int | None) -> Tier | None:
        index = self.rank_of(tier_id)
        return self.tiers[index + 1] if index + 1 < len(self.tiers) else None

    def tier(self, tier_id: int | None) -> Tier | None:
        return next((t for t in self.tiers if t.pk == tier_id), None)


@dataclass
class Figures:
    revenue: dict[int, Decimal]
    standings: dict[int, str]
    kpis: dict[tuple[int, str], Decimal]


def load_figures(program: Program, partner_ids: list[int] | None, as_of: datetime.date) -> Figures:
    kinds = {r.kind for reqs in program.requirements.values() for r in reqs}
    kpi_codes = {
        r.kpi_code
        for reqs in program.requirements.values()
        for r in reqs
        if r.kind == RequirementKind.KPI
    }
    return Figures(
        revenue=sources.revenue_last_4_quarters(partner_ids, as_of)
        if RequirementKind.REVENUE in kinds
        else {},
        standings=sources.latest_standings(partner_ids)
        if RequirementKind.STANDING in kinds
        else {},
        kpis=sources.latest_kpi_values(partner_ids, kpi_codes) if kpi_codes else {},
    )


def _text(value: Decimal) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def check(requirement: TierRequirement, tier: Tier, partner_id: int, figures: Figures) -> Check:
    label = requirement.describe()
    if requirement.kind == RequirementKind.STANDING:
        standing = figures.standings.get(partner_id)
        have, need = standing_rank(standing), standing_rank(requirement.standing)
        met = have is not None and need is not None and have <= need
        return Check(
            requirement.pk,
            tier.code,
            requirement.kind,
            str(label),
            standing,
            requirement.standing,
            met,
            kpi_code=requirement.kpi_code,
            comparison=requirement.comparison,
        )
    if requirement.kind == RequirementKind.REVENUE:
        value = figures.revenue.get(partner_id)
    else:
        value = figures.kpis.get((partner_id, requirement.kpi_code))
    threshold = requirement.threshold if requirement.threshold is not None else Decimal(0)
    if value is None:
        met, gap = False, None
    elif requirement.comparison == Comparison.AT_MOST:
        met = value <= threshold
        gap = None if met else _text(value - threshold)
    else:
        met = value >= threshold
        gap = None if met else _text(threshold - value)
    return Check(
        requirement.pk,
        tier.code,
        requirement.kind,
        str(label),
        None if value is None else _text(value),
        _text(threshold),
        met,
        gap,
        kpi_code=requirement.kpi_code,
        comparison=requirement.comparison,
    )


def outcome_for(
    partner_id: int, current_tier_id: int | None, program: Program, figures: Figures
) -> Outcome:
    outcome = Outcome(partner_id, current_tier_id, None)
    climbing = True
    for index, tier in enumerate(program.tiers):
        requirements = program.requirements.get(tier.pk, [])
        checks = [check(r, tier, partner_id, figures) for r in requirements]
        outcome.checks[tier.pk] = checks
        qualifies = all(c.met for c in checks) if checks else index == 0
        # Tiers are a ladder: a tier also asks for everything the tiers below it ask.
        climbing = climbing and qualifies
        if climbing:
            outcome.eligible_tier_id = tier.pk
    return outcome


def evaluate(
    *, partner_ids: Iterable[int] | None = None, as_of: datetime.date
) -> tuple[Program, list[Outcome]]:
    """Every active partner (or the ones named) checked against every tier."""
    program = Program.load()
    partners = access.unrestricted(Partner).order_by("pk")
    if partner_ids is None:
        partners = partners.filter(stage=Stage.ACTIVE)
        ids = None
    else:
        ids = list(partner_ids)
        partners = partners.filter(pk__in=ids)
    rows = list(partners.values_list("pk", "tier_id"))
    if not program.configured or not rows:
        return program, []
    figures = load_figures(program, ids, as_of)
    return program, [outcome_for(pk, tier_id, program, figures) for pk, tier_id in rows]


def relabel(reason: dict) -> dict:
    """A stored reason with its label in the reader's language (labels are stored in the
    language the review ran in)."""
    kind = reason.get("kind")
    if kind not in RequirementKind.values:
        return reason
    threshold = reason.get("threshold")
    requirement = TierRequirement(
        kind=kind,
        kpi_code=reason.get("kpi_code", ""),
        comparison=reason.get("comparison") or Comparison.AT_LEAST,
        standing=threshold if kind == RequirementKind.STANDING else "",
        threshold=None
        if kind == RequirementKind.STANDING or threshold is None
        else Decimal(threshold),
    )
    value, shown = reason.get("value"), reason.get("threshold")
    if kind == RequirementKind.STANDING:
        value = str(Standing(value).label) if value in Standing.values else value
        shown = str(Standing(shown).label) if shown in Standing.values else shown
    return {
        **reason,
        "label": str(requirement.describe()),
        "value_display": value,
        "threshold_display": shown,
    }
