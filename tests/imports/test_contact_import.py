import pytest
from django.core.management.base import CommandError

from prm.accounts.roles import Role
from prm.core import access
from prm.imports import engine, registry
from prm.imports.readers import read_table
from prm.partners.models import Contact
from tests.conftest import make_partner, make_user
from tests.imports.helpers import FILES, audit_count, contacts, csv_bytes, run_import, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanbit():
    return make_partner(name="한빛소프트", registration_number="1058712345", country="KR")


def dry_run(content: bytes, actor=None) -> engine.Report:
    return engine.run(
        actor=actor,
        entity=registry.get("contacts"),
        table=read_table(content, "c.csv"),
        dry_run=True,
    )


def test_korean_contacts_file_imports(hanbit):
    out, _err = run_import("contacts", FILES / "contacts_ko_bom.csv")
    assert "2 created" in out
    kim, lee = contacts()
    assert kim.partner == hanbit and lee.partner == hanbit
    assert (kim.name, kim.title, kim.email) == ("김민준", "영업팀장", "minjun.kim@hanbitsoft.co.kr")
    assert kim.phone == "+821023456789"
    assert kim.roles == ["primary", "sales"]
    assert kim.portal_access is True
    assert (lee.phone, lee.roles, lee.portal_access) == ("+8225550199", ["purchasing"], False)


def test_reimporting_contacts_changes_nothing(hanbit):
    run_import("contacts", FILES / "contacts_ko_bom.csv")
    before = audit_count()
    out, _err = run_import("contacts", FILES / "contacts_ko_bom.csv")
    assert "0 created, 0 updated, 2 unchanged" in out
    assert audit_count() == before


def test_contacts_upsert_on_partner_and_email(tmp_path, hanbit):
    Contact.objects.create(partner=hanbit, name="Kim", email="kim@hanbitsoft.co.kr", title="Old")
    content = csv_bytes(
        ["partner", "name", "email", "title"],
        [["한빛소프트", "Kim", "KIM@hanbitsoft.co.kr", "New"]],
    )
    out, _err = run_import("contacts", write(tmp_path, "c.csv", content))
    assert "1 updated" in out
    (kim,) = contacts()
    assert kim.title == "New"


def test_unknown_partner_and_bad_phone_are_row_errors(hanbit):
    content = csv_bytes(
        ["partner", "name", "phone"],
        [["Nobody Inc", "A", ""], ["105-87-12345", "B", "12"], ["105-87-12345", "C", ""]],
    )
    report = dry_run(content)
    assert [(i.row, i.column) for i in report.errors] == [(2, "partner"), (3, "phone")]
    assert "Nobody Inc" in report.errors[0].message
    assert contacts() == []


def test_contacts_of_a_partner_the_manager_does_not_own_are_refused(tmp_path, manager):
    other = make_partner(name="Other", owner=make_user(Role.PARTNER_MANAGER))
    content = csv_bytes(["partner", "name"], [["Other", "Someone"]])
    with pytest.raises(CommandError):
        run_import("contacts", write(tmp_path, "c.csv", content), "--as", manager.email)
    report = dry_run(content, actor=manager)
    assert report.errors[0].column == "partner"
    assert "Other" in report.errors[0].message
    assert not access.unrestricted(Contact).filter(partner=other).exists()
