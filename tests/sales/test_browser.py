"""Issue 4's check in Chromium: two partners register the same customer under different
names; the manager sees the conflict, approves A and rejects B; B sees only the reason."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from prm.accounts.roles import Role
from prm.core import access
from prm.sales.models import Deal, DealStatus
from tests.browser.support import screenshot
from tests.conftest import make_partner, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"  # make_user's password


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


def register(page, customer: str, amount: str) -> str:
    page.goto("/deals/portal/register/")
    page.fill("input[name=customer_name]", customer)
    page.fill("input[name=customer_domain]", "hanbit.co.kr")
    page.fill("input[name=contact_name]", "김담당")
    page.select_option("select[name=product_category]", label="Software")
    page.fill("input[name=products]", "ERP")
    page.fill("input[name=amount]", amount)
    close = (timezone.localdate() + timedelta(days=45)).isoformat()
    page.fill("input[name=expected_close_date]", close)
    page.click("[data-testid=submit-deal]")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/deals/portal/\d+/$", page.url), page.url
    return page.url


def test_conflicting_registrations_are_decided_by_the_manager(new_page):
    manager = make_user(Role.PARTNER_MANAGER)
    partner_a = make_partner(name="Alpha Reseller", owner=manager)
    partner_b = make_partner(name="Bravo Reseller", owner=manager)
    user_a = make_user(Role.PARTNER_USER, partner_a, language="en")
    user_b = make_user(Role.PARTNER_USER, partner_b, language="en")

    page_a = new_page("en-US")
    log_in(page_a, user_a.email)
    register(page_a, "(주)한빛소프트", "120000000")

    page_b = new_page("en-US")
    log_in(page_b, user_b.email)
    url_b = register(page_b, "한빛소프트 주식회사", "95000000")
    state = page_b.locator("[data-testid=deal-state]")
    assert "under review for a possible conflict" in state.inner_text()
    assert "Alpha Reseller" not in page_b.content()
    screenshot(page_b, "deal-under-review-b")

    deal_a = access.unrestricted(Deal).get(partner=partner_a)
    deal_b = access.unrestricted(Deal).get(partner=partner_b)
    page_m = new_page("en-US")
    log_in(page_m, manager.email)
    page_m.goto(f"/deals/{deal_b.pk}/")
    conflict = page_m.locator("[data-testid=conflict-row]").first
    assert "Alpha Reseller" in conflict.inner_text()
    assert "Same domain" in conflict.inner_text()
    screenshot(page_m, "deal-conflict-review")

    page_m.goto(f"/deals/{deal_a.pk}/")
    page_m.click("[data-testid=approve]")
    page_m.wait_for_load_state("networkidle")
    assert "Approved" in page_m.locator("[data-testid=deal-status]").first.inner_text()

    page_m.goto(f"/deals/{deal_b.pk}/")
    page_m.fill("input[name=reason]", "Another partner registered this customer first.")
    page_m.click("[data-testid=reject]")
    page_m.wait_for_load_state("networkidle")
    assert access.unrestricted(Deal).get(pk=deal_a.pk).status == DealStatus.APPROVED
    assert access.unrestricted(Deal).get(pk=deal_b.pk).status == DealStatus.REJECTED

    page_b.goto(url_b)
    reason = page_b.locator("[data-testid=decision-reason]").inner_text()
    assert "Another partner registered this customer first." in reason
    content = page_b.content()
    assert "Alpha Reseller" not in content and "120,000,000" not in content
    screenshot(page_b, "deal-rejected-b")
    assert page_b.goto(f"/deals/portal/{deal_a.pk}/").status == 404
