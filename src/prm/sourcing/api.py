"""/api/v1/evaluations: evaluation rounds with their rankings, evaluators' scores, and the
decision on each candidate.

Staff only: portal users see no rounds. An evaluator sees the ranking (and so the others'
scores) only after submitting their own scores.
"""

from ninja import Query, Router
from ninja.pagination import paginate

from prm.accounts.models import User
from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors
from prm.core import access
from prm.sourcing import selectors, services
from prm.sourcing.filters import RoundFilter
from prm.sourcing.models import EvaluationRound, ProjectCandidate
from prm.sourcing.schemas import (
    CandidateDecisionIn,
    CandidateDecisionOut,
    RoundDetailOut,
    RoundOut,
    ScoresIn,
)

router = Router()

RoundQuery = query_schema(RoundFilter)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _round_out(r: EvaluationRound) -> dict:
    return {
        "id": r.pk,
        "name": r.name,
        "project_id": r.project_id,
        "project_name": r.project.name,
        "template_id": r.template_id,
        "template_name": r.template.name,
        "owner_id": r.owner_id,
        "status": r.status,
        "due_on": r.due_on,
        "created_at": r.created_at,
    }


def _detail(user: User, pk: int) -> dict:
    evaluation = access.get_object(
        user,
        access.scope(user, EvaluationRound).select_related("project", "template"),
        pk=pk,
    )
    seen = selectors.visibility(user, evaluation)
    criteria = selectors.criteria_of(evaluation)
    body = _round_out(evaluation)
    body.update(
        criteria=[
            {
                "id": c.pk,
                "name": c.name,
                "description": c.description,
                "weight": float(c.weight),
                "direction": c.direction,
                "scale_min": c.scale_min,
                "scale_max": c.scale_max,
            }
            for c in criteria
        ],
        candidates=[
            {
                "id": c.pk,
                "partner_id": c.partner_id,
                "partner_name": c.partner.name,
                "decision": c.decision,
            }
            for c in selectors.candidates_of(evaluation)
        ],
        evaluator_ids=sorted(evaluation.evaluators.values_list("pk", flat=True)),
        is_evaluator=seen.is_evaluator,
        submitted=seen.has_submitted,
        my_scores=[
            {
                "candidate_id": s.candidate_id,
                "criterion_id": s.criterion_id,
                "value": s.value,
                "comment": s.comment,
            }
            for s in selectors.own_scores(user, evaluation).values()
        ],
        results_visible=seen.sees_results,
        rankings=None,
        progress=None,
    )
    if seen.sees_results:
        ranking = selectors.ranking(evaluation)
        body["rankings"] = [
            {
                "candidate_id": row.candidate.pk,
                "partner_id": row.candidate.partner_id,
                "partner_name": row.candidate.partner.name,
                "means": row.means,
                "weighted_sum": round(row.weighted_sum.score, 6),
                "weighted_sum_rank": row.weighted_sum.rank,
                "weighted_sum_contributions": [round(x, 6) for x in row.weighted_sum.contributions],
                "topsis": round(row.topsis.score, 6),
                "topsis_rank": row.topsis.rank,
                "topsis_contributions": [round(x, 6) for x in row.topsis.contributions],
            }
            for row in ranking.by_weighted_sum
        ]
    if seen.can_manage:
        body["progress"] = [
            {
                "evaluator_id": p.evaluator.pk,
                "given": p.given,
                "missing": p.missing,
                "submitted": p.submitted,
            }
            for p in selectors.progress(evaluation)
        ]
    return body


@router.get(
    "/evaluations",
    response=list[RoundOut],
    url_name="evaluation_list",
    summary="List evaluation rounds",
)
@paginate(PageNumberSizePagination)
def evaluation_list(request, filters: Query[RoundQuery]):
    """Evaluation rounds of sourcing projects (staff only), newest first."""
    filterset, queryset = selectors.round_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.get(
    "/evaluations/{round_id}",
    response={200: RoundDetailOut, **READ_ERRORS},
    url_name="evaluation_detail",
    summary="Read an evaluation round with its rankings",
)
def evaluation_detail(request, round_id: PathId):
    """The round's criteria, candidates, your own scores and, once you may see them, the
    rankings by weighted sum and by TOPSIS with each criterion's contribution."""
    return _detail(request.user, round_id)


@router.post(
    "/evaluations/{round_id}/scores",
    response={200: RoundDetailOut, **WRITE_ERRORS},
    url_name="evaluation_scores",
    summary="Save (and submit) your scores",
)
def evaluation_scores(request, round_id: PathId, payload: ScoresIn):
    """As one of the round's evaluators: save scores (all or none are saved); with
    `"submit": true` every candidate must be scored on every criterion, and the scores
    become final. A score outside the criterion's scale is refused (400)."""
    evaluation = access.get_object(request.user, EvaluationRound, pk=round_id)
    services.scores_save(
        actor=request.user,
        evaluation=evaluation,
        entries=[
            services.ScoreEntry(s.candidate, s.criterion, s.value, s.comment)
            for s in payload.scores
        ],
        submit=payload.submit,
    )
    return _detail(request.user, round_id)


@router.post(
    "/evaluations/candidates/{candidate_id}/decision",
    response={200: CandidateDecisionOut, **WRITE_ERRORS},
    url_name="candidate_decision",
    summary="Decide on a candidate",
)
def candidate_decision(request, candidate_id: PathId, payload: CandidateDecisionIn):
    """Select (the partner moves to onboarding), reject with a reason, or hold. A selection
    is final (409 afterwards)."""
    candidate = access.get_object(request.user, ProjectCandidate, pk=candidate_id)
    candidate = services.candidate_decide(
        actor=request.user,
        candidate=candidate,
        decision=payload.decision,
        reason=payload.reason,
    )
    candidate.partner.refresh_from_db(fields=["stage"])
    return {
        "id": candidate.pk,
        "project_id": candidate.project_id,
        "partner_id": candidate.partner_id,
        "partner_stage": candidate.partner.stage,
        "decision": candidate.decision,
        "decision_reason": candidate.decision_reason,
        "decided_by": candidate.decided_by_id,
        "decided_at": candidate.decided_at,
    }
