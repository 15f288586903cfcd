"""`prm seed-demo` loads the lifecycle demo: sourcing, applications and onboarding journeys,
contracts in every status and compliance documents in every state."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from prm.contracts.models import ComplianceStatus, Contract, NegotiationRound, PartnerCompliance
from prm.contracts.status import status, with_status_data
from prm.core import access
from prm.onboarding.models import Application, ApplicationStatus, Journey
from prm.sourcing.models import EvaluationRound, EvaluationTemplate, ProjectCandidate, Submission


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def small(db):
    return seed("--partners", "60")


def test_the_lifecycle_demo(small):
    # One program, checked capability by capability (seeding is the slow part).
    sourcing_demo()
    onboarding_demo()
    contracts_demo()


def sourcing_demo():
    template = access.unrestricted(EvaluationTemplate).get()
    assert template.weight_method == "ahp" and template.consistency_ratio is not None
    evaluation = access.unrestricted(EvaluationRound).get()
    assert access.unrestricted(Submission).filter(round=evaluation).count() == 2
    decisions = set(access.unrestricted(ProjectCandidate).values_list("decision", flat=True))
    assert {"rejected", "hold", "pending"} <= decisions


def onboarding_demo():
    statuses = set(access.unrestricted(Application).values_list("status", flat=True))
    assert {ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED} <= statuses
    journeys = list(access.unrestricted(Journey).prefetch_related("steps"))
    assert len(journeys) >= 2
    assert any(j.completed_at for j in journeys)
    progress = {sum(1 for s in j.steps.all() if s.status != "open") for j in journeys}
    assert len(progress) >= 2  # journeys at different points


def contracts_demo():
    today = timezone.localdate()
    contracts = with_status_data(access.unrestricted(Contract))
    found = {status(c, today) for c in contracts}
    assert found >= {
        "draft",
        "negotiating",
        "signed",
        "active",
        "expiring",
        "expired",
        "renewed",
        "terminated",
    }
    negotiating = next(c for c in contracts if status(c, today) == "negotiating")
    rounds = access.unrestricted(NegotiationRound).filter(contract=negotiating)
    assert rounds.count() == 2
    assert rounds.get(number=1).comments.exists()
    states = set(access.unrestricted(PartnerCompliance).values_list("status", flat=True))
    assert states >= {ComplianceStatus.COMPLETE, ComplianceStatus.MISSING, ComplianceStatus.EXPIRED}


def test_reset_removes_and_reloads_the_lifecycle_demo(small):
    before = access.unrestricted(Contract).count()
    seed("--partners", "60", "--reset")
    assert access.unrestricted(Contract).count() == before
    assert access.unrestricted(EvaluationTemplate).count() == 1
