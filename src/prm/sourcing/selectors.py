"""Reads: sourcing lists, what an evaluator may see of a round, missing scores and the
rankings (weighted sum and TOPSIS side by side)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.partners.selectors import filled
from prm.sourcing import topsis
from prm.sourcing.filters import ProjectFilter, RoundFilter
from prm.sourcing.models import (
    Criterion,
    EvaluationRound,
    ProjectCandidate,
    Score,
    SourcingProject,
    Submission,
)


def project_list(*, user: User, params=None, request=None) -> tuple[ProjectFilter, QuerySet]:
    base = (
        access.scope(user, SourcingProject)
        .select_related("owner")
        .annotate(candidate_count=Count("candidates", distinct=True))
    )
    filterset = ProjectFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs.order_by("-created_at", "-id")


def round_list(*, user: User, params=None, request=None) -> tuple[RoundFilter, QuerySet]:
    base = access.scope(user, EvaluationRound).select_related("project", "template", "owner")
    filterset = RoundFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs.order_by("-created_at", "-id")


def criteria_of(evaluation: EvaluationRound) -> list[Criterion]:
    return list(access.unrestricted(Criterion).filter(template=evaluation.template_id))


def candidates_of(evaluation: EvaluationRound) -> list[ProjectCandidate]:
    return list(evaluation.candidates.select_related("partner").order_by("partner__name", "id"))


@dataclass
class Visibility:
    """What ``user`` may see of a round."""

    is_evaluator: bool
    has_submitted: bool
    can_manage: bool  # the owner (or an admin): sees who is missing what

    @property
    def sees_results(self) -> bool:
        """Evaluators see the others' scores and the ranking only once they submitted."""
        return self.has_submitted or not self.is_evaluator

    @property
    def may_score(self) -> bool:
        return self.is_evaluator and not self.has_submitted


def visibility(user: User, evaluation: EvaluationRound) -> Visibility:
    is_evaluator = evaluation.evaluators.filter(pk=user.pk).exists()
    submitted = (
        is_evaluator
        and access.unrestricted(Submission).filter(round=evaluation, evaluator=user).exists()
    )
    return Visibility(is_evaluator, submitted, access.can(user, evaluation, Action.CHANGE))


def own_scores(user: User, evaluation: EvaluationRound) -> dict[tuple[int, int], Score]:
    rows = access.scope(user, Score).filter(round=evaluation, evaluator=user)
    return {(s.candidate_id, s.criterion_id): s for s in rows}


@dataclass
class Progress:
    evaluator: User
    given: int
    expected: int
    submitted: bool

    @property
    def missing(self) -> int:
        return self.expected - self.given


def progress(evaluation: EvaluationRound) -> list[Progress]:
    """Per evaluator: how many scores are given, missing, and whether they submitted."""
    expected = evaluation.candidates.count() * len(criteria_of(evaluation))
    given = dict(
        access.unrestricted(Score)
        .filter(round=evaluation)
        .values_list("evaluator")
        .annotate(n=Count("pk"))
        .order_by()
    )
    submitted = set(
        access.unrestricted(Submission)
        .filter(round=evaluation)
        .values_list("evaluator_id", flat=True)
    )
    return [
        Progress(u, given.get(u.pk, 0), expected, u.pk in submitted)
        for u in evaluation.evaluators.order_by("first_name", "email")
    ]


@dataclass
class RankRow:
    candidate: ProjectCandidate
    means: list[float | None]
    weighted_sum: topsis.Ranked
    topsis: topsis.Ranked


@dataclass
class Ranking:
    criteria: list[Criterion]
    rows: list[RankRow] = field(default_factory=list)
    evaluators: int = 0  # how many submitted evaluators the ranking rests on

    @property
    def by_weighted_sum(self) -> list[RankRow]:
        return sorted(self.rows, key=lambda r: (r.weighted_sum.rank, r.candidate.partner.name))

    @property
    def by_topsis(self) -> list[RankRow]:
        return sorted(self.rows, key=lambda r: (r.topsis.rank, r.candidate.partner.name))


def ranking(evaluation: EvaluationRound) -> Ranking:
    """The ranking from the submitted scores: each criterion's mean score per candidate,
    ranked by the weighted sum and by TOPSIS. Call only for users who may see results."""
    criteria = criteria_of(evaluation)
    candidates = candidates_of(evaluation)
    submitted = list(
        access.unrestricted(Submission)
        .filter(round=evaluation)
        .values_list("evaluator_id", flat=True)
    )
    result = Ranking(criteria, evaluators=len(submitted))
    if not submitted or not criteria or not candidates:
        return result
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    for s in access.unrestricted(Score).filter(round=evaluation, evaluator_id__in=submitted):
        sums[(s.candidate_id, s.criterion_id)].append(s.value)
    matrix, means_rows = [], []
    for candidate in candidates:
        means = []
        for c in criteria:
            values = sums.get((candidate.pk, c.pk))
            means.append(sum(values) / len(values) if values else None)
        means_rows.append(means)
        # A missing mean (a candidate added after a submission) counts as the scale's lowest.
        matrix.append(
            [m if m is not None else c.scale_min for m, c in zip(means, criteria, strict=True)]
        )
    weights = [float(c.weight) for c in criteria]
    directions = [c.direction for c in criteria]
    scales = [(float(c.scale_min), float(c.scale_max)) for c in criteria]
    ws = topsis.weighted_sum(matrix, weights, directions, scales)
    tp = topsis.topsis(matrix, weights, directions).ranked
    for i, candidate in enumerate(candidates):
        result.rows.append(RankRow(candidate, means_rows[i], ws[i], tp[i]))
    return result
