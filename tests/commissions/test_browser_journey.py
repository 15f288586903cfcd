"""The commissions journey in real Chromium: staff generate and approve a statement, the
partner finds it in the portal and downloads it."""

import pytest

from prm.accounts.roles import Role
from tests.browser.support import screenshot
from tests.commissions.conftest import make_deal, make_rule, seoul
from tests.conftest import make_partner, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_staff_approve_and_the_partner_downloads(new_page):
    manager = make_user(Role.PARTNER_MANAGER)
    partner = make_partner(name="한빛소프트", owner=manager)
    portal_user = make_user(Role.PARTNER_USER, partner)
    make_rule("기본 수수료", rate="5")
    make_deal(partner, "12345678", seoul(2026, 10, 14), title="교육청 보안 솔루션")

    page = new_page("en-US")
    log_in(page, manager.email)
    page.goto("/commissions/")
    page.fill("#id_period", "2026-10")
    page.click("[data-testid=generate-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("table[data-testid=statements] a:has-text('한빛소프트')")
    assert "교육청 보안 솔루션" in page.inner_text("[data-testid=statement-lines]")
    assert page.inner_text("[data-testid=statement-total]").startswith("617,284")
    page.click("[data-testid=approve-statement]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=statement-status]") == "Approved"
    screenshot(page, "commissions-statement-approved")

    portal = new_page("ko-KR")
    log_in(portal, portal_user.email)
    portal.click("a[href='/commissions/portal/']")
    portal.click("table[data-testid=statements] a:has-text('2026-10')")
    assert "617,284" in portal.inner_text("[data-testid=statement-total]")
    with portal.expect_download() as download:
        portal.click("[data-testid=download-xlsx]")
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(portal, "commissions-portal-statement")
