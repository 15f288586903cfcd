"""Samples of the sourcing models for the generated access tests (tests/access)."""

from decimal import Decimal

from tests.access.samples import generic


def criterion(model, side):
    """A criterion of the side's template (its owner is reached through the template)."""
    template = side.sample(model._meta.get_field("template").related_model)
    obj = model(template=template, name=side.text(model, 120), weight=Decimal(1))
    obj.save()
    return obj


def project_source(model, side):
    """A source of the side's project (its owner is reached through the project)."""
    project = side.sample(model._meta.get_field("project").related_model)
    obj = model(project=project, title=side.text(model, 200), text=side.text(model))
    obj.save()
    return obj


FACTORIES = {
    "sourcing.ProjectSource": project_source,
    "sourcing.SourcingProject": generic,
    "sourcing.ProjectCandidate": generic,
    "sourcing.CandidateSource": generic,
    "sourcing.EvaluationTemplate": generic,
    "sourcing.Criterion": criterion,
    "sourcing.EvaluationRound": generic,
    "sourcing.RoundEvaluator": generic,
    "sourcing.Score": generic,
    "sourcing.Submission": generic,
}

PARAM_MODELS = {
    ("sourcing:project_detail", "pk"): "sourcing.SourcingProject",
    ("sourcing:project_edit", "pk"): "sourcing.SourcingProject",
    ("sourcing:project_delete", "pk"): "sourcing.SourcingProject",
    ("sourcing:candidate_add", "pk"): "sourcing.SourcingProject",
    ("sourcing:project_source_add", "pk"): "sourcing.SourcingProject",
    ("sourcing:project_source_delete", "pk"): "sourcing.ProjectSource",
    ("sourcing:round_create", "pk"): "sourcing.SourcingProject",
    ("sourcing:candidate_detail", "pk"): "sourcing.ProjectCandidate",
    ("sourcing:candidate_notes", "pk"): "sourcing.ProjectCandidate",
    ("sourcing:candidate_remove", "pk"): "sourcing.ProjectCandidate",
    ("sourcing:source_add", "pk"): "sourcing.ProjectCandidate",
    ("sourcing:candidate_decide", "pk"): "sourcing.ProjectCandidate",
    ("sourcing:source_delete", "pk"): "sourcing.CandidateSource",
    ("sourcing:template_detail", "pk"): "sourcing.EvaluationTemplate",
    ("sourcing:template_edit", "pk"): "sourcing.EvaluationTemplate",
    ("sourcing:template_delete", "pk"): "sourcing.EvaluationTemplate",
    ("sourcing:template_copy", "pk"): "sourcing.EvaluationTemplate",
    ("sourcing:criterion_add", "pk"): "sourcing.EvaluationTemplate",
    ("sourcing:template_weights", "pk"): "sourcing.EvaluationTemplate",
    ("sourcing:template_ahp", "pk"): "sourcing.EvaluationTemplate",
    ("sourcing:criterion_delete", "pk"): "sourcing.Criterion",
    ("sourcing:round_detail", "pk"): "sourcing.EvaluationRound",
    ("sourcing:round_scores", "pk"): "sourcing.EvaluationRound",
    ("sourcing:round_status", "pk"): "sourcing.EvaluationRound",
    ("sourcing:round_delete", "pk"): "sourcing.EvaluationRound",
    ("GET /api/v1/evaluations/{round_id}", "round_id"): "sourcing.EvaluationRound",
    ("POST /api/v1/evaluations/{round_id}/scores", "round_id"): "sourcing.EvaluationRound",
}
PARAM_MODELS[("POST /api/v1/evaluations/candidates/{candidate_id}/decision", "candidate_id")] = (
    "sourcing.ProjectCandidate"
)
