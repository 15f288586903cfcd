"""The back office, the portal and the downloads, as people use them."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from prm.commissions import engine, services
from prm.commissions.models import CommissionRule, CommissionStatement, StatementStatus
from prm.core import access
from tests.commissions.conftest import make_deal, seoul
from tests.conftest import login, make_user

OCT = engine.parse_period("2026-10")


@pytest.fixture
def both(partner_a, partner_b, base_rule):
    make_deal(partner_a, "1000000", seoul(2026, 10, 5), title="알파 ERP 구축")
    make_deal(partner_b, "3000000", seoul(2026, 10, 6), title="Bravo secret deal")
    services.statements_generate(actor=None, period=OCT)
    rows = access.unrestricted(CommissionStatement)
    return rows.get(partner=partner_a), rows.get(partner=partner_b)


def test_staff_list_and_detail(client, manager, both):
    a, b = both
    login(client, manager)
    page = client.get("/commissions/").content.decode()
    assert "Alpha Systems" in page and "Bravo Logistics" in page
    detail = client.get(f"/commissions/statements/{a.pk}/").content.decode()
    assert "알파 ERP 구축" in detail and "50,000" in detail
    assert 'data-testid="approve-statement"' in detail
    # Managers read every statement but approve only their own partners'.
    other = client.get(f"/commissions/statements/{b.pk}/").content.decode()
    assert 'data-testid="approve-statement"' not in other
    assert client.post(f"/commissions/statements/{b.pk}/approve/").status_code == 403


def test_approve_and_pay_from_the_back_office(client, manager, both):
    a, _b = both
    login(client, manager)
    response = client.post(f"/commissions/statements/{a.pk}/approve/", follow=True)
    assert "approved and the partner notified" in response.content.decode()
    a.refresh_from_db()
    assert a.status == StatementStatus.APPROVED
    # A second approval is refused with a message, nothing changed.
    again = client.post(f"/commissions/statements/{a.pk}/approve/", follow=True)
    assert "Only a draft statement can be approved" in again.content.decode()
    client.post(f"/commissions/statements/{a.pk}/pay/")
    a.refresh_from_db()
    assert a.status == StatementStatus.PAID


def test_generate_from_the_back_office(client, admin_user, partner_a, base_rule):
    make_deal(partner_a, "1000", seoul(2026, 10, 5))
    login(client, admin_user)
    response = client.post("/commissions/statements/generate/", {"period": "2026-10"}, follow=True)
    assert "1 created" in response.content.decode()
    bad = client.post("/commissions/statements/generate/", {"period": "October"}, follow=True)
    assert "YYYY-MM" in bad.content.decode()
    assert access.unrestricted(CommissionStatement).count() == 1


def test_the_analyst_reads_but_changes_nothing(client, analyst, both):
    a, _b = both
    login(client, analyst)
    assert client.get(f"/commissions/statements/{a.pk}/").status_code == 200
    assert client.post(f"/commissions/statements/{a.pk}/approve/").status_code == 403
    assert (
        client.post("/commissions/statements/generate/", {"period": "2026-10"}).status_code == 403
    )
    a.refresh_from_db()
    assert a.status == StatementStatus.DRAFT


def test_rules_are_created_with_brackets_and_checked(client, admin_user):
    login(client, admin_user)
    data = {
        "name": "Volume",
        "partner_type": "",
        "kind": "tiered",
        "rate": "0",
        "bracket_mode": "whole",
        "currency": "KRW",
        "effective_from": "2026-01-01",
        "is_active": "on",
        "brackets-TOTAL_FORMS": "3",
        "brackets-INITIAL_FORMS": "0",
        "brackets-0-from_amount": "0",
        "brackets-0-to_amount": "1000000",
        "brackets-0-rate": "1",
        "brackets-1-from_amount": "900000",
        "brackets-1-to_amount": "",
        "brackets-1-rate": "2",
    }
    response = client.post("/commissions/rules/new/", data)
    assert "Brackets overlap" in response.content.decode()
    assert not access.unrestricted(CommissionRule).exists()
    data["brackets-1-from_amount"] = "1000000"
    response = client.post("/commissions/rules/new/", data)
    assert response.status_code == 302
    rule = access.unrestricted(CommissionRule).get()
    assert [(b.from_amount, b.to_amount, b.rate) for b in rule.brackets.all()] == [
        (Decimal("0"), Decimal("1000000"), Decimal("1")),
        (Decimal("1000000"), None, Decimal("2")),
    ]
    data.update({"effective_to": "2025-01-01"})
    response = client.post(f"/commissions/rules/{rule.pk}/", data)
    assert "The end date cannot be before the start date." in response.content.decode()
    assert client.get("/commissions/rules/").status_code == 200


def test_only_admins_make_rules_for_every_partner(client, manager, partner_a):
    login(client, manager)
    data = {
        "name": "Mine",
        "kind": "percentage",
        "rate": "3",
        "bracket_mode": "marginal",
        "currency": "KRW",
        "effective_from": "2026-01-01",
        "brackets-TOTAL_FORMS": "0",
        "brackets-INITIAL_FORMS": "0",
    }
    response = client.post("/commissions/rules/new/", data)
    assert "Only admins may change rules that apply to every partner." in response.content.decode()
    response = client.post("/commissions/rules/new/", {**data, "partner": partner_a.pk})
    assert response.status_code == 302
    assert access.unrestricted(CommissionRule).get().partner == partner_a


def test_portal_users_see_only_their_own_approved_statements(
    client, portal_user_a, manager, admin_user, both
):
    a, b = both
    login(client, portal_user_a)
    # A draft may still change: the partner does not see it yet.
    assert "2026-10" not in client.get("/commissions/portal/").content.decode()
    assert client.get(f"/commissions/portal/{a.pk}/").status_code == 404
    services.statement_approve(actor=manager, statement=a)
    services.statement_approve(actor=admin_user, statement=b)
    page = client.get("/commissions/portal/").content.decode()
    assert "2026-10" in page and "150,000" not in page
    detail = client.get(f"/commissions/portal/{a.pk}/").content.decode()
    assert "알파 ERP 구축" in detail and "Bravo secret deal" not in detail
    for url in (
        f"/commissions/portal/{b.pk}/",
        f"/commissions/portal/{b.pk}/pdf/",
        f"/commissions/portal/{b.pk}/xlsx/",
        f"/commissions/statements/{a.pk}/",
        "/commissions/",
        "/commissions/rules/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_portal_menu_links_the_statements(client, portal_admin_a, both):
    login(client, portal_admin_a)
    assert 'href="/commissions/portal/"' in client.get("/portal/").content.decode()


def test_xlsx_lists_every_line_and_the_total(client, portal_user_a, manager, both):
    a, _b = both
    services.statement_approve(actor=manager, statement=a)
    login(client, portal_user_a)
    response = client.get(f"/commissions/portal/{a.pk}/xlsx/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Partner", "Alpha Systems"] + [None] * 8
    header = rows.index(next(r for r in rows if r[0] == "Kind"))
    line = rows[header + 1]
    assert line[1] == "알파 ERP 구축"
    assert Decimal(str(line[4])) == Decimal("1000000")
    assert line[5] == "Base"
    assert Decimal(str(line[8])) == Decimal("50000")
    assert rows[-1][0] == "Total" and Decimal(str(rows[-1][8])) == Decimal("50000")
    assert not any("Bravo" in str(cell) for row in rows for cell in row)


def test_pdf_downloads(client, portal_user_a, manager, both):
    a, _b = both
    services.statement_approve(actor=manager, statement=a)
    login(client, portal_user_a)
    response = client.get(f"/commissions/portal/{a.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def _admin():
    from prm.accounts.roles import Role

    return make_user(Role.ADMIN)


def test_a_portal_user_of_another_partner_gets_nothing(client, partner_b, both):
    from prm.accounts.roles import Role

    a, _b = both
    services.statement_approve(actor=partner_b.owner or _admin(), statement=a)
    login(client, make_user(Role.PARTNER_USER, partner_b))
    assert client.get(f"/commissions/portal/{a.pk}/").status_code == 404


def test_staff_export_the_statements(client, analyst, manager, both):
    a, _b = both
    services.statement_approve(actor=manager, statement=a)
    login(client, analyst)
    response = client.get("/imports/export/commission-statements/?format=csv&status=approved")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Alpha Systems" in text and "50000" in text.replace(",", "")
    assert "Bravo Logistics" not in text  # still a draft, filtered out


def test_portal_users_do_not_export_statements(client, portal_admin_a, both):
    login(client, portal_admin_a)
    response = client.get("/imports/export/commission-statements/?format=csv")
    assert response.status_code == 404
