"""Pages of the tier program in the back office and the portal, and the partner's own
dashboard."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from prm.accounts.roles import Role
from prm.core import access
from prm.partners.models import Partner
from prm.tiers import services
from prm.tiers.models import TierChange, TierProposal
from tests.conftest import login, make_partner, make_user
from tests.dashboard.factories import observe, result
from tests.tiers.factories import make_program, set_revenue

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(db):
    return make_program()


@pytest.fixture
def pending(program, manager):
    partner = make_partner(name="Hanbit", stage="active", tier=program["silver"], owner=manager)
    set_revenue(partner, 600_000_000)
    services.tier_review()
    return access.unrestricted(TierProposal).get()


def test_program_page_lists_tiers_and_admins_run_the_review(client, admin_user, program):
    partner = make_partner(stage="active", tier=program["registered"])
    set_revenue(partner, 150_000_000)
    login(client, admin_user)
    html = client.get(reverse("tiers:program")).content.decode()
    assert 'data-tier="platinum"' in html and "Discount 15%" in html
    assert "Revenue over the last 4 quarters at least 1,000,000,000 KRW" in html
    preview = client.post(reverse("tiers:review"), {"dry_run": "on"})
    assert preview.status_code == 200 and "Nothing was saved" in preview.content.decode()
    assert not access.unrestricted(TierProposal).exists()
    response = client.post(reverse("tiers:review"))
    assert response.status_code == 302
    assert access.unrestricted(TierProposal).get().proposed_tier == program["silver"]


def test_managers_do_not_run_the_review(client, manager, program):
    login(client, manager)
    assert "Run tier review" not in client.get(reverse("tiers:program")).content.decode()
    assert client.post(reverse("tiers:review")).status_code == 403


def test_manager_approves_from_the_proposal_page(client, manager, pending, program):
    login(client, manager)
    url = reverse("tiers:proposal_detail", args=[pending.pk])
    html = client.get(url).content.decode()
    assert "600000000" in html and 'data-testid="approve-form"' in html
    listing = client.get(reverse("tiers:proposals")).content.decode()
    assert "Hanbit" in listing
    response = client.post(reverse("tiers:proposal_approve", args=[pending.pk]), {"note": "OK"})
    assert response.status_code == 302
    assert access.unrestricted(Partner).get(pk=pending.partner_id).tier == program["gold"]
    again = client.post(reverse("tiers:proposal_approve", args=[pending.pk]), follow=True)
    assert "already been decided" in again.content.decode()
    assert access.unrestricted(TierChange).count() == 1


def test_override_without_a_note_is_refused_and_changes_nothing(client, manager, pending):
    login(client, manager)
    response = client.post(
        reverse("tiers:proposal_override", args=[pending.pk]), {"tier": "keep", "note": ""}
    )
    assert response.status_code == 400
    assert "Say why you override the proposal." in response.content.decode()
    assert access.unrestricted(TierProposal).get().status == "pending"


def test_analyst_sees_but_cannot_decide(client, analyst, pending):
    login(client, analyst)
    html = client.get(reverse("tiers:proposal_detail", args=[pending.pk])).content.decode()
    assert 'data-testid="approve-form"' not in html
    response = client.post(reverse("tiers:proposal_approve", args=[pending.pk]))
    assert response.status_code == 403


def test_partner_history_page(client, manager, pending, program):
    services.proposal_approve(actor=manager, proposal=pending)
    login(client, manager)
    html = client.get(reverse("tiers:history", args=[pending.partner_id])).content.decode()
    assert 'data-testid="tier-history"' in html and "Gold" in html
    assert "Requirements for Platinum" in html


def test_portal_shows_next_tier_requirements_gap_and_history(client, program, manager):
    partner = make_partner(stage="active", tier=program["silver"], owner=manager)
    user = make_user(Role.PARTNER_USER, partner)
    set_revenue(partner, 300_000_000)
    login(client, user)
    html = client.get(reverse("tiers:portal")).content.decode()
    assert "What you need for Gold" in html
    row = re.search(r'<tr data-requirement="\d+" data-met="no">(.*?)</tr>', html, re.S).group(1)
    assert "300000000" in row and "500000000" in row and "200000000" in row
    assert "Discount 5%" in html and "Discount 10%" in html


def test_portal_tier_pages_are_only_for_portal_users(client, manager):
    login(client, manager)
    assert client.get(reverse("tiers:portal")).status_code == 404
    assert client.get(reverse("tiers:portal_dashboard")).status_code == 404


def test_portal_users_never_see_proposals(client, pending, portal_user_a):
    login(client, portal_user_a)
    assert client.get(reverse("tiers:proposals")).status_code == 404
    url = reverse("tiers:proposal_detail", args=[pending.pk])
    assert client.get(url).status_code == 404


def test_partner_dashboard_shows_own_figures_and_no_other_partner(client, tiers):
    gold = tiers["gold"]
    me = make_partner(name="Alpha Own", stage="active", tier=gold)
    others = [make_partner(name=f"Secret Rival {i}", stage="active", tier=gold) for i in range(5)]
    result(me, 77.5, "good", kpi_scores=(64.25, 90.5))
    for i, other in enumerate(others):
        result(other, 40 + i * 10, "watch", kpi_scores=(11.11 + i, 22.22))
        observe(other, "revenue", timezone.localdate(), 987654321)
    observe(me, "revenue", timezone.localdate(), 1234567)
    user = make_user(Role.PARTNER_USER, me)
    login(client, user)
    html = client.get(reverse("tiers:portal_dashboard")).content.decode()
    assert re.search(r'data-testid="score">77\.5<', html)
    # Above 4 of the 5 others (40, 50, 60, 70; below 80).
    assert re.search(r'data-testid="percentile">80<', html)
    assert "64.25" in html and "1234567" in html
    assert "Secret Rival" not in html
    for figure in ("987654321", "11.11", "22.22", "40.0", "80.0"):
        assert figure not in html, figure


def test_percentile_is_hidden_in_a_small_tier(client, tiers):
    me = make_partner(name="Small", stage="active", tier=tiers["platinum"])
    other = make_partner(name="Only Other", stage="active", tier=tiers["platinum"])
    result(me, 70, "good")
    result(other, 10, "critical")
    login(client, make_user(Role.PARTNER_ADMIN, me))
    html = client.get(reverse("tiers:portal_dashboard")).content.decode()
    assert "Shown when your tier has at least 5 scored partners." in html


def test_partner_page_links_to_the_tier_history(client, manager, program):
    partner = make_partner(stage="active", tier=program["gold"], owner=manager)
    login(client, manager)
    html = client.get(reverse("partners:detail", args=[partner.pk])).content.decode()
    assert f'href="{reverse("tiers:history", args=[partner.pk])}"' in html
