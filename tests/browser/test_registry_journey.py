"""The registry's main journey in a real browser, once in Korean and once in English."""

import re

import pytest

from prm.accounts.roles import Role
from tests.browser.support import screenshot
from tests.conftest import make_partner, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"  # make_user's password

TEXT = {
    "ko-KR": {"lang": "ko", "partners": "파트너", "company": "회사"},
    "en-US": {"lang": "en", "partners": "Partners", "company": "Company"},
}


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("language", ["ko-KR", "en-US"])
def test_staff_creates_a_partner_and_finds_it_in_the_list(new_page, language):
    text = TEXT[language]
    manager = make_user(Role.PARTNER_MANAGER)
    page = new_page(language)
    log_in(page, manager.email)
    assert page.locator("html").get_attribute("lang") == text["lang"]
    assert page.get_by_role("link", name=text["partners"]).first.is_visible()

    page.goto("/partners/new/")
    page.fill("input[name=name]", "(주)브라우저테스트")
    page.fill("input[name=registration_number]", "220-81-62517")
    page.check("input[name=types][value=reseller]")
    page.locator("[data-testid=partner-form] button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert re.search(r"/partners/\d+/$", page.url), page.url
    assert page.get_by_text("220-81-62517").first.is_visible()

    page.goto("/partners/")
    page.fill("input[name=q]", "브라우저테스트")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # the HTMX swap after the search
    assert page.get_by_role("link", name="(주)브라우저테스트").first.is_visible()
    screenshot(page, f"partner-list-{text['lang']}")


@pytest.mark.parametrize("language", ["ko-KR", "en-US"])
def test_partner_user_sees_its_own_profile_and_not_another(new_page, language):
    text = TEXT[language]
    mine = make_partner(name="Alpha Systems", registration_number="1248100998")
    other = make_partner(name="Bravo Logistics")
    user = make_user(Role.PARTNER_USER, mine)
    page = new_page(language)
    log_in(page, user.email)
    assert page.url.rstrip("/").endswith("/portal")
    assert page.get_by_text("Alpha Systems").first.is_visible()

    page.goto("/portal/company/")
    assert page.get_by_text("124-81-00998").first.is_visible()
    assert "Bravo Logistics" not in page.content()
    screenshot(page, f"portal-company-{text['lang']}")

    response = page.goto(f"/partners/{other.pk}/")
    assert response.status == 404
    assert "Bravo Logistics" not in page.content()
