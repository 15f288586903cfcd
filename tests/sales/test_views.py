from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from prm.core import access
from prm.sales import services
from prm.sales.models import Account, Deal, DealStatus
from tests.conftest import login, make_user
from tests.sales.conftest import register

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "customer_name": "(주)한빛소프트",
        "customer_domain": "sales@hanbit.co.kr",
        "customer_registration_number": "",
        "contact_name": "김철수",
        "contact_email": "kim@hanbit.co.kr",
        "product_category": "",
        "products": "ERP licences",
        "amount": "5000000",
        "currency": "KRW",
        "expected_close_date": (timezone.localdate() + timedelta(days=40)).isoformat(),
    }
    data.update(overrides)
    return data


def test_portal_registration_in_one_form(client, portal_user_a):
    login(client, portal_user_a)
    page = client.get(reverse("sales:portal_register"))
    assert page.status_code == 200
    response = client.post(reverse("sales:portal_register"), form_data())
    deal = access.unrestricted(Deal).get()
    assert response.status_code == 302
    assert response.url == reverse("sales:portal_detail", args=[deal.pk])
    assert deal.account.domain == "hanbit.co.kr"
    assert deal.partner_id == portal_user_a.partner_id
    detail = client.get(response.url)
    assert "waiting for review" in detail.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "-5"}, "The amount cannot be negative."),
        ({"currency": "XYZ"}, "Select a valid choice."),
        (
            {"expected_close_date": (timezone.localdate() - timedelta(days=2)).isoformat()},
            "The expected close date cannot be in the past.",
        ),
        ({"customer_name": "Alpha Systems"}, "cannot register a deal for its own company"),
        ({"customer_domain": "not a domain"}, "is not a domain"),
    ],
)
def test_portal_registration_bad_input(client, portal_user_a, overrides, message):
    login(client, portal_user_a)
    response = client.post(reverse("sales:portal_register"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not access.unrestricted(Deal).exists()
    assert not access.unrestricted(Account).exists()


def test_partner_sees_only_under_review_never_the_other_deal(
    client, portal_user_a, partner_a, portal_admin_b, partner_b
):
    first = register(portal_user_a, partner_a, title="Alpha secret ERP deal")
    second = register(portal_admin_b, partner_b, name="한빛소프트 주식회사", title="Bravo deal")
    login(client, portal_admin_b)
    page = client.get(reverse("sales:portal_detail", args=[second.pk])).content.decode()
    assert "under review for a possible conflict" in page
    assert "Alpha secret ERP deal" not in page
    assert partner_a.name not in page
    assert client.get(reverse("sales:portal_detail", args=[first.pk])).status_code == 404
    listing = client.get(reverse("sales:portal_list")).content.decode()
    assert "Bravo deal" in listing and "Alpha secret" not in listing
    # The staff pages are not the partner's to find.
    assert client.get(reverse("sales:detail", args=[second.pk])).status_code == 404


def test_reviewer_sees_conflicts_and_decides(client, manager, portal_user_a, partner_a, owned_b):
    b_user = make_user("partner_user", owned_b)
    first = register(portal_user_a, partner_a)
    second = register(b_user, owned_b, name="한빛소프트 주식회사")
    login(client, manager)
    page = client.get(reverse("sales:detail", args=[second.pk])).content.decode()
    assert 'data-testid="conflict-row"' in page
    assert first.title in page and "Same domain" in page and "100.0" in page
    client.post(reverse("sales:decide", args=[first.pk]), {"decision": "approve"})
    response = client.post(reverse("sales:decide", args=[second.pk]), {"decision": "reject"})
    assert access.unrestricted(Deal).get(pk=second.pk).status == DealStatus.UNDER_REVIEW
    follow = client.get(reverse("sales:detail", args=[second.pk])).content.decode()
    assert response.status_code == 302 and "Give the reason for the rejection." in follow
    client.post(
        reverse("sales:decide", args=[second.pk]), {"decision": "reject", "reason": "A was first"}
    )
    assert access.unrestricted(Deal).get(pk=second.pk).status == DealStatus.REJECTED
    again = client.post(
        reverse("sales:decide", args=[second.pk]), {"decision": "approve"}, follow=True
    )
    assert "already decided" in again.content.decode()


def test_staff_pages_render(client, manager, analyst, portal_user_a, partner_a):
    deal = register(portal_user_a, partner_a)
    services.deal_decide(actor=manager, deal=deal, decision="approve")
    login(client, manager)
    for name in ("sales:list", "sales:board", "sales:forecast", "sales:create"):
        assert client.get(reverse(name)).status_code == 200, name
    assert deal.title in client.get(reverse("sales:board")).content.decode()
    assert client.get(reverse("sales:edit", args=[deal.pk])).status_code == 200
    login(client, analyst)
    assert client.get(reverse("sales:detail", args=[deal.pk])).status_code == 200
    assert client.get(reverse("sales:edit", args=[deal.pk])).status_code == 403


def test_board_htmx_move(client, manager, portal_user_a, partner_a):
    deal = services.deal_decide(
        actor=manager, deal=register(portal_user_a, partner_a), decision="approve"
    )
    login(client, manager)
    response = client.post(
        reverse("sales:move", args=[deal.pk]),
        {"stage": "proposal", "from": "board"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="board-columns"' in response.content.decode()
    assert access.unrestricted(Deal).get(pk=deal.pk).stage.code == "proposal"
    response = client.post(reverse("sales:move", args=[deal.pk]), {"stage": "bogus"})
    assert response.status_code == 302
    assert access.unrestricted(Deal).get(pk=deal.pk).stage.code == "proposal"


def test_staff_registration_on_behalf(client, manager, partner_a):
    login(client, manager)
    response = client.post(
        reverse("sales:create"), form_data(partner=str(partner_a.pk), owner=str(manager.pk))
    )
    deal = access.unrestricted(Deal).get()
    assert response.status_code == 302
    assert deal.owner_id == manager.pk and deal.partner_id == partner_a.pk


def test_portal_edit_while_pending(client, portal_user_a, partner_a, manager):
    deal = register(portal_user_a, partner_a)
    login(client, portal_user_a)
    data = form_data(notes="More detail", customer_domain="hanbit.co.kr")
    response = client.post(reverse("sales:portal_edit", args=[deal.pk]), data)
    assert response.status_code == 302
    assert access.unrestricted(Deal).get(pk=deal.pk).notes == "More detail"
    services.deal_decide(actor=manager, deal=deal, decision="approve")
    response = client.post(reverse("sales:portal_edit", args=[deal.pk]), data)
    assert response.status_code == 302
    assert response.url == reverse("sales:portal_detail", args=[deal.pk])


def test_deal_expiry_command(manager, portal_user_a, partner_a):
    from django.core.management import call_command

    deal = services.deal_decide(
        actor=manager, deal=register(portal_user_a, partner_a), decision="approve"
    )
    access.unrestricted(Deal).filter(pk=deal.pk).update(
        last_progress_at=timezone.now() - timedelta(days=100)
    )
    call_command("deal_expiry")
    assert access.unrestricted(Deal).get(pk=deal.pk).status == DealStatus.EXPIRED
