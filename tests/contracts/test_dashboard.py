"""The back-office dashboard's lifecycle cards: contracts by upcoming deadline and
onboarding in progress."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from prm.core import access
from prm.onboarding import services as onboarding_services
from prm.partners.models import Partner
from tests.conftest import login
from tests.contracts.factories import make_contract

pytestmark = pytest.mark.django_db


def card(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</ul>", start) if "</ul>" in html[start:] else None]


def test_dashboard_lists_deadlines_soonest_first_and_onboarding(
    client, manager, partner_a, partner_b
):
    today = timezone.localdate()
    make_contract(
        partner_b,
        title="Bravo supply",
        signed_on=date(2020, 1, 1),
        start_date=date(2020, 1, 1),
        end_date=today + timedelta(days=45),
        notice_days=30,
    )
    make_contract(
        partner_a,
        title="Alpha reseller",
        signed_on=date(2020, 1, 1),
        start_date=date(2020, 1, 1),
        end_date=today + timedelta(days=20),
        notice_days=10,
    )
    make_contract(partner_a, title="Alpha draft", end_date=today + timedelta(days=5))
    access.unrestricted(Partner).filter(pk=partner_a.pk).update(stage="onboarding")
    onboarding_services.journey_start(actor=manager, partner=partner_a)

    login(client, manager)
    html = client.get(reverse("home")).content.decode()
    deadlines = card(html, "contract-deadlines")
    # Alpha's notice deadline (in 10 days) comes before Bravo's (in 15 days); drafts have none.
    assert deadlines.index("Alpha reseller") < deadlines.index("Bravo supply")
    assert "in 10 days" in deadlines and "in 15 days" in deadlines
    assert "Alpha draft" not in deadlines
    onboarding = card(html, "onboarding-in-progress")
    assert "1 journey under way" in onboarding and "Alpha Systems" in onboarding


def test_dashboard_without_deadlines_says_so(client, analyst):
    login(client, analyst)
    html = client.get(reverse("home")).content.decode()
    assert "No deadline in the next 90 days." in html
    assert "0 applications to review" in html
