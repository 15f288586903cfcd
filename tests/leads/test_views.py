"""Back-office lead pages and the partner's lead inbox in the portal."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prm.accounts.roles import Role
from prm.core import access
from prm.leads import services
from prm.leads.models import Lead, LeadAssignment, LeadRoutingRule, LeadStatus
from tests.conftest import login, make_partner, make_user


@pytest.fixture
def two_partners(db, manager):
    a = make_partner(name="Alpha Active", stage="active", owner=manager)
    b = make_partner(name="Bravo Active", stage="active")
    return a, b


def _offer(admin, partner, **fields):
    """A lead offered to ``partner`` by a rule that weighs only it."""
    rule, _created = LeadRoutingRule.objects.get_or_create(name="Only", defaults={"order": 1})
    rule.weights, rule.default_weight = {str(partner.pk): 1}, 0
    rule.save()
    fields.setdefault("company_name", f"Lead for {partner.name}")
    lead = services.lead_create(actor=admin, data=fields)
    assert lead.partner == partner
    return lead


def _reload(lead):
    return access.unrestricted(Lead).get(pk=lead.pk)


# Back office ----------------------------------------------------------------------------


def test_staff_create_a_lead_and_see_why_it_went_where(client, admin_user, two_partners):
    a, _b = two_partners
    LeadRoutingRule.objects.create(name="Everyone", order=1, weights={str(a.pk): 1})
    login(client, admin_user)
    response = client.post(
        reverse("leads:create"),
        {
            "company_name": "(주)한빛소프트",
            "country": "KR",
            "estimated_value": "15000000",
            "currency": "KRW",
        },
    )
    lead = access.unrestricted(Lead).get()
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "(주)한빛소프트" in page
    assert "Everyone" in page  # the rule, in the explanation
    assert "Why this partner" in page
    listing = client.get(reverse("leads:list"), {"q": "한빛"}).content.decode()
    assert "(주)한빛소프트" in listing


def test_bad_input_on_the_form_shows_errors_and_stores_nothing(client, admin_user):
    login(client, admin_user)
    response = client.post(
        reverse("leads:create"),
        {"company_name": "X", "country": "KR", "estimated_value": "-5", "currency": "KRW"},
    )
    assert response.status_code == 200
    assert "The value cannot be negative." in response.content.decode()
    response = client.post(
        reverse("leads:create"),
        {"company_name": "X", "country": "KR", "estimated_value": "5", "currency": "XXX"},
    )
    assert response.status_code == 200
    assert not access.unrestricted(Lead).exists()


def test_staff_reroute_and_edit(client, admin_user, two_partners):
    a, b = two_partners
    lead = _offer(admin_user, a)
    rule = LeadRoutingRule.objects.get()
    rule.weights = {str(b.pk): 1}
    rule.save()
    login(client, admin_user)
    response = client.post(reverse("leads:reroute", args=[lead.pk]))
    assert response.status_code == 302
    assert _reload(lead).partner == b
    response = client.post(
        reverse("leads:edit", args=[lead.pk]),
        {
            "company_name": "Renamed",
            "country": "KR",
            "estimated_value": "1",
            "currency": "USD",
        },
    )
    assert response.status_code == 302
    assert _reload(lead).company_name == "Renamed"
    assert _reload(lead).currency == "USD"


def test_the_analyst_reads_but_changes_nothing(client, analyst, admin_user, two_partners):
    lead = _offer(admin_user, two_partners[0])
    login(client, analyst)
    assert client.get(lead.get_absolute_url()).status_code == 200
    assert client.post(reverse("leads:reroute", args=[lead.pk])).status_code == 403
    assert client.get(reverse("leads:create")).status_code == 403
    assert len(list(access.unrestricted(LeadAssignment).filter(lead=lead))) == 1


def test_the_rules_page_lists_rules_in_order(client, manager):
    LeadRoutingRule.objects.create(name="Second", order=20)
    LeadRoutingRule.objects.create(name="First", order=10, countries=["KR"], capacity=3)
    login(client, manager)
    page = client.get(reverse("leads:rules")).content.decode()
    assert page.index("First") < page.index("Second")


def test_portal_users_do_not_get_the_back_office(client, portal_admin_a):
    login(client, portal_admin_a)
    assert client.get(reverse("leads:list")).status_code == 404


# Portal ---------------------------------------------------------------------------------


def test_the_inbox_shows_only_the_partners_own_leads(client, admin_user, two_partners):
    a, b = two_partners
    mine = _offer(admin_user, a, company_name="Alpha's lead")
    theirs = _offer(admin_user, b, company_name="Bravo's secret lead")
    user_a = make_user(Role.PARTNER_USER, a)
    login(client, user_a)
    page = client.get(reverse("leads:portal_inbox")).content.decode()
    assert "Alpha&#x27;s lead" in page or "Alpha's lead" in page
    assert "Bravo" not in page
    assert client.get(reverse("leads:portal_detail", args=[mine.pk])).status_code == 200
    for name in ("portal_detail", "portal_accept", "portal_decline"):
        url = reverse(f"leads:{name}", args=[theirs.pk])
        method = client.get if name == "portal_detail" else client.post
        assert method(url).status_code == 404
    assert _reload(theirs).status == LeadStatus.OFFERED


def test_accept_in_the_portal(client, admin_user, two_partners):
    a, _b = two_partners
    lead = _offer(admin_user, a)
    login(client, make_user(Role.PARTNER_ADMIN, a))
    response = client.post(reverse("leads:portal_accept", args=[lead.pk]), follow=True)
    assert "You accepted the lead" in response.content.decode()
    assert _reload(lead).status == LeadStatus.ACCEPTED


def test_accept_after_the_answer_time_shows_why_and_changes_nothing(
    client, admin_user, two_partners
):
    a, _b = two_partners
    lead = _offer(admin_user, a)
    access.unrestricted(Lead).filter(pk=lead.pk).update(sla_due=timezone.now() - timedelta(hours=1))
    login(client, make_user(Role.PARTNER_USER, a))
    response = client.post(reverse("leads:portal_accept", args=[lead.pk]), follow=True)
    assert "The time to answer this lead ended" in response.content.decode()
    assert _reload(lead).status == LeadStatus.OFFERED


def test_decline_in_the_portal_needs_a_reason_and_then_hands_the_lead_on(
    client, admin_user, two_partners
):
    a, b = two_partners
    lead = _offer(admin_user, a)
    rule = LeadRoutingRule.objects.get()
    rule.default_weight = 1
    rule.save()
    login(client, make_user(Role.PARTNER_USER, a))
    url = reverse("leads:portal_decline", args=[lead.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Say why you decline the lead." in response.content.decode()
    assert _reload(lead).partner == a
    response = client.post(url, {"reason": "Out of our region"})
    assert response.status_code == 302
    assert _reload(lead).partner == b
    # Gone from A's inbox, and its page is now a 404 for A.
    inbox = client.get(reverse("leads:portal_inbox")).content.decode()
    assert "You declined the lead" in inbox
    assert 'data-testid="lead-inbox"' not in inbox  # the table of leads is empty
    assert client.get(reverse("leads:portal_detail", args=[lead.pk])).status_code == 404


def test_staff_following_a_portal_link_land_on_the_back_office_page(
    client, admin_user, two_partners
):
    lead = _offer(admin_user, two_partners[0])
    login(client, admin_user)
    response = client.get(reverse("leads:portal_detail", args=[lead.pk]))
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()


def test_the_portal_nav_links_the_inbox(admin_user, two_partners):
    client = login(Client(), make_user(Role.PARTNER_USER, two_partners[0]))
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("leads:portal_inbox") in page


def test_the_partner_registers_an_accepted_lead_as_a_deal_in_one_click(
    client, admin_user, two_partners
):
    from prm.sales.models import Deal

    a, _b = two_partners
    lead = _offer(admin_user, a, company_name="Hanbit Soft", estimated_value="1000")
    login(client, make_user(Role.PARTNER_USER, a))
    client.post(reverse("leads:portal_accept", args=[lead.pk]))
    page = client.get(reverse("leads:portal_detail", args=[lead.pk])).content.decode()
    assert 'data-testid="register-deal"' in page
    response = client.post(reverse("leads:portal_convert", args=[lead.pk]))
    deal = access.unrestricted(Deal).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:portal_detail", args=[deal.pk])
    assert _reload(lead).deal_id == deal.pk
    assert deal.partner == a


def test_staff_convert_an_accepted_lead(client, admin_user, two_partners):
    from prm.sales.models import Deal

    a, _b = two_partners
    lead = _offer(admin_user, a)
    services.lead_accept(actor=make_user(Role.PARTNER_USER, a), lead=lead)
    login(client, admin_user)
    response = client.post(reverse("leads:convert", args=[lead.pk]))
    deal = access.unrestricted(Deal).get()
    assert response["Location"] == reverse("sales:detail", args=[deal.pk])
    assert _reload(lead).status == LeadStatus.CONVERTED
