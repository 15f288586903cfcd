"""Issue 6's journey in a real browser: a supplier's compliance document expires (the nightly
sweep runs as of a day after the expiry), a risk is raised by the signal, the manager assesses
it and sends a corrective action request, the supplier answers in the portal, the manager
accepts, records a lower residual assessment, and the residual heat map shows the risk in the
lower cell."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from prm.accounts.roles import Role
from prm.contracts.models import ComplianceRequirement, ComplianceSubmission
from prm.core import access
from prm.corrective_actions.models import CorrectiveActionRequest
from prm.partners.models import Document
from prm.risks.models import Risk
from tests.browser.support import screenshot
from tests.conftest import make_partner, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery"  # make_user's password
TIMES = "\N{MULTIPLICATION SIGN}"  # as the risk page writes likelihood x impact


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("networkidle")


def submit(page, selector: str) -> None:
    page.locator(selector).click()
    page.wait_for_load_state("networkidle")


def assess(page, kind: str, likelihood: int, impact: int, note: str) -> None:
    form = page.locator("[data-testid=assess-form]")
    form.locator("select[name=kind]").select_option(kind)
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        # A list of the scale's named steps, or a plain number field.
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    form.locator("textarea[name=note]").fill(note)
    form.locator("button").click()
    page.wait_for_load_state("networkidle")


def cell(page, kind: str, likelihood: int, impact: int) -> str:
    return page.locator(f"[data-testid=cell-{kind}-{likelihood}-{impact}]").inner_text().strip()


def supplier_with_an_iso_certificate(manager, expires_on):
    partner = make_partner(name="한빛정밀", types=["supplier"], stage="active", owner=manager)
    requirement = ComplianceRequirement.objects.create(
        partner_type_id="supplier", name_ko="ISO 9001 인증서", name_en="ISO 9001", expires=True
    )
    document = Document(
        partner=partner,
        title="ISO 9001",
        kind="certificate",
        filename="iso9001.pdf",
        content_type="application/pdf",
        size=9,
        expires_on=expires_on,
    )
    document.file.save("iso9001.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    ComplianceSubmission.objects.create(
        partner=partner, requirement=requirement, document=document, expires_on=expires_on
    )
    return partner


def test_expired_certificate_to_accepted_corrective_action_and_lower_residual_risk(
    new_page, tmp_path
):
    manager = make_user(Role.PARTNER_MANAGER, first_name="Mina", last_name="Kim")
    today = timezone.localdate()
    partner = supplier_with_an_iso_certificate(manager, expires_on=today + timedelta(days=5))
    supplier = make_user(Role.PARTNER_ADMIN, partner)

    # While the certificate is valid, the sweep finds nothing.
    call_command("risk_sweep", rule=["compliance_document"], stdout=StringIO())
    assert not access.unrestricted(Risk).filter(partner=partner).exists()

    # Time moves forward: the nightly sweep runs a week later, after the expiry.
    later = (today + timedelta(days=7)).isoformat()
    call_command("risk_sweep", date=later, rule=["compliance_document"], stdout=StringIO())

    staff = new_page("en-US")
    log_in(staff, manager.email)
    staff.goto("/risks/register/")
    row = staff.locator("tr", has_text="한빛정밀")
    assert row.count() == 1, staff.content()
    row.get_by_role("link").first.click()
    staff.wait_for_load_state("networkidle")
    assert re.search(r"/risks/\d+/$", staff.url), staff.url
    risk_url = staff.url
    assert staff.get_by_text("by a signal").is_visible()
    assert staff.locator("[data-testid=risk-signals]").get_by_text("Evidence").is_visible()

    # The manager assesses it: likely and serious.
    assess(staff, "inherent", 4, 4, "ISO 9001 lapsed; audits suspended")
    assert staff.locator("[data-testid=inherent-score]").inner_text() == f"4 {TIMES} 4 = 16"

    # … and asks the supplier for corrective action, from the risk.
    staff.locator("[data-testid=request-corrective-action]").click()
    staff.wait_for_load_state("networkidle")
    assert staff.locator("[data-testid=linked-risk]").is_visible()
    form = staff.locator("[data-testid=request-form]")
    form.locator("input[name=title]").fill("ISO 9001 인증 갱신 및 재발 방지")
    form.locator("textarea[name=description]").fill("ISO 9001 인증서가 만료되었습니다.")
    form.locator("select[name=severity]").select_option("critical")
    form.locator("input[name=due_on]").fill((today + timedelta(days=14)).isoformat())
    form.locator("button[type=submit]").click()
    staff.wait_for_load_state("networkidle")
    assert re.search(r"/corrective-actions/\d+/$", staff.url), staff.url
    request_url = staff.url
    submit(staff, "[data-testid=send-request]")
    assert staff.locator("[data-testid=request-status]").inner_text() == "Sent"
    car = access.unrestricted(CorrectiveActionRequest).get()
    assert car.risk_id == int(risk_url.rstrip("/").rsplit("/", 1)[1])

    # The supplier answers in its portal, in Korean, with evidence.
    portal = new_page("ko-KR")
    log_in(portal, supplier.email)
    portal.goto("/corrective-actions/portal/")
    portal.get_by_role("link", name=car.reference).click()
    portal.wait_for_load_state("networkidle")
    evidence = tmp_path / "iso9001-2027.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%renewed\n")
    upload = portal.locator("[data-testid=evidence-form]")
    upload.locator("input[name=file]").set_input_files(str(evidence))
    upload.locator("button[type=submit]").click()
    portal.wait_for_load_state("networkidle")
    uploaded = portal.locator("[data-testid=evidence]").get_by_text("iso9001-2027.pdf", exact=True)
    assert uploaded.is_visible()
    answer = portal.locator("[data-testid=answer-form]")
    answer.locator("textarea[name=root_cause]").fill("갱신 심사 일정 관리 누락")
    answer.locator("textarea[name=containment]").fill("임시 심사 통과, 갱신 인증서 발급")
    answer.locator("textarea[name=corrective_action]").fill("인증 만료 90일 전 알림 등록")
    answer.locator("textarea[name=preventive_action]").fill("연간 인증 캘린더 운영")
    answer.locator("[data-testid=submit-answer]").click()
    portal.wait_for_load_state("networkidle")
    assert portal.locator("[data-testid=answer-form]").count() == 0
    assert (
        portal.locator("[data-testid=answer]").get_by_text("갱신 심사 일정 관리 누락").is_visible()
    )
    screenshot(portal, "risk-journey-portal-answer")

    # The manager reads the answer and accepts it.
    staff.goto(request_url)
    assert (
        staff.locator("[data-testid=answer]").get_by_text("갱신 심사 일정 관리 누락").is_visible()
    )
    evidence_list = staff.locator("[data-testid=evidence]")
    assert evidence_list.get_by_text("iso9001-2027.pdf", exact=True).is_visible()
    staff.locator("textarea[name=comment]").fill("Renewed certificate received.")
    submit(staff, "[data-testid=accept-request]")
    assert staff.locator("[data-testid=request-status]").inner_text() == "Accepted"
    assert staff.locator("[data-testid=time-to-close]").inner_text().endswith("days")

    # The residual risk after the corrective action: unlikely and smaller.
    staff.goto(risk_url)
    assess(staff, "residual", 2, 2, "Certificate renewed; expiry alerts in place")
    assert staff.locator("[data-testid=residual-score]").inner_text() == f"2 {TIMES} 2 = 4"

    staff.goto("/risks/")
    assert cell(staff, "inherent", 4, 4) == "1"
    assert cell(staff, "residual", 2, 2) == "1"
    assert cell(staff, "residual", 4, 4) != "1"
    screenshot(staff, "risk-journey-heat-map")
