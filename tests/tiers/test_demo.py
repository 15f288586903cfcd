"""The tier program's demo step: requirements, benefits and a few pending proposals."""

import random
from types import SimpleNamespace

import pytest
from django.utils import timezone

from prm.core import access
from prm.demo.seed import DemoContext
from prm.tiers import demo
from prm.tiers.models import TierBenefit, TierProposal, TierRequirement
from tests.conftest import make_partner
from tests.tiers.factories import set_revenue

pytestmark = pytest.mark.django_db


def test_seed_writes_the_program_and_some_proposals(tiers):
    partners = [make_partner(stage="active", tier=tiers["registered"]) for _ in range(3)]
    set_revenue(partners[0], 80_000_000)
    ctx = DemoContext(
        rng=random.Random(1),
        today=timezone.localdate(),
        staff={},
        managers=[],
        companies=[SimpleNamespace(partner=p) for p in partners],
        contacts={},
        log=lambda _text: None,
    )
    summary = demo.seed(ctx)
    assert TierBenefit.objects.count() == 4
    assert TierRequirement.objects.filter(tier=tiers["silver"], kind="revenue").exists()
    proposal = access.unrestricted(TierProposal).get()
    assert (proposal.partner, proposal.proposed_tier) == (partners[0], tiers["silver"])
    assert "1 pending tier proposals" in summary
    # Seeding again starts the program over instead of doubling it.
    demo.seed(ctx)
    assert TierBenefit.objects.count() == 4
