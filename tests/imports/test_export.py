import csv
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from prm.partners.models import Contact
from tests.conftest import login, make_partner
from tests.imports.helpers import audit_count, contacts, partners, run_import, write

pytestmark = pytest.mark.django_db


def export_url(entity: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('imports:export', args=[entity])}?{query}"


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf"), "CSV exports carry a BOM so Excel reads Korean"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_csv_export_neutralises_formulas(client: Client, admin_user):
    make_partner(name="=cmd()", notes="@SUM(A1)", region="-1")
    response = login(client, admin_user).get(export_url("partners", format="csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="partners-')
    header, row = read_csv(response)
    record = dict(zip(header, row, strict=True))
    assert record["name"] == "'=cmd()"
    assert record["notes"] == "'@SUM(A1)"
    assert record["region"] == "'-1"


def test_xlsx_export_neutralises_formulas(client: Client, admin_user):
    make_partner(name="=cmd()")
    response = login(client, admin_user).get(export_url("partners", format="xlsx"))
    assert response.status_code == 200
    header, row = read_xlsx(response)
    assert row[header.index("name")] == "'=cmd()"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_headers_follow_the_users_language(client: Client, admin_user):
    make_partner(name="Alpha")
    login(client, admin_user)
    header = read_csv(client.get(export_url("partners", format="csv")))[0]
    assert header[:3] == ["id", "name", "legal_name"]
    client.cookies["prm_language"] = "ko"
    header = read_csv(client.get(export_url("partners", format="csv")))[0]
    assert header[:4] == ["ID", "상호", "법인명", "사업자등록번호"]


def test_export_honours_the_list_filters(client: Client, admin_user):
    make_partner(name="Seoul One", region="서울")
    make_partner(name="Busan One", region="부산")
    make_partner(name="Supplier One", region="서울", types=["supplier"])
    login(client, admin_user)
    rows = read_csv(
        client.get(export_url("partners", format="csv", region="서울", type="reseller"))
    )
    assert [r[1] for r in rows[1:]] == ["Seoul One"]


def test_invalid_filters_and_formats_are_400(client: Client, admin_user):
    login(client, admin_user)
    assert client.get(export_url("partners", format="pdf")).status_code == 400
    response = client.get(export_url("partners", format="csv", stage="sleeping"))
    assert response.status_code == 400
    assert b"stage" in response.content


def test_portal_user_exports_only_its_own_contacts(client: Client, populated, portal_user_a):
    login(client, portal_user_a)
    rows = read_csv(client.get(export_url("contacts", format="csv")))
    names = [r[rows[0].index("name")] for r in rows[1:]]
    assert names == ["Contact a"]
    # Asking for partner B's contacts through the filter yields nothing of B's.
    partner_b = populated["b"]["partner"]
    response = client.get(export_url("contacts", format="csv", partner=partner_b.pk))
    body = response.content.decode("utf-8-sig")
    assert "Contact b" not in body


def test_portal_users_cannot_export_partners(client: Client, portal_admin_a):
    response = login(client, portal_admin_a).get(export_url("partners", format="csv"))
    assert response.status_code == 404


def test_analyst_may_export(client: Client, populated, analyst):
    rows = read_csv(login(client, analyst).get(export_url("contacts", format="csv")))
    assert len(rows) == 3


def test_anonymous_export_goes_to_log_in(client: Client):
    response = client.get(export_url("partners", format="csv"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_unknown_entity_is_404(client: Client, admin_user):
    assert login(client, admin_user).get(export_url("unicorns")).status_code == 404


def test_exported_files_import_back_unchanged(client: Client, tmp_path, admin_user, manager):
    parent = make_partner(name="Parent Distributor", registration_number="1058712345")
    child = make_partner(
        name="+Plus Reseller",
        legal_name="(주)플러스",
        external_id="X-1",
        parent=parent,
        owner=manager,
        region="서울",
        domain="plus.co.kr",
        website="https://plus.co.kr",
        types=["reseller", "service"],
        notes="=not a formula",
    )
    child.tags.create(name="핵심")
    make_partner(name="No Keys At All", types=["referral"])
    Contact.objects.create(partner=child, name="Kim", phone="+821023456789", roles=["sales"])
    Contact.objects.create(partner=parent, name="Lee", email="lee@parent.kr", portal_access=True)
    login(client, admin_user)
    for language in ("en", "ko"):
        client.cookies["prm_language"] = language
        for fmt in ("csv", "xlsx"):
            before = audit_count()
            for entity in ("partners", "contacts"):
                response = client.get(export_url(entity, format=fmt))
                path = write(tmp_path, f"{entity}.{fmt}", response.content)
                with translation.override("en"):  # the client leaves the language active
                    out, _err = run_import(entity, path)
                assert "0 created, 0 updated" in out, (language, fmt, entity, out)
            assert audit_count() == before
    assert len(partners()) == 3 and len(contacts()) == 2


def test_cli_export_writes_a_file(tmp_path):
    make_partner(name="Alpha", registration_number="1058712345")
    output = tmp_path / "out.xlsx"
    err = io.StringIO()
    call_command(
        "export",
        "partners",
        "--format",
        "xlsx",
        "--output",
        str(output),
        "--language",
        "ko",
        stderr=err,
    )
    sheet = load_workbook(output).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["ID", "상호", "법인명", "사업자등록번호"]
    assert rows[1][1:4] == ["Alpha", None, "105-87-12345"]
    assert "1" in err.getvalue() and str(output) in err.getvalue()


def test_cli_export_as_a_portal_user_is_refused(portal_user_a, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export", "partners", "--as", portal_user_a.email, "--output", "-")
