"""Issue 3's check, first half, in Chromium: a company applies through /portal/apply, a
manager approves it, the invited contact sets a password and completes its onboarding
steps in the portal."""

import re

import pytest
from django.core import mail

from prm.accounts.roles import Role
from prm.core import access
from prm.onboarding.models import JourneyStep, StepStatus
from prm.partners.models import Partner
from tests.browser.support import screenshot
from tests.conftest import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MANAGER_PASSWORD = "correct horse battery"  # make_user's password
NEW_PASSWORD = "gamma portal secret 2026"


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_apply_approve_set_password_and_complete_the_checklist(new_page, settings, tmp_path):
    settings.PRM_APPLY_MIN_SECONDS = 0
    manager = make_user(Role.PARTNER_MANAGER)

    applicant = new_page("ko-KR")
    applicant.goto("/portal/apply")
    applicant.fill("input[name=name]", "감마트레이딩")
    applicant.fill("input[name=registration_number]", "211-86-15427")
    applicant.check("input[name=types][value=reseller]")
    applicant.fill("input[name=region]", "서울")
    applicant.fill("input[name=contacts-0-name]", "김민지")
    applicant.fill("input[name=contacts-0-email]", "minji@gamma.example")
    applicant.fill("input[name=contacts-0-phone]", "010-1234-5678")
    applicant.check("input[name=consent]")
    applicant.click("[data-testid=apply-submit]")
    applicant.wait_for_selector("[data-testid=apply-done]")
    screenshot(applicant, "onboarding-apply-done")
    partner = access.unrestricted(Partner).get(registration_number="2118615427")
    assert partner.stage == "applied"
    assert mail.outbox[0].to == ["minji@gamma.example"]

    staff = new_page("en-US")
    log_in(staff, manager.email, MANAGER_PASSWORD)
    staff.goto("/onboarding/")
    staff.get_by_role("link", name="감마트레이딩").click()
    staff.click("[data-testid=approve]")
    staff.wait_for_load_state("networkidle")
    assert "Approved" in staff.content()
    partner.refresh_from_db()
    assert partner.stage == "onboarding"

    invitation = mail.outbox[-1]
    assert invitation.to == ["minji@gamma.example"]
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", invitation.body).group(0)
    contact = new_page("ko-KR")
    contact.goto(link)
    contact.fill("input[name=new_password1]", NEW_PASSWORD)
    contact.fill("input[name=new_password2]", NEW_PASSWORD)
    contact.locator("form:has(input[name=new_password1]) button[type=submit]").click()
    contact.wait_for_load_state("networkidle")
    log_in(contact, "minji@gamma.example", NEW_PASSWORD)

    contact.goto("/onboarding/checklist/")
    screenshot(contact, "onboarding-checklist")
    partner_steps = access.unrestricted(JourneyStep).filter(
        journey__partner=partner, owner="partner"
    )
    document = tmp_path / "certificate.pdf"
    document.write_bytes(b"%PDF-1.4\n%browser\n")
    for step in partner_steps:
        item = contact.locator(f"[data-testid=step-{step.pk}]")
        if step.kind == "document":
            item.locator("input[type=file]").set_input_files(str(document))
        item.locator(f"[data-testid=complete-{step.pk}]").click()
        contact.wait_for_load_state("networkidle")
    assert all(s.status == StepStatus.DONE for s in partner_steps.all())

    # The staff's steps (the kick-off meeting) close the journey: the partner is active.
    for step in access.unrestricted(JourneyStep).filter(journey__partner=partner, owner="staff"):
        staff.goto(f"/onboarding/journeys/{step.journey_id}/")
        staff.locator(f"form[action$='/journey-steps/{step.pk}/complete/'] button").click()
        staff.wait_for_load_state("networkidle")
    partner.refresh_from_db()
    assert partner.stage == "active"
    contact.goto("/onboarding/checklist/")
    assert contact.locator("[data-testid=journey-complete]").is_visible()
    screenshot(contact, "onboarding-complete")
