"""The program dashboard in a real browser: its charts change by themselves, without a page
reload, when a revenue observation and a won deal are recorded in the background."""

import pytest
from django.utils import timezone

from prm.accounts.roles import Role
from prm.partners.lifecycle import Stage
from tests.browser.support import screenshot
from tests.conftest import make_partner, make_user
from tests.dashboard.factories import deal, observe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"

LAST = """([chart, set]) => {
  const found = Chart.getChart(document.querySelector(`canvas[data-chart="${chart}"]`));
  const data = found.data.datasets[set].data;
  return data[data.length - 1];
}"""


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("language", ["ko-KR", "en-US"])
def test_dashboard_updates_live(new_page, language):
    analyst = make_user(Role.ANALYST)
    partner = make_partner(name="실시간상사", stage=Stage.ACTIVE)
    observe(partner, "revenue", timezone.localdate(), 1000)

    page = new_page(language)
    log_in(page, analyst.email)
    page.goto("/")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=money]'))"
    )
    assert page.evaluate(LAST, ["money", 0]) == 1000
    assert page.evaluate(LAST, ["money", 1]) == 0
    before = page.locator("[data-kpi=total]").inner_text()
    page.evaluate("() => { window.__sameDocument = true; }")

    observe(partner, "revenue", timezone.localdate(), 250000)
    page.wait_for_function(f"() => ({LAST})(['money', 0]) === 250000", timeout=30_000)

    deal(partner, 3_000_000, won=True)
    make_partner(name="새 파트너", stage=Stage.PROSPECT)
    page.wait_for_function(f"() => ({LAST})(['money', 1]) === 3000000", timeout=30_000)
    page.wait_for_function(
        f"() => document.querySelector('[data-kpi=total]').textContent.trim() !== '{before}'",
        timeout=30_000,
    )
    # The same document all along: no reload happened.
    assert page.evaluate("() => window.__sameDocument") is True
    screenshot(page, f"dashboard-live-{language}")
