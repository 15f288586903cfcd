"""Writes on sourcing data: projects and candidates, templates and weights, rounds, scores
and decisions.

Each service takes the acting user first, re-checks access inside its transaction,
validates with the model's rules (``full_clean``) and raises ``BusinessError`` for a broken
rule, so nothing is written when something is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.core.events import emit
from prm.notifications.services import notify
from prm.partners import services as partner_services
from prm.partners.lifecycle import Stage
from prm.partners.models import Partner
from prm.sourcing import ahp
from prm.sourcing.models import (
    CandidateSource,
    Criterion,
    Decision,
    EvaluationRound,
    EvaluationTemplate,
    ProjectCandidate,
    ProjectSource,
    RoundEvaluator,
    RoundStatus,
    Score,
    SourcingProject,
    Submission,
    WeightMethod,
)

PROJECT_FIELDS = ("name", "goal", "owner", "starts_on", "ends_on", "notes")
TEMPLATE_FIELDS = ("name", "description", "owner")
CRITERION_FIELDS = ("name", "description", "raw_weight", "direction", "scale_max")
ROUND_FIELDS = ("name", "template", "due_on")
CANDIDATE_STAGES = (Stage.PROSPECT, Stage.CANDIDATE)
EVALUATOR_ROLES = (Role.ADMIN, Role.PARTNER_MANAGER)
WEIGHT_PLACES = Decimal("0.000001")


def _apply(instance, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        setattr(instance, name, value)


def _clean(instance, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        field, messages = None, exc.messages
        if hasattr(exc, "error_dict"):
            field = next(iter(exc.error_dict))
            messages = [m for e in exc.error_dict[field] for m in e.messages]
            if field == "__all__":
                field = None
        raise BusinessError(" ".join(messages), field=field) from exc


def _require(actor: User, model, action: Action) -> None:
    role = access.role_of(actor)
    if role is None or access.policy_of(model).filter(actor, role, action) is None:
        raise PermissionDenied


def _check_owner(actor: User, obj) -> None:
    owner = obj.owner
    if owner is None or not owner.is_active or owner.role not in EVALUATOR_ROLES:
        raise BusinessError(
            _("The owner must be an active partner manager or admin."), field="owner"
        )
    if actor.role == Role.PARTNER_MANAGER and owner.pk != actor.pk:
        raise BusinessError(
            _("Partner managers create and keep what they own; ask an admin to hand it over."),
            field="owner",
        )


# Projects ----------------------------------------------------------------------------


@transaction.atomic
def project_create(*, actor: User, data: dict[str, Any]) -> SourcingProject:
    _require(actor, SourcingProject, Action.ADD)
    project = SourcingProject()
    _apply(project, data, PROJECT_FIELDS)
    if project.owner_id is None:
        project.owner = actor
    _clean(project)
    _check_owner(actor, project)
    project.save()
    return project


@transaction.atomic
def project_update(*, actor: User, project: SourcingProject, data: dict[str, Any]):
    project = access.get_object(
        actor,
        access.scope(actor, SourcingProject, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=project.pk,
    )
    _apply(project, data, PROJECT_FIELDS)
    _clean(project)
    _check_owner(actor, project)
    project.save()
    return project


@transaction.atomic
def project_delete(*, actor: User, project: SourcingProject) -> None:
    project = access.get_object(actor, SourcingProject, Action.DELETE, pk=project.pk)
    if (
        access.unrestricted(ProjectCandidate)
        .filter(project=project, decision=Decision.SELECTED)
        .exists()
    ):
        raise BusinessError(_("A project with selected candidates is kept for the record."))
    project.delete()


@transaction.atomic
def project_source_add(*, actor: User, project: SourcingProject, data: dict[str, Any]):
    project = access.get_object(actor, SourcingProject, Action.CHANGE, pk=project.pk)
    source = ProjectSource(project=project)
    _apply(source, data, ("title", "url", "text"))
    _clean(source)
    source.save()
    return source


@transaction.atomic
def project_source_delete(*, actor: User, source: ProjectSource) -> None:
    source = access.get_object(actor, ProjectSource, Action.DELETE, pk=source.pk)
    source.delete()


# Candidates and sources ----------------------------------------------------------------


@transaction.atomic
def candidate_add(
    *, actor: User, project: SourcingProject, partner: Partner, notes: str = ""
) -> ProjectCandidate:
    """Put a prospect or candidate partner on the project's long-list."""
    project = access.get_object(actor, SourcingProject, Action.CHANGE, pk=project.pk)
    partner = access.scope(actor, Partner).filter(pk=partner.pk).first()
    if partner is None:
        raise BusinessError(_("Unknown partner."), field="partner", status=404)
    if partner.stage not in CANDIDATE_STAGES:
        raise BusinessError(
            _("Only prospects and candidates can be put on a long-list; %(name)s is %(stage)s.")
            % {"name": partner.name, "stage": Stage(partner.stage).label},
            field="partner",
        )
    if not access.can_add(actor, ProjectCandidate, partner):
        raise BusinessError(
            _("Only the partner's owner or an admin can put it on a long-list."),
            field="partner",
            status=403,
        )
    if access.unrestricted(ProjectCandidate).filter(project=project, partner=partner).exists():
        raise BusinessError(
            _("This partner is already a candidate of the project."), field="partner"
        )
    candidate = ProjectCandidate(project=project, partner=partner, notes=notes)
    _clean(candidate)
    candidate.save()
    return candidate


