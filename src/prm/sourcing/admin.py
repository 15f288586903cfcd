"""Sourcing in Django admin: setup data editable, evaluation records read-only (scores and
submissions are made by evaluators in the back office, never rewritten here)."""

from django.contrib import admin

from prm.core.admin import ReadOnlyModelAdmin, ScopedModelAdmin
from prm.sourcing import models

for model in (
    models.SourcingProject,
    models.ProjectSource,
    models.ProjectCandidate,
    models.CandidateSource,
    models.EvaluationTemplate,
    models.Criterion,
):
    admin.site.register(model, ScopedModelAdmin)

for model in (
    models.EvaluationRound,
    models.RoundEvaluator,
    models.Score,
    models.Submission,
):
    admin.site.register(model, ReadOnlyModelAdmin)
