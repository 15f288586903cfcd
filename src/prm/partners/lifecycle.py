"""The partner lifecycle: stages and the transitions allowed between them, in one place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    CANDIDATE = "candidate", _("Candidate")
    APPLIED = "applied", _("Applied")
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    OFFBOARDED = "offboarded", _("Offboarded")


TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.PROSPECT: frozenset({Stage.CANDIDATE, Stage.APPLIED, Stage.OFFBOARDED}),
    Stage.CANDIDATE: frozenset({Stage.PROSPECT, Stage.APPLIED, Stage.ONBOARDING, Stage.OFFBOARDED}),
    Stage.APPLIED: frozenset({Stage.CANDIDATE, Stage.ONBOARDING, Stage.OFFBOARDED}),
    Stage.ONBOARDING: frozenset({Stage.ACTIVE, Stage.OFFBOARDED}),
    Stage.ACTIVE: frozenset({Stage.SUSPENDED, Stage.OFFBOARDED}),
    Stage.SUSPENDED: frozenset({Stage.ACTIVE, Stage.OFFBOARDED}),
    Stage.OFFBOARDED: frozenset({Stage.PROSPECT}),
}


def can_move(current: str, target: str) -> bool:
    return target == current or target in TRANSITIONS.get(current, frozenset())


def next_stages(current: str) -> list[Stage]:
    return [Stage(s) for s in Stage.values if s in TRANSITIONS.get(current, frozenset())]
