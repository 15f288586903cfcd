"""Samples of the onboarding models for the generated access tests (tests/access)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from prm.onboarding.models import Journey, JourneyStep, StepKind, StepOwner
from tests.access.samples import generic


def _journey(model, side):
    obj = Journey(partner=side.partner, started_at=timezone.now())
    obj.save()
    return obj


def step(model, side):
    """An open task of the partner's, overdue, so that completing it is a real change."""
    obj = JourneyStep(
        journey=side.sample(Journey),
        order=1,
        title=side.text(model, 200),
        kind=StepKind.TASK,
        owner=StepOwner.PARTNER,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    obj.save()
    return obj


FACTORIES = {
    "onboarding.Application": generic,
    "onboarding.Journey": _journey,
    "onboarding.JourneyStep": step,
}

UNRESTRICTED_MODELS = {
    "onboarding.JourneyTemplate": "the onboarding steps per partner type, edited by admins in "
    "Django admin; they hold no partner's data",
    "onboarding.TemplateStep": "a step of an onboarding template (see JourneyTemplate)",
    "onboarding.AutoApprovalRule": "admins' rules for approving applications, edited in Django "
    "admin; they hold no partner's data",
}

PARAM_MODELS: dict[tuple[str, str], str] = {}
