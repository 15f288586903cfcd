"""`prm seed-demo` loads the co-selling demo: deals in every stage and status with won deals
over the last 24 months, the visible conflict pair, two-tier deals, activities, routed leads
with their explanations and answers, commission rules and an approved statement."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from prm.commissions.models import CommissionRule, CommissionStatement, StatementStatus
from prm.core import access
from prm.leads.models import AssignmentResponse, Lead, LeadAssignment, LeadRoutingRule
from prm.sales.models import (
    Deal,
    DealActivity,
    DealConflict,
    DealPartner,
    DealStatus,
    StageCode,
)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def small(db):
    return seed("--partners", "60")


def test_the_co_selling_demo(small):
    # One program, checked capability by capability (seeding is the slow part).
    sales_demo()
    leads_demo()
    commissions_demo()
    assert "conflict pair (주)한빛소프트 / 한빛소프트 주식회사" in small


def test_the_demo_goes_away_with_the_demo_partners(small):
    from prm.commissions import demo as commissions_demo_module
    from prm.demo.seed import demo_partners
    from prm.leads import demo as leads_demo_module
    from prm.sales import demo as sales_demo_module

    for module in (commissions_demo_module, leads_demo_module, sales_demo_module):
        module.wipe()
    assert not access.unrestricted(Deal).filter(partner__in=demo_partners()).exists()
    assert not access.unrestricted(CommissionStatement).exists()
    assert not access.unrestricted(Lead).filter(external_id__startswith="demo:lead:").exists()


def sales_demo():
    deals = access.unrestricted(Deal)
    assert set(deals.values_list("stage__code", flat=True)) == set(StageCode.values)
    assert set(deals.values_list("status", flat=True)) >= {
        DealStatus.SUBMITTED,
        DealStatus.UNDER_REVIEW,
        DealStatus.APPROVED,
        DealStatus.REJECTED,
        DealStatus.EXPIRED,
    }
    won = deals.filter(stage__code=StageCode.WON)
    now = timezone.now()
    assert won.count() >= 20
    assert won.filter(won_at__lt=now - timedelta(days=365)).exists()
    assert won.filter(won_at__gte=now - timedelta(days=90)).exists()
    assert not won.filter(won_at__lt=now - timedelta(days=24 * 31)).exists()
    # The conflict pair: the second registration is held for review against the first.
    first = deals.get(customer_name="(주)한빛소프트")
    second = deals.get(customer_name="한빛소프트 주식회사")
    assert first.partner_id != second.partner_id and first.account_id == second.account_id
    assert second.status == DealStatus.UNDER_REVIEW
    assert access.unrestricted(DealConflict).filter(deal=second, conflicting_deal=first).exists()
    assert access.unrestricted(DealPartner).values("deal").distinct().count() >= 1
    activities = access.unrestricted(DealActivity)
    assert activities.filter(shared=True).exists() and activities.filter(shared=False).exists()


def leads_demo():
    assert LeadRoutingRule.objects.filter(name__startswith="데모").count() == 3
    leads = access.unrestricted(Lead).filter(external_id__startswith="demo:lead:")
    assert leads.count() == 12
    assignments = access.unrestricted(LeadAssignment).filter(lead__in=leads)
    assert all(a.explanation for a in assignments)
    responses = set(assignments.values_list("response", flat=True))
    assert {AssignmentResponse.ACCEPTED, AssignmentResponse.DECLINED} <= responses
    assert assignments.filter(response=AssignmentResponse.DECLINED).exclude(reason="").exists()


def commissions_demo():
    assert access.unrestricted(CommissionRule).filter(notes="demo").count() == 4
    statements = access.unrestricted(CommissionStatement)
    assert statements.filter(status=StatementStatus.APPROVED).count() == 1
    approved = statements.get(status=StatementStatus.APPROVED)
    assert approved.total > 0 and approved.lines.exists()
