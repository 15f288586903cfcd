"""A contract negotiated over two rounds and signed, in a real browser: staff upload the
versions, the partner comments in the portal, staff accept the second version and sign."""

import re
from datetime import date

import pytest

from prm.accounts.roles import Role
from prm.contracts.models import Contract
from prm.core import access
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


def upload_round(page, tmp_path, name: str, summary: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n%browser\n")
    form = page.locator("[data-testid=round-form]")
    form.locator("input[name=file]").set_input_files(str(path))
    form.locator("textarea[name=summary]").fill(summary)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_negotiate_two_rounds_and_sign(new_page, tmp_path):
    manager = make_user(Role.PARTNER_MANAGER)
    partner = make_partner(name="협상상대", owner=manager)
    contact = make_user(Role.PARTNER_ADMIN, partner)

    staff = new_page("en-US")
    log_in(staff, manager.email)
    staff.goto("/contracts/new/")
    staff.select_option("select[name=partner]", str(partner.pk))
    staff.select_option("select[name=type]", "reseller")
    staff.fill("input[name=title]", "Reseller agreement 2027")
    staff.fill("input[name=value]", "50000000")
    staff.fill("input[name=start_date]", "2027-01-01")
    staff.fill("input[name=end_date]", "2027-12-31")
    staff.locator("[data-testid=save-contract]").click()
    staff.wait_for_load_state("networkidle")
    assert re.search(r"/contracts/\d+/$", staff.url), staff.url
    contract_url = staff.url
    upload_round(staff, tmp_path, "v1.pdf", "First draft")
    assert staff.locator("[data-testid=contract-status]").inner_text() == "Negotiating"

    portal = new_page("ko-KR")
    log_in(portal, contact.email)
    portal.goto("/contracts/portal/")
    portal.get_by_role("link", name="Reseller agreement 2027").click()
    portal.wait_for_load_state("networkidle")
    portal.fill("textarea[name=body]", "3조 해지 조항을 완화해 주세요")
    portal.locator("[data-testid=add-comment]").click()
    portal.wait_for_load_state("networkidle")
    assert portal.get_by_text("3조 해지 조항을 완화해 주세요").is_visible()

    staff.goto(contract_url)
    assert staff.get_by_text("3조 해지 조항을 완화해 주세요").is_visible()
    upload_round(staff, tmp_path, "v2.pdf", "Clause 3 relaxed")
    staff.locator("[data-testid=round-2] [data-testid=accept-round]").click()
    staff.wait_for_load_state("networkidle")
    form = staff.locator("[data-testid=sign-form]")
    form.locator("input[name=signed_on]").fill("2026-11-20")
    form.locator("textarea[name=signatories]").fill("김민수, 대표이사\nJane Park, Head of Partners")
    form.locator("button[type=submit]").click()
    staff.wait_for_load_state("networkidle")
    assert staff.locator("[data-testid=contract-status]").inner_text() == "Signed"
    screenshot(staff, "contract-signed-en")

    contract = access.unrestricted(Contract).get()
    assert contract.signed_on == date(2026, 11, 20)
    assert contract.signatories == ["김민수, 대표이사", "Jane Park, Head of Partners"]
    assert contract.rounds.get(number=2).accepted_at is not None