@transaction.atomic
def candidate_update(*, actor: User, candidate: ProjectCandidate, notes: str):
    candidate = access.get_object(actor, ProjectCandidate, Action.CHANGE, pk=candidate.pk)
    candidate.notes = notes
    _clean(candidate)
    candidate.save()
    return candidate


@transaction.atomic
def candidate_remove(*, actor: User, candidate: ProjectCandidate) -> None:
    candidate = access.get_object(actor, ProjectCandidate, Action.DELETE, pk=candidate.pk)
    if candidate.decision == Decision.SELECTED:
        raise BusinessError(_("A selected candidate is kept for the record."))
    if access.unrestricted(Score).filter(candidate=candidate).exists():
        raise BusinessError(_("This candidate has been scored in a round and is kept."))
    candidate.delete()


@transaction.atomic
def source_add(*, actor: User, candidate: ProjectCandidate, data: dict[str, Any]):
    candidate = access.get_object(actor, ProjectCandidate, Action.CHANGE, pk=candidate.pk)
    source = CandidateSource(candidate=candidate)
    _apply(source, data, ("title", "url", "text"))
    _clean(source)
    source.save()
    return source


@transaction.atomic
def source_delete(*, actor: User, source: CandidateSource) -> None:
    source = access.get_object(actor, CandidateSource, Action.DELETE, pk=source.pk)
    source.delete()


# Templates, criteria and weights ---------------------------------------------------------


