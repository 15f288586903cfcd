"""The review journey in real Chromium: staff create a review, add an action item the
partner owns and download the report; the partner finds the item in the portal and marks it
done; staff then see it done."""

import pytest

from prm.accounts.roles import Role
from prm.core import access
from prm.reviews.models import ActionItem, ItemStatus
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


@pytest.mark.parametrize("language", ["en-US", "ko-KR"])
def test_review_item_tracked_by_both_sides(new_page, language):
    manager = make_user(Role.PARTNER_MANAGER)
    partner = make_partner(name="한빛소프트", owner=manager)
    portal_user = make_user(Role.PARTNER_USER, partner)

    page = new_page(language)
    log_in(page, manager.email)
    page.goto("/reviews/")
    page.click("[data-testid=new-review]")
    page.select_option("#id_partner", str(partner.pk))
    page.fill("#id_period", "2026-Q3")
    page.fill("#id_title", "3분기 정기 리뷰")
    page.fill("#id_shared_notes", "다음 분기 목표를 합의했습니다.")
    page.click("[data-testid=review-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "3분기 정기 리뷰" in page.inner_text("h1")

    page.click("[data-testid=add-item]")
    page.fill("[data-testid=item-form] #id_title", "판매 예측 공유")
    page.select_option("[data-testid=item-form] #id_owner_side", "partner")
    page.select_option("[data-testid=item-form] #id_owner_user", str(portal_user.pk))
    page.fill("[data-testid=item-form] #id_due_on", "2026-12-15")
    page.click("[data-testid=item-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "판매 예측 공유" in page.inner_text("[data-testid=action-items]")
    with page.expect_download() as download:
        page.click("[data-testid=report-pdf]")
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    screenshot(page, f"reviews-detail-{language}")

    portal = new_page(language)
    log_in(portal, portal_user.email)
    portal.click("a[href='/reviews/portal/']")
    portal.click("[data-testid=action-items] a:has-text('판매 예측 공유')")
    portal.click("[data-testid=mark-done]")
    portal.wait_for_load_state("networkidle")
    screenshot(portal, f"reviews-portal-item-{language}")
    item = access.unrestricted(ActionItem).get()
    assert item.status == ItemStatus.DONE and item.done_by == portal_user

    page.goto(item.get_absolute_url())
    status = page.inner_text("[data-testid=item-status]")
    assert status in ("Done", "완료")
