"""The trend of open risks by level, rebuilt from the assessment history."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from prm.core import access
from prm.risks import selectors, services
from prm.risks.models import Assessment, Risk
from tests.risks.factories import add_action, raise_risk

pytestmark = pytest.mark.django_db


def at(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


def backdate(risk, raised_days_ago, *assessed_days_ago):
    access.unrestricted(Risk).filter(pk=risk.pk).update(raised_at=at(raised_days_ago))
    ids = (
        access.unrestricted(Assessment)
        .filter(risk=risk)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    for pk, days in zip(ids, assessed_days_ago, strict=True):
        access.unrestricted(Assessment).filter(pk=pk).update(assessed_at=at(days))


def test_trend_follows_assessments_and_closing(manager, partner_a):
    # High for weeks 5..2, then mitigated to low.
    mitigated = raise_risk(manager, partner_a, likelihood=4, impact=4, title="Mitigated")
    services.risk_assess(actor=manager, risk=mitigated, kind="residual", likelihood=1, impact=2)
    backdate(mitigated, 35, 35, 14)
    # Medium from week 3, closed 10 days ago.
    closed = raise_risk(manager, partner_a, likelihood=3, impact=3, title="Closed")
    add_action(manager, closed, status="done")
    services.risk_close(actor=manager, risk=closed)
    backdate(closed, 21, 21)
    access.unrestricted(Risk).filter(pk=closed.pk).update(closed_at=at(10))
    _filterset, queryset = selectors.risk_list(user=manager, params=None)
    trend = selectors.trend(queryset, weeks=6)
    # points: 35, 28, 21, 14, 7, 0 days ago (end of day)
    assert trend.series["high"] == [1, 1, 1, 0, 0, 0]
    assert trend.series["low"] == [0, 0, 0, 1, 1, 1]
    assert trend.series["medium"] == [0, 0, 1, 1, 0, 0]
    assert trend.series["critical"] == [0] * 6