def _editable_template(actor: User, template: EvaluationTemplate) -> EvaluationTemplate:
    template = access.get_object(
        actor,
        access.scope(actor, EvaluationTemplate, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=template.pk,
    )
    if access.unrestricted(EvaluationRound).filter(template=template).exists():
        raise BusinessError(
            _("This template is used by an evaluation round; copy it to change its criteria."),
            code="template_in_use",
        )
    return template


def _normalise(template: EvaluationTemplate) -> None:
    """Each criterion's weight: its entered weight over the sum of them all."""
    criteria = list(access.unrestricted(Criterion).filter(template=template))
    total = sum((c.raw_weight for c in criteria), Decimal(0))
    for c in criteria:
        c.weight = (c.raw_weight / total).quantize(WEIGHT_PLACES, ROUND_HALF_UP) if total else 0
    access.unrestricted(Criterion).bulk_update(criteria, ["weight"])


def _positive(value: Any, name: str) -> Decimal:
    try:
        weight = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise BusinessError(
            _("The weight of %(name)s is not a number.") % {"name": name}, field="weights"
        ) from exc
    if not weight.is_finite() or weight <= 0:
        raise BusinessError(
            _("The weight of %(name)s must be greater than 0.") % {"name": name},
            field="weights",
            code="weight",
        )
    if weight >= Decimal("1e8"):
        raise BusinessError(
            _("The weight of %(name)s is too large.") % {"name": name}, field="weights"
        )
    return weight.quantize(Decimal("0.0001"), ROUND_HALF_UP)


@transaction.atomic
def template_create(*, actor: User, data: dict[str, Any]) -> EvaluationTemplate:
    _require(actor, EvaluationTemplate, Action.ADD)
    template = EvaluationTemplate()
    _apply(template, data, TEMPLATE_FIELDS)
    if template.owner_id is None:
        template.owner = actor
    _clean(template)
    _check_owner(actor, template)
    template.save()
    return template


@transaction.atomic
def template_update(*, actor: User, template: EvaluationTemplate, data: dict[str, Any]):
    template = access.get_object(actor, EvaluationTemplate, Action.CHANGE, pk=template.pk)
    _apply(template, data, TEMPLATE_FIELDS)
    _clean(template)
    _check_owner(actor, template)
    template.save()
    return template


@transaction.atomic
def template_delete(*, actor: User, template: EvaluationTemplate) -> None:
    template = _editable_template(actor, template)
    template.delete()


@transaction.atomic
def template_copy(*, actor: User, template: EvaluationTemplate) -> EvaluationTemplate:
    """A new template owned by ``actor`` with the same criteria and weights, to change
    freely while the original stays as the rounds that used it saw it."""
    _require(actor, EvaluationTemplate, Action.ADD)
    source = access.get_object(actor, EvaluationTemplate, pk=template.pk)
    copy = EvaluationTemplate(
        name=(_("Copy of %(name)s") % {"name": source.name})[:200],
        description=source.description,
        owner=actor,
        weight_method=source.weight_method,
        ahp_matrix=source.ahp_matrix,
        consistency_ratio=source.consistency_ratio,
    )
    _clean(copy)
    _check_owner(actor, copy)
    copy.save()
    for c in access.unrestricted(Criterion).filter(template=source):
        Criterion(
            template=copy,
            name=c.name,
            description=c.description,
            raw_weight=c.raw_weight,
            weight=c.weight,
            direction=c.direction,
            scale_max=c.scale_max,
            position=c.position,
        ).save()
    return copy


def _reset_ahp(template: EvaluationTemplate) -> None:
    if template.weight_method == WeightMethod.AHP:
        template.weight_method = WeightMethod.DIRECT
        template.ahp_matrix = []
        template.consistency_ratio = None
        template.save()


@transaction.atomic
def criterion_add(*, actor: User, template: EvaluationTemplate, data: dict[str, Any]) -> Criterion:
    """A new criterion. Adding one invalidates an AHP matrix: weights go back to direct."""
    template = _editable_template(actor, template)
    count = access.unrestricted(Criterion).filter(template=template).count()
    if count >= ahp.MAX_CRITERIA:
        raise BusinessError(_("A template has at most %(n)s criteria.") % {"n": ahp.MAX_CRITERIA})
    criterion = Criterion(template=template, position=count)
    _apply(criterion, data, CRITERION_FIELDS)
    if "raw_weight" in data:
        criterion.raw_weight = _positive(data["raw_weight"], criterion.name or "?")
    _clean(criterion)
    criterion.save()
    _reset_ahp(template)
    _normalise(template)
    return criterion


@transaction.atomic
def criterion_update(*, actor: User, criterion: Criterion, data: dict[str, Any]) -> Criterion:
    criterion = access.get_object(actor, Criterion, Action.CHANGE, pk=criterion.pk)
    template = _editable_template(actor, criterion.template)
    _apply(criterion, data, CRITERION_FIELDS)
    if "raw_weight" in data:
        criterion.raw_weight = _positive(data["raw_weight"], criterion.name)
        _reset_ahp(template)
    _clean(criterion)
    criterion.save()
    _normalise(template)
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    criterion = access.get_object(actor, Criterion, Action.DELETE, pk=criterion.pk)
    template = _editable_template(actor, criterion.template)
    criterion.delete()
    _reset_ahp(template)
    _normalise(template)


@transaction.atomic
def template_set_weights(
    *, actor: User, template: EvaluationTemplate, weights: dict[int, Any]
) -> EvaluationTemplate:
    """Weights entered directly, one per criterion (any positive numbers: they are
    normalised to sum to 1)."""
    template = _editable_template(actor, template)
    criteria = list(access.unrestricted(Criterion).filter(template=template))
    if set(weights) != {c.pk for c in criteria}:
        raise BusinessError(_("Give one weight for each criterion."), field="weights")
    for c in criteria:
        c.raw_weight = _positive(weights[c.pk], c.name)
    access.unrestricted(Criterion).bulk_update(criteria, ["raw_weight"])
    _reset_ahp(template)
    _normalise(template)
    return template


@dataclass(frozen=True)
class AhpOutcome:
    result: ahp.Result
    criteria: list[Criterion]


def ahp_preview(criteria: list[Criterion], upper: dict[tuple[int, int], Any]) -> AhpOutcome:
    """The AHP analysis of comparisons given above the diagonal (criterion positions)."""
    n = len(criteria)
    if n < 2:
        raise BusinessError(_("AHP needs at least two criteria."), field="matrix")
    values: dict[tuple[int, int], Fraction] = {}
    for i in range(n):
        for j in range(i + 1, n):
            if (i, j) not in upper:
                raise BusinessError(
                    _("Compare %(a)s with %(b)s.") % {"a": criteria[i].name, "b": criteria[j].name},
                    field="matrix",
                )
            try:
                values[(i, j)] = ahp.parse_value(upper[(i, j)])
            except ahp.MatrixError as exc:
                raise BusinessError(
                    _(
                        "The comparison of %(a)s with %(b)s must be on Saaty's scale: "
                        "1/9 … 1/2, 1, 2 … 9."
                    )
                    % {"a": criteria[i].name, "b": criteria[j].name},
                    field="matrix",
                ) from exc
    return AhpOutcome(ahp.analyse(ahp.from_upper(n, values)), criteria)


def describe_inconsistency(outcome: AhpOutcome, limit: int = 3) -> list[str]:
    """The most inconsistent comparisons, in words."""
    names = [c.name for c in outcome.criteria]
    lines = []
    for d in outcome.result.deviations[:limit]:
        lines.append(
            str(
                _(
                    "%(a)s vs %(b)s: you said %(given)s, the other comparisons imply about "
                    "%(implied)s"
                )
                % {
                    "a": names[d.i],
                    "b": names[d.j],
                    "given": ahp.format_value(d.given),
                    "implied": f"{d.implied:.2f}",
                }
            )
        )
    return lines


@transaction.atomic
def template_set_ahp(
    *, actor: User, template: EvaluationTemplate, upper: dict[tuple[int, int], Any]
) -> AhpOutcome:
    """Weights derived by AHP. A matrix with CR > 0.10 is refused, naming the comparisons
    that disagree most with the rest."""
    template = _editable_template(actor, template)
    criteria = list(access.unrestricted(Criterion).filter(template=template))
    outcome = ahp_preview(criteria, upper)
    result = outcome.result
    if not result.consistent:
        raise BusinessError(
            _(
                "The comparisons are too inconsistent (consistency ratio %(cr)s, at most 0.10 "
                "is accepted). Most inconsistent: %(worst)s."
            )
            % {"cr": f"{result.cr:.3f}", "worst": "; ".join(describe_inconsistency(outcome))},
            code="inconsistent",
            field="matrix",
            details={"consistency_ratio": round(result.cr, 4)},
        )
    for c, w in zip(criteria, result.weights, strict=True):
        c.raw_weight = Decimal(str(w)).quantize(Decimal("0.0001"), ROUND_HALF_UP) or Decimal(
            "0.0001"
        )
        c.weight = Decimal(str(w)).quantize(WEIGHT_PLACES, ROUND_HALF_UP)
    access.unrestricted(Criterion).bulk_update(criteria, ["raw_weight", "weight"])
    template.weight_method = WeightMethod.AHP
    template.ahp_matrix = [
        [ahp.format_value(v) for v in row]
        for row in ahp.from_upper(len(criteria), _fractions(upper, len(criteria)))
    ]
    template.consistency_ratio = Decimal(str(result.cr)).quantize(Decimal("0.0001"))
    template.save()
    return outcome


def _fractions(upper, n):
    return {(i, j): ahp.parse_value(upper[(i, j)]) for i in range(n) for j in range(i + 1, n)}


# Rounds ------------------------------------------------------------------------------


def evaluator_choices():
    return User.objects.filter(role__in=list(EVALUATOR_ROLES), is_active=True).order_by("email")


@transaction.atomic
def round_create(
    *,
    actor: User,
    project: SourcingProject,
    data: dict[str, Any],
    candidates: list[ProjectCandidate],
    evaluators: list[User],
) -> EvaluationRound:
    project = access.get_object(actor, SourcingProject, Action.CHANGE, pk=project.pk)
    _require(actor, EvaluationRound, Action.ADD)
    evaluation = EvaluationRound(project=project, owner=actor)
    _apply(evaluation, data, ROUND_FIELDS)
    if (
        evaluation.template_id is None
        or not access.scope(actor, EvaluationTemplate).filter(pk=evaluation.template_id).exists()
    ):
        raise BusinessError(_("Choose an evaluation template."), field="template")
    if not access.unrestricted(Criterion).filter(template_id=evaluation.template_id).exists():
        raise BusinessError(_("The template has no criteria yet."), field="template")
    _clean(evaluation)
    candidate_ids = {c.pk for c in candidates}
    known = set(
        access.scope(actor, ProjectCandidate)
        .filter(project=project, pk__in=candidate_ids)
        .values_list("pk", flat=True)
    )
    if not candidate_ids or known != candidate_ids:
        raise BusinessError(_("Choose at least one candidate of this project."), field="candidates")
    evaluator_ids = {u.pk for u in evaluators}
    valid = set(evaluator_choices().filter(pk__in=evaluator_ids).values_list("pk", flat=True))
    if not evaluator_ids or valid != evaluator_ids:
        raise BusinessError(
            _("Choose at least one evaluator among active admins and partner managers."),
            field="evaluators",
        )
    evaluation.save()
    evaluation.candidates.set(sorted(candidate_ids))
    for pk in sorted(evaluator_ids):
        RoundEvaluator(round=evaluation, evaluator_id=pk).save()
    notify(
        list(evaluator_choices().filter(pk__in=evaluator_ids)),
        title=_("You are an evaluator of %(round)s") % {"round": evaluation.name},
        body=_("Score each candidate on each criterion, then submit your scores."),
        url=reverse("sourcing:round_detail", args=[evaluation.pk]),
    )
    return evaluation


@transaction.atomic
def round_set_status(*, actor: User, evaluation: EvaluationRound, status: str):
    evaluation = access.get_object(actor, EvaluationRound, Action.CHANGE, pk=evaluation.pk)
    if status not in RoundStatus.values:
        raise BusinessError(_("Unknown status."), field="status")
    evaluation.status = status
    evaluation.save()
    return evaluation


@transaction.atomic
def round_delete(*, actor: User, evaluation: EvaluationRound) -> None:
    evaluation = access.get_object(actor, EvaluationRound, Action.DELETE, pk=evaluation.pk)
    if access.unrestricted(Score).filter(round=evaluation).exists():
        raise BusinessError(_("A round with scores is kept for the record; close it instead."))
    evaluation.delete()


# Scores ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreEntry:
    candidate_id: int
    criterion_id: int
    value: Any  # validated here: a whole number on the criterion's scale
    comment: str = ""


def _evaluator_round(actor: User, evaluation: EvaluationRound) -> EvaluationRound:
    evaluation = access.get_object(
        actor,
        access.scope(actor, EvaluationRound).select_for_update(of=("self",)),
        pk=evaluation.pk,
    )
    is_evaluator = evaluation.evaluators.filter(pk=actor.pk).exists()
    if not is_evaluator and actor.role != Role.ADMIN:
        raise BusinessError(
            _("Only the round's evaluators score its candidates."), code="not_evaluator", status=403
        )
    _require(actor, Score, Action.ADD)
    if evaluation.status != RoundStatus.OPEN:
        raise BusinessError(_("The round is closed."), code="closed", status=409)
    if not is_evaluator:
        # An admin who scores joins the round as an evaluator, under the same rules.
        RoundEvaluator(round=evaluation, evaluator=actor).save()
    if access.unrestricted(Submission).filter(round=evaluation, evaluator=actor).exists():
        raise BusinessError(
            _("You have submitted your scores; they can no longer change."),
            code="submitted",
            status=409,
        )
    return evaluation


def _score_value(value: Any, criterion: Criterion, candidate_name: str) -> int:
    message = _(
        "The score of %(candidate)s on %(criterion)s must be a whole number from %(low)s to "
        "%(high)s."
    ) % {
        "candidate": candidate_name,
        "criterion": criterion.name,
        "low": criterion.scale_min,
        "high": criterion.scale_max,
    }
    if isinstance(value, bool):
        raise BusinessError(message, field="scores", code="out_of_scale")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise BusinessError(message, field="scores", code="out_of_scale") from exc
    if (
        not number.is_finite()
        or number != number.to_integral_value()
        or not criterion.scale_min <= number <= criterion.scale_max
    ):
        raise BusinessError(message, field="scores", code="out_of_scale")
    return int(number)


@transaction.atomic
def scores_save(
    *,
    actor: User,
    evaluation: EvaluationRound,
    entries: list[ScoreEntry],
    submit: bool = False,
) -> EvaluationRound:
    """Save the evaluator's own scores (all or none), and submit them if asked: submission
    needs every candidate scored on every criterion and makes the scores final."""
    evaluation = _evaluator_round(actor, evaluation)
    candidates = {c.pk: c for c in evaluation.candidates.select_related("partner")}
    criteria = {
        c.pk: c for c in access.unrestricted(Criterion).filter(template=evaluation.template_id)
    }
    existing = {
        (s.candidate_id, s.criterion_id): s
        for s in access.unrestricted(Score).filter(round=evaluation, evaluator=actor)
    }
    seen: set[tuple[int, int]] = set()
    to_create, to_update, to_delete = [], [], []
    for entry in entries:
        candidate = candidates.get(entry.candidate_id)
        criterion = criteria.get(entry.criterion_id)
        if candidate is None or criterion is None:
            raise BusinessError(
                _("A score names a candidate or criterion that is not in this round."),
                field="scores",
            )
        key = (candidate.pk, criterion.pk)
        if key in seen:
            raise BusinessError(
                _("%(candidate)s is scored twice on %(criterion)s.")
                % {"candidate": candidate.partner.name, "criterion": criterion.name},
                field="scores",
            )
        seen.add(key)
        if entry.value is None or str(entry.value).strip() == "":
            if key in existing:  # cleared: not scored any more
                to_delete.append(existing.pop(key))
            continue
        value = _score_value(entry.value, criterion, candidate.partner.name)
        comment = (entry.comment or "").strip()[:500]
        score = existing.get(key)
        if score is None:
            to_create.append(
                Score(
                    round=evaluation,
                    evaluator=actor,
                    candidate=candidate,
                    criterion=criterion,
                    value=value,
                    comment=comment,
                )
            )
        elif score.value != value or score.comment != comment:
            score.value, score.comment = value, comment
            to_update.append(score)
    for score in to_delete:
        score.delete()
    for score in to_create + to_update:
        score.save()
    if submit:
        given = len(existing.keys() | {(s.candidate_id, s.criterion_id) for s in to_create})
        expected = len(candidates) * len(criteria)
        if given < expected:
            raise BusinessError(
                _(
                    "Score every candidate on every criterion before submitting "
                    "(%(missing)s missing)."
                )
                % {"missing": expected - given},
                code="incomplete",
                field="scores",
            )
        Submission(round=evaluation, evaluator=actor).save()
    return evaluation


# Decisions ---------------------------------------------------------------------------


@transaction.atomic
def candidate_decide(
    *, actor: User, candidate: ProjectCandidate, decision: str, reason: str = ""
) -> ProjectCandidate:
    """Select (the partner moves on to onboarding, through "candidate" when it is still a
    prospect), reject with a reason, or hold. Selection is final."""
    candidate = access.get_object(
        actor,
        access.scope(actor, ProjectCandidate, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=candidate.pk,
    )
    reason = (reason or "").strip()
    if decision not in (Decision.SELECTED, Decision.REJECTED, Decision.ON_HOLD):
        raise BusinessError(_("Choose select, reject or hold."), field="decision")
    if candidate.decision == Decision.SELECTED:
        raise BusinessError(
            _("This candidate has been selected already; the partner is onboarding."),
            code="decided",
            status=409,
        )
    if decision == Decision.REJECTED and not reason:
        raise BusinessError(_("Give the reason for the rejection."), field="reason")
    if decision == Decision.SELECTED:
        partner = candidate.partner
        path = {
            Stage.PROSPECT: [Stage.CANDIDATE, Stage.ONBOARDING],
            Stage.CANDIDATE: [Stage.ONBOARDING],
            Stage.APPLIED: [Stage.ONBOARDING],
        }.get(partner.stage)
        if path is None:
            raise BusinessError(
                _("%(name)s is %(stage)s and cannot be selected for onboarding.")
                % {"name": partner.name, "stage": Stage(partner.stage).label},
                code="stage_transition",
            )
        for stage in path:
            partner = partner_services.partner_change_stage(
                actor=actor, partner=partner, stage=stage
            )
    candidate.decision = decision
    candidate.decision_reason = reason
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.save()
    emit(
        "sourcing.candidate_decided",
        candidate_id=candidate.pk,
        partner_id=candidate.partner_id,
        project_id=candidate.project_id,
        decision=decision,
    )
    return candidate
