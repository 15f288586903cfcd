"""The lead journey in real Chromium: staff create a lead, the first partner declines it,
the next one accepts it and registers it as a deal in one click."""

import re

import pytest

from prm.accounts.roles import Role
from prm.core import access
from prm.leads.models import Lead, LeadRoutingRule, LeadStatus

# The browser fixtures live in tests/browser/conftest.py; imported, they serve here too.
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


@pytest.mark.parametrize("language", ["ko-KR", "en-US"])
def test_a_lead_is_declined_then_accepted_and_registered(new_page, language):
    manager = make_user(Role.PARTNER_MANAGER)
    first = make_partner(name="First Choice", stage="active", owner=manager)
    second = make_partner(name="Second Choice", stage="active")
    # The first partner is far likelier; the second gets the lead once the first passes.
    LeadRoutingRule.objects.create(
        name="Korea",
        order=1,
        countries=["KR"],
        default_weight=0,
        weights={
            str(first.pk): 1000,
            str(second.pk): 0.001,
        },
    )
    user_first = make_user(Role.PARTNER_USER, first)
    user_second = make_user(Role.PARTNER_ADMIN, second)

    staff = new_page(language)
    log_in(staff, manager.email)
    staff.goto("/leads/new/")
    staff.fill("input[name=company_name]", "(주)한빛소프트")
    staff.fill("input[name=estimated_value]", "15000000")
    staff.locator("[data-testid=save-lead]").click()
    staff.wait_for_load_state("networkidle")
    assert re.search(r"/leads/\d+/$", staff.url), staff.url
    assert staff.locator("[data-testid=lead-partner]").inner_text().strip() == "First Choice"
    lead = access.unrestricted(Lead).get()

    page = new_page(language)
    log_in(page, user_first.email)
    page.goto("/leads/portal/")
    page.get_by_role("link", name="(주)한빛소프트").click()
    page.wait_for_load_state("networkidle")
    page.locator("[data-testid=decline-lead]").click()  # without a reason: refused
    page.wait_for_load_state("networkidle")
    assert page.locator(".invalid-feedback").first.is_visible()
    page.fill("textarea[name=reason]", "Not our region")
    page.locator("[data-testid=decline-lead]").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="(주)한빛소프트").count() == 0

    other = new_page(language)
    log_in(other, user_second.email)
    other.goto(f"/leads/portal/{lead.pk}/")
    screenshot(other, f"lead-offer-{language[:2]}")
    other.locator("[data-testid=accept-and-register]").click()
    other.wait_for_load_state("networkidle")
    assert re.search(r"/deals/portal/\d+/$", other.url), other.url
    lead = access.unrestricted(Lead).get()
    assert lead.status == LeadStatus.CONVERTED and lead.partner == second

    staff.reload()
    assert staff.locator("[data-testid=assignment]").count() == 2
    assert "Not our region" in staff.content()
    screenshot(staff, f"lead-detail-{language[:2]}")
