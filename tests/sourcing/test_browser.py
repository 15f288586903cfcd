"""Discovery and selection in a real browser: AHP weights (an inconsistent matrix is
refused), scoring, the side-by-side ranking, and selecting a candidate."""

import re

import pytest

from prm.accounts.roles import Role
from prm.core import access
from prm.partners.models import Partner, PartnerType
from prm.sourcing import services
from tests.browser.support import screenshot
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


@pytest.mark.parametrize("language", ["ko-KR", "en-US"])
def test_template_round_ranking_and_selection(new_page, language):
    # Reference data may have been flushed by an earlier transactional test on this worker.
    PartnerType.objects.get_or_create(code="reseller")
    manager = make_user(Role.PARTNER_MANAGER)
    partners = [
        make_partner(name="(주)한빛물류", owner=manager),
        make_partner(name="Osaka Trading", owner=manager, stage="candidate"),
    ]
    project = services.project_create(actor=manager, data={"name": "2027 물류 협력사 발굴"})
    for partner in partners:
        services.candidate_add(actor=manager, project=project, partner=partner)
    page = new_page(language)
    log_in(page, manager.email)

    # A template with three criteria, weighted by AHP.
    page.goto("/sourcing/templates/new/")
    page.fill("input[name=name]", "Logistics fit")
    page.click("[data-testid=save-template]")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/sourcing/templates/\d+/$", page.url), page.url
    for name in ("Coverage", "Quality", "Price"):
        form = page.locator("[data-testid=criterion-form]")
        form.locator("input[name=name]").fill(name)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
    ahp = page.locator("[data-testid=ahp-form]")
    ahp.locator("select[name=cmp_0_1]").select_option("7")
    ahp.locator("select[name=cmp_1_2]").select_option("7")
    ahp.locator("select[name=cmp_0_2]").select_option("1/7")
    ahp.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=ahp-problems]").is_visible()
    assert "Coverage" in page.locator("[data-testid=ahp-problems]").inner_text()
    ahp = page.locator("[data-testid=ahp-form]")
    ahp.locator("select[name=cmp_0_1]").select_option("2")
    ahp.locator("select[name=cmp_1_2]").select_option("2")
    ahp.locator("select[name=cmp_0_2]").select_option("4")
    ahp.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=cr]").inner_text() == "0.000"

    # A round with the manager as the only evaluator.
    page.goto(f"/sourcing/projects/{project.pk}/rounds/new/")
    page.fill("input[name=name]", "Shortlist")
    page.locator("select[name=template]").select_option(label="Logistics fit")
    for box in page.locator("input[name=candidates]").all():
        box.check()
    page.locator(f"input[name=evaluators][value='{manager.pk}']").check()
    page.click("[data-testid=save-round]")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/sourcing/rounds/\d+/$", page.url), page.url
    assert page.locator("[data-testid=results-hidden]").is_visible()
    inputs = page.locator("[data-testid=score-sheet] input[type=number]").all()
    assert len(inputs) == 6
    for i, field in enumerate(inputs):
        field.fill("5" if i < 3 else "2")  # the first candidate is better everywhere
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=submit-scores]")
    page.wait_for_load_state("networkidle")
    ws = page.locator("[data-testid=ranking-weighted-sum] tbody tr").first.inner_text()
    tp = page.locator("[data-testid=ranking-topsis] tbody tr").first.inner_text()
    assert "(주)한빛물류" in ws and "(주)한빛물류" in tp
    screenshot(page, f"sourcing-ranking-{language}")

    # Selecting the prospect moves it to onboarding.
    page.locator("[data-testid=ranking-weighted-sum] a", has_text="(주)한빛물류").click()
    page.wait_for_load_state("networkidle")
    page.locator("[data-testid=decide] select[name=decision]").select_option("selected")
    page.locator("[data-testid=decide] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert access.unrestricted(Partner).get(pk=partners[0].pk).stage == "onboarding"
    assert page.locator("[data-testid=start-contract]").is_visible()
