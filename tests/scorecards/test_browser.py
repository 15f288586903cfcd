"""The scorecard journey in a real browser: an admin defines a supplier template from two
KPIs, recomputes the quarter, the supplier sees its scorecard in the portal with the
breakdown and disputes it, and the admin answers; the supplier reads the answer."""

from decimal import Decimal

import pytest

from prm.accounts.roles import Role
from prm.core import access
from prm.scorecards.models import Dispute, ScorecardTemplate
from tests.browser.support import screenshot
from tests.conftest import make_partner, make_user
from tests.scorecards.factories import make_kpi, observe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"  # make_user's password


def log_in(page, email: str) -> None:
    # The first page of a session warms the live server up; on a busy machine that is slow.
    page.goto("/accounts/login/", timeout=90_000)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("language", ["ko-KR", "en-US"])
def test_template_recompute_portal_dispute_answer(new_page, language):
    admin = make_user(Role.ADMIN)
    supplier = make_partner(name="한빛정밀", types=["supplier"], stage="active")
    portal = make_user(Role.PARTNER_ADMIN, supplier)
    on_time = make_kpi(
        "on_time",
        "on_time_lines / total_lines * 100",
        unit="%",
        target=Decimal(95),
        floor=Decimal(80),
    )
    rejection = make_kpi(
        "rejection",
        "rejected_qty / received_qty * 100",
        unit="%",
        direction="lower",
        target=Decimal(1),
        floor=Decimal(5),
    )
    for code, value in (
        ("on_time_lines", 90),
        ("total_lines", 100),
        ("rejected_qty", 2),
        ("received_qty", 100),
    ):
        observe(supplier, code, "2026-08", value)

    staff = new_page(language)
    log_in(staff, admin.email)
    staff.goto("/scorecards/templates/new/")
    form = staff.locator("[data-testid=template-form]")
    form.locator("input[name=name_ko]").fill("공급사 평가")
    form.locator("input[name=name_en]").fill("Supplier review")
    form.locator("select[name=period_kind]").select_option("quarter")
    form.locator("input[name=partner_types][value=supplier]").check()
    form.locator(f"input[name=weight_{on_time.pk}]").fill("60")
    form.locator(f"input[name=weight_{rejection.pk}]").fill("40")
    form.locator("[data-testid=save-template]").click()
    staff.wait_for_load_state("networkidle")
    assert staff.locator("[data-testid=template-name]").inner_text() in (
        "공급사 평가",
        "Supplier review",
    )
    template = ScorecardTemplate.objects.get(name_en="Supplier review")

    staff.locator("input[name=period]").fill("2026-Q3")
    staff.locator("form[action='/scorecards/recompute/'] button[type=submit]").click()
    staff.wait_for_load_state("networkidle")
    table = staff.locator("[data-testid=scorecard-table]")
    assert "한빛정밀" in table.inner_text() and "70.00" in table.inner_text()
    assert template.results.count() == 1

    partner = new_page(language)
    log_in(partner, portal.email)
    partner.goto("/scorecards/portal/")
    assert partner.locator("[data-testid=score]").inner_text().strip() == "70.00"
    assert partner.locator("[data-testid=kpi-line]").count() == 2
    partner.locator("[data-testid=kpi-line][data-code=on_time] summary").click()
    assert (
        "on_time_lines / total_lines * 100"
        in partner.locator("[data-testid=kpi-line][data-code=on_time]").inner_text()
    )
    screenshot(partner, f"scorecard-portal-{language}")
    partner.locator("[data-testid=dispute-form] textarea[name=body]").fill(
        "8월 납품 3건이 누락되었습니다."
    )
    partner.locator("[data-testid=dispute]").click()
    partner.wait_for_load_state("networkidle")
    assert "8월 납품 3건" in partner.locator("[data-testid=dispute-thread]").inner_text()
    dispute = access.unrestricted(Dispute).get()

    staff.goto(f"/scorecards/disputes/{dispute.pk}/")
    staff.locator("[data-testid=reply-form] textarea[name=body]").fill("확인 후 재계산하겠습니다.")
    staff.locator("[data-testid=send-reply]").click()
    staff.wait_for_load_state("networkidle")
    assert access.unrestricted(Dispute).get().status == "answered"

    partner.reload()
    assert "확인 후 재계산" in partner.locator("[data-testid=dispute-thread]").inner_text()
    assert partner.locator("[data-testid=dispute-message]").count() == 2
