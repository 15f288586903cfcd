"""The demo step: KPIs, the two templates, and results for the partners with observations."""

import datetime
import random
from types import SimpleNamespace

import pytest

from prm.core import access
from prm.scorecards import demo
from prm.scorecards.models import KPI, ScorecardResult, ScorecardTemplate
from tests.conftest import make_partner
from tests.scorecards.factories import observe

pytestmark = pytest.mark.django_db


def test_seed_and_wipe():
    supplier = make_partner(types=["supplier"])
    observe(supplier, "on_time_lines", "2026-08", 9)
    observe(supplier, "total_lines", "2026-08", 10)
    ctx = SimpleNamespace(rng=random.Random(1), today=datetime.date(2026, 11, 27), log=print)
    summary = demo.seed(ctx)
    assert "5 KPIs, 2 scorecard templates" in summary
    results = access.unrestricted(ScorecardResult).filter(partner=supplier)
    assert sorted(r.period.label for r in results) == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert results.get(period_start=datetime.date(2026, 7, 1)).score is not None
    demo.wipe()
    assert not ScorecardTemplate.objects.exists() and not KPI.objects.exists()
