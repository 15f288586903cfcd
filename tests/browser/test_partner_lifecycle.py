"""Issue 3's check, the whole partner lifecycle in Chromium: a company applies through
/portal/apply (no log-in), a partner manager approves it in the review queue, the invited
contact sets a password from the e-mailed link, logs in to the portal and completes its
onboarding steps (an upload, a confirmation); then a contract is negotiated over two rounds
(staff upload round 1, the partner comments in the portal, staff upload round 2 and accept
it) and signed, which closes the journey's "sign the contract" step."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from prm.accounts.roles import Role
from prm.contracts.models import Contract
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
CONTACT_EMAIL = "minji@gamma.example"
CONTACT_PASSWORD = "gamma portal secret 2026"
COMMENT = "제3조 해지 조항을 완화해 주세요"


def open_page(new_page, language: str):
    # A long journey on a shared machine: give slow pages time rather than fail.
    page = new_page(language)
    page.set_default_timeout(60_000)
    return page


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


def submit(page, locator) -> None:
    locator.click()
    page.wait_for_load_state("networkidle")


def upload_round(page, path, summary: str) -> None:
    form = page.locator("[data-testid=round-form]")
    form.locator("input[name=file]").set_input_files(str(path))
    form.locator("textarea[name=summary]").fill(summary)
    submit(page, form.locator("button[type=submit]"))


def test_apply_onboard_negotiate_and_sign(new_page, settings, tmp_path):
    settings.PRM_APPLY_MIN_SECONDS = 0
    manager = make_user(Role.PARTNER_MANAGER)
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%browser\n")

    # 1. The company applies, without an account.
    applicant = open_page(new_page, "ko-KR")
    applicant.goto("/portal/apply")
    applicant.fill("input[name=name]", "감마트레이딩")
    applicant.fill("input[name=registration_number]", "211-86-15427")
    applicant.check("input[name=types][value=reseller]")
    applicant.fill("input[name=region]", "서울")
    applicant.fill("input[name=contacts-0-name]", "김민지")
    applicant.fill("input[name=contacts-0-email]", CONTACT_EMAIL)
    applicant.fill("input[name=contacts-0-phone]", "010-1234-5678")
    applicant.check("input[name=consent]")
    submit(applicant, applicant.locator("[data-testid=apply-submit]"))
    assert applicant.locator("[data-testid=apply-done]").is_visible()
    partner = access.unrestricted(Partner).get(registration_number="2118615427")
    assert partner.stage == "applied"
    assert mail.outbox[0].to == [CONTACT_EMAIL]  # the confirmation

    # 2. A partner manager approves it in the review queue.
    staff = open_page(new_page, "en-US")
    log_in(staff, manager.email, MANAGER_PASSWORD)
    staff.goto("/onboarding/")
    submit(staff, staff.get_by_role("link", name="감마트레이딩"))
    submit(staff, staff.locator("[data-testid=approve]"))
    assert "Approved" in staff.content()
    partner.refresh_from_db()
    assert (partner.stage, partner.owner_id) == ("onboarding", manager.pk)

    # 3. The invited contact sets a password from the e-mailed link and logs in.
    invitation = mail.outbox[-1]
    assert invitation.to == [CONTACT_EMAIL]
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", invitation.body).group(0)
    contact = open_page(new_page, "ko-KR")
    contact.goto(link)
    contact.fill("input[name=new_password1]", CONTACT_PASSWORD)
    contact.fill("input[name=new_password2]", CONTACT_PASSWORD)
    submit(contact, contact.locator("form:has(input[name=new_password1]) button[type=submit]"))
    log_in(contact, CONTACT_EMAIL, CONTACT_PASSWORD)
    assert "/portal/" in contact.url

    # 4. It completes its own onboarding steps in the portal: uploads and confirmations.
    contact.goto("/onboarding/checklist/")
    steps = access.unrestricted(JourneyStep).filter(journey__partner=partner)
    own = list(steps.filter(owner="partner").order_by("order"))
    assert own and any(s.kind == "document" for s in own)
    for step in own:
        item = contact.locator(f"[data-testid=step-{step.pk}]")
        assert item.is_visible()
        if step.kind == "document":
            item.locator("input[type=file]").set_input_files(str(pdf))
        submit(contact, item.locator(f"[data-testid=complete-{step.pk}]"))
        # The step no longer offers its button: it is done.
        assert contact.locator(f"[data-testid=complete-{step.pk}]").count() == 0
    assert all(s.status == StepStatus.DONE for s in steps.filter(owner="partner"))
    screenshot(contact, "lifecycle-checklist-done")

    # 5. Staff draft the contract and upload round 1.
    staff.goto(f"/contracts/new/?partner={partner.pk}")
    staff.select_option("select[name=type]", "reseller")
    staff.fill("input[name=title]", "Gamma reseller agreement")
    staff.fill("input[name=value]", "50000000")
    staff.fill("input[name=start_date]", "2027-01-01")
    staff.fill("input[name=end_date]", "2027-12-31")
    submit(staff, staff.locator("[data-testid=save-contract]"))
    assert re.search(r"/contracts/\d+/$", staff.url), staff.url
    contract_url = staff.url
    upload_round(staff, pdf, "First draft")
    assert staff.locator("[data-testid=contract-status]").inner_text() == "Negotiating"
    assert staff.locator("[data-testid=round-1]").is_visible()

    # 6. The partner reads it in the portal and comments.
    contact.goto("/contracts/portal/")
    submit(contact, contact.get_by_role("link", name="Gamma reseller agreement"))
    contact.fill("textarea[name=body]", COMMENT)
    submit(contact, contact.locator("[data-testid=add-comment]"))
    assert (
        contact.locator("[data-testid=round-1] [data-testid=comment]")
        .inner_text()
        .endswith(COMMENT)
    )

    # 7. Staff see the comment, upload round 2, accept it and sign.
    staff.goto(contract_url)
    assert staff.get_by_text(COMMENT).is_visible()
    upload_round(staff, pdf, "Clause 3 relaxed")
    assert staff.locator("[data-testid=round-2]").is_visible()
    submit(staff, staff.locator("[data-testid=round-2] [data-testid=accept-round]"))
    assert "Accepted" in staff.locator("[data-testid=round-2]").inner_text()
    signed_on = timezone.localdate().isoformat()
    form = staff.locator("[data-testid=sign-form]")
    form.locator("input[name=signed_on]").fill(signed_on)
    form.locator("textarea[name=signatories]").fill("김민지, 대표이사\nJane Park, Head of Partners")
    submit(staff, form.locator("button[type=submit]"))
    assert staff.locator("[data-testid=contract-status]").inner_text() == "Signed"
    assert "Jane Park, Head of Partners" in staff.content()
    screenshot(staff, "lifecycle-contract-signed")

    contract = access.unrestricted(Contract).get(partner=partner)
    assert contract.signed_on.isoformat() == signed_on
    assert contract.rounds.count() == 2 and contract.rounds.get(number=2).accepted_at
    # Signing closed the journey's contract step (through the contract.signed event).
    assert steps.get(kind="contract").status == StepStatus.DONE

    # 8. Staff finish their own steps (the kick-off meeting): the partner is active, and the
    # portal says so.
    for step in steps.filter(owner="staff", status=StepStatus.OPEN):
        staff.goto(f"/onboarding/journeys/{step.journey_id}/")
        submit(staff, staff.locator(f"form[action$='/journey-steps/{step.pk}/complete/'] button"))
    partner.refresh_from_db()
    assert partner.stage == "active"
    contact.goto("/onboarding/checklist/")
    assert contact.locator("[data-testid=journey-complete]").is_visible()
    contact.goto("/contracts/portal/")
    assert "Gamma reseller agreement" in contact.content()
    screenshot(contact, "lifecycle-portal-contracts")
