from decimal import Decimal

import pytest

from prm.accounts.roles import Role
from prm.sourcing import services
from tests.conftest import make_partner, make_user


@pytest.fixture
def manager2(db):
    return make_user(Role.PARTNER_MANAGER, first_name="Second")


@pytest.fixture
def project(manager):
    return services.project_create(
        actor=manager, data={"name": "2027 물류 협력사 발굴", "goal": "Find logistics partners"}
    )


@pytest.fixture
def prospects(manager, partner_a):
    """Three prospects owned by the manager (partner A among them)."""
    return [
        partner_a,
        make_partner(name="Cargo Korea", owner=manager),
        make_partner(name="Delta Freight", owner=manager, stage="candidate"),
    ]


@pytest.fixture
def candidates(manager, project, prospects):
    return [services.candidate_add(actor=manager, project=project, partner=p) for p in prospects]


@pytest.fixture
def template(manager):
    template = services.template_create(actor=manager, data={"name": "Logistics fit"})
    services.criterion_add(
        actor=manager,
        template=template,
        data={"name": "Coverage", "raw_weight": Decimal(3), "scale_max": 5},
    )
    services.criterion_add(
        actor=manager,
        template=template,
        data={"name": "Price", "raw_weight": Decimal(1), "scale_max": 10, "direction": "cost"},
    )
    return template


@pytest.fixture
def evaluation(manager, manager2, project, template, candidates):
    return services.round_create(
        actor=manager,
        project=project,
        data={"name": "Round 1", "template": template},
        candidates=candidates,
        evaluators=[manager, manager2],
    )


def criteria_of(template):
    from prm.core import access
    from prm.sourcing.models import Criterion

    return list(access.unrestricted(Criterion).filter(template=template))


def full_scores(evaluation, values):
    """ScoreEntry list from {(candidate_index, criterion_index): value}."""
    from prm.sourcing import selectors

    cands = selectors.candidates_of(evaluation)
    crits = selectors.criteria_of(evaluation)
    return [services.ScoreEntry(cands[i].pk, crits[j].pk, v) for (i, j), v in values.items()]
