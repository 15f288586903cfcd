import pytest
from django.core.management.base import CommandError

from prm.accounts.roles import Role
from prm.audit.context import Channel
from prm.audit.models import AuditEntry
from prm.core import access
from prm.imports import engine, registry
from prm.imports.readers import read_table
from tests.conftest import make_partner, make_user
from tests.imports.helpers import (
    FILES,
    audit_count,
    csv_bytes,
    partner,
    partners,
    run_import,
    write,
)

pytestmark = pytest.mark.django_db


def import_bytes(content: bytes, actor=None, filename="p.csv", **options) -> engine.Report:
    """The report of a dry run."""
    options.setdefault("dry_run", True)
    return engine.run(
        actor=actor,
        entity=registry.get("partners"),
        table=read_table(content, filename),
        filename=filename,
        **options,
    )


@pytest.mark.parametrize("name", ["partners_ko_cp949.csv", "partners_ko_bom.csv"])
def test_korean_csv_creates_partners_with_every_field(name):
    out, _err = run_import("partners", FILES / name)
    assert "3 created" in out
    hanbit = partner(registration_number="1058712345")
    assert hanbit.name == "한빛소프트"
    assert hanbit.legal_name == "(주)한빛소프트"
    assert hanbit.type_codes == ["supplier", "technology"]
    assert hanbit.tier.code == "gold"
    assert hanbit.stage == "active"
    assert hanbit.country.code == "KR"
    assert hanbit.region == "서울"
    assert hanbit.industry == "소프트웨어"
    assert hanbit.website == "https://www.hanbitsoft.co.kr"
    assert hanbit.domain == "hanbitsoft.co.kr"
    assert sorted(t.name for t in hanbit.tags.all()) == ["2024", "핵심"]
    assert hanbit.notes == "연간 계약 갱신"
    assert hanbit.external_id == "ERP-001"
    duri = partner(registration_number="2148654322")
    assert (duri.tier.code, duri.stage, duri.country.code) == ("silver", "onboarding", "KR")
    seum = partner(registration_number="1208145673")
    assert seum.type_codes == ["distributor", "reseller"]
    assert seum.stage == "prospect" and seum.tier is None


def test_xlsx_import(manager):
    manager.email = "owner@example.com"
    manager.save()
    out, _err = run_import("partners", FILES / "partners.xlsx")
    assert "2 created" in out
    hanbit = partner(registration_number="1058712345")
    assert (hanbit.name, hanbit.stage, hanbit.country.code) == ("Hanbit Soft", "active", "KR")
    nordic = partner(name="Nordic Parts AB")
    assert nordic.type_codes == ["oem", "supplier"]
    assert (nordic.stage, nordic.country.code) == ("candidate", "SE")


def test_import_is_recorded_under_the_import_channel(admin_user):
    run_import("partners", FILES / "partners_ko_bom.csv", "--as", admin_user.email)
    hanbit = partner(registration_number="1058712345")
    entry = access.unrestricted(AuditEntry).filter(object_id=str(hanbit.pk)).first()
    assert entry.channel == Channel.IMPORT
    assert entry.actor == admin_user


def test_the_system_import_has_no_actor_in_the_audit_log():
    run_import("partners", FILES / "partners_ko_bom.csv")
    entries = access.unrestricted(AuditEntry).filter(channel=Channel.IMPORT)
    assert entries.exists()
    assert not entries.exclude(actor=None).exists()


def test_missing_required_column_names_it_and_writes_nothing(tmp_path):
    path = write(tmp_path, "p.csv", csv_bytes(["상호", "국가"], [["한빛소프트", "KR"]]))
    with pytest.raises(CommandError) as caught:
        run_import("partners", path)
    assert "유형" in str(caught.value) and "types" in str(caught.value)
    assert partners() == []


def test_invalid_registration_number_row_is_reported_and_nothing_is_written(tmp_path):
    content = csv_bytes(
        ["name", "registration_number", "types"],
        [
            ["Good One", "105-87-12345", "reseller"],
            ["Bad One", "123-45-67890", "reseller"],
            ["Good Two", "214-86-54322", "supplier"],
        ],
    )
    before = audit_count()
    with pytest.raises(CommandError) as caught:
        run_import("partners", write(tmp_path, "p.csv", content))
    assert "1 of 3 rows" in str(caught.value)
    assert partners() == []
    assert audit_count() == before

    report = import_bytes(content)
    assert len(report.errors) == 1
    issue = report.errors[0]
    assert issue.row == 3
    assert issue.column == "registration_number"
    assert "check digit" in issue.message


def test_every_rejected_row_is_listed(tmp_path):
    content = csv_bytes(
        ["상호", "유형", "국가", "단계"],
        [
            ["", "reseller", "KR", ""],
            ["B", "unknown-type", "KR", ""],
            ["C", "reseller", "Atlantis", ""],
            ["D", "reseller", "KR", "sleeping"],
            ["E", "reseller", "KR", ""],
        ],
    )
    report = import_bytes(content)
    assert [(i.row, i.column) for i in report.errors] == [
        (2, "상호"),
        (3, "유형"),
        (4, "국가"),
        (5, "단계"),
    ]
    assert report.created == 1 and not report.applied
    assert partners() == []


def test_dry_run_writes_nothing():
    before = audit_count()
    out, _err = run_import("partners", FILES / "partners_ko_cp949.csv", "--dry-run")
    assert "3 to create" in out and "nothing was written" in out
    assert partners() == []
    assert audit_count() == before


def test_reimporting_the_same_file_changes_nothing():
    run_import("partners", FILES / "partners_ko_cp949.csv")
    stored = {p.pk: (p.name, p.updated_at) for p in partners()}
    before = audit_count()
    out, _err = run_import("partners", FILES / "partners_ko_cp949.csv")
    assert "0 created, 0 updated, 3 unchanged" in out
    assert audit_count() == before
    assert {p.pk: (p.name, p.updated_at) for p in partners()} == stored


def test_upsert_updates_only_changed_fields(tmp_path):
    run_import("partners", FILES / "partners_ko_bom.csv")
    hanbit = partner(registration_number="1058712345")
    content = csv_bytes(
        ["사업자등록번호", "상호", "유형", "지역", "등급", "단계"],
        [
            ["1058712345", "한빛소프트", "supplier, technology", "대전", "platinum", "active"],
            ["214-86-54322", "두리정밀", "공급사", "경기", "실버", "온보딩"],
        ],
    )
    before = audit_count()
    out, _err = run_import("partners", write(tmp_path, "update.csv", content))
    assert "0 created, 1 updated, 1 unchanged" in out
    hanbit = partner(pk=hanbit.pk)
    assert (hanbit.region, hanbit.tier.code) == ("대전", "platinum")
    assert hanbit.industry == "소프트웨어"  # not in the file: left alone
    entries = access.unrestricted(AuditEntry).order_by("id")[before:]
    assert [e.object_id for e in entries] == [str(hanbit.pk)]
    assert set(entries[0].changes) == {"region", "tier_id"}


def test_upsert_on_external_id_when_there_is_no_registration_number(tmp_path):
    make_partner(name="Old Name", external_id="ERP-9")
    content = csv_bytes(["external_id", "name", "types"], [["ERP-9", "New Name", "reseller"]])
    out, _err = run_import("partners", write(tmp_path, "p.csv", content))
    assert "1 updated" in out
    assert partner(external_id="ERP-9").name == "New Name"


def test_stage_moves_only_along_the_lifecycle(tmp_path):
    make_partner(name="Prospect Co", registration_number="1058712345")
    content = csv_bytes(
        ["사업자등록번호", "상호", "유형", "단계"],
        [["1058712345", "Prospect Co", "reseller", "활성"]],
    )
    report = import_bytes(content)
    assert [(i.row, i.column) for i in report.errors] == [(2, "단계")]
    assert partner(registration_number="1058712345").stage == "prospect"


def test_unknown_columns_are_warned_about(tmp_path):
    content = csv_bytes(["name", "types", "fax"], [["Fax Co", "reseller", "02-000"]])
    report = import_bytes(content)
    assert report.unknown_columns == ["fax"]
    assert "fax" in report.warnings[0]
    out, err = run_import("partners", write(tmp_path, "p.csv", content))
    assert "fax" in err and "1 created" in out


def test_two_columns_meaning_the_same_field_are_refused(tmp_path):
    content = csv_bytes(["name", "상호", "types"], [["A", "A", "reseller"]])
    with pytest.raises(CommandError) as caught:
        run_import("partners", write(tmp_path, "p.csv", content))
    assert "name" in str(caught.value) and "상호" in str(caught.value)


def test_a_new_row_like_an_existing_partner_is_an_error_unless_allowed(tmp_path):
    make_partner(name="(주)한빛소프트", domain="hanbitsoft.co.kr")
    content = csv_bytes(["name", "types"], [["한빛소프트 주식회사", "reseller"]])
    report = import_bytes(content)
    assert report.errors[0].column == "name"
    assert "(주)한빛소프트" in report.errors[0].message
    assert len(partners()) == 1
    out, _err = run_import("partners", write(tmp_path, "p.csv", content), "--allow-duplicates")
    assert "1 created" in out
    assert len(partners()) == 2


def test_parent_by_name_or_registration_number_even_from_the_same_file(tmp_path):
    content = csv_bytes(
        ["name", "registration_number", "types", "parent"],
        [
            ["Big Distributor", "105-87-12345", "distributor", ""],
            ["Small Reseller", "", "reseller", "105-87-12345"],
            ["Other Reseller", "", "reseller", "Big Distributor"],
        ],
    )
    out, _err = run_import("partners", write(tmp_path, "p.csv", content))
    assert "3 created" in out
    big = partner(name="Big Distributor")
    assert sorted(p.name for p in big.children.all()) == ["Other Reseller", "Small Reseller"]


def test_a_registration_number_of_another_partner_is_a_row_error(tmp_path):
    a = make_partner(name="Alpha", registration_number="1058712345")
    b = make_partner(name="Beta", external_id="B-1")
    content = csv_bytes(
        ["external_id", "name", "registration_number", "types"],
        [["B-1", "Beta", "105-87-12345", "reseller"]],
    )
    report = import_bytes(content)
    # The registration number finds Alpha first; its external ID is Beta's.
    assert report.errors[0].column == "external_id"
    assert "Beta" in report.errors[0].message
    assert partner(pk=a.pk).external_id == "" and partner(pk=b.pk).registration_number == ""


def test_manager_cannot_update_another_owners_partner(tmp_path, manager):
    other_manager = make_user(Role.PARTNER_MANAGER)
    theirs = make_partner(
        name="Theirs", registration_number="1058712345", owner=other_manager, region="서울"
    )
    content = csv_bytes(
        ["상호", "사업자등록번호", "유형", "지역"], [["Theirs", "105-87-12345", "reseller", "부산"]]
    )
    with pytest.raises(CommandError):
        run_import("partners", write(tmp_path, "p.csv", content), "--as", manager.email)
    report = import_bytes(content, actor=manager)
    assert "only its owner or an admin" in report.errors[0].message
    assert partner(pk=theirs.pk).region == "서울"


def test_manager_import_creates_partners_they_own(tmp_path, manager):
    content = csv_bytes(["name", "types"], [["Mine Co", "reseller"]])
    run_import("partners", write(tmp_path, "p.csv", content), "--as", manager.email)
    assert partner(name="Mine Co").owner == manager


def test_manager_cannot_create_partners_for_someone_else(tmp_path, manager, admin_user):
    content = csv_bytes(["name", "types", "owner"], [["Gift Co", "reseller", admin_user.email]])
    report = import_bytes(content, actor=manager)
    assert report.errors[0].column == "owner"
    assert partners() == []


def test_analyst_may_not_import(tmp_path, analyst):
    content = csv_bytes(["name", "types"], [["Nope", "reseller"]])
    with pytest.raises(CommandError) as caught:
        run_import("partners", write(tmp_path, "p.csv", content), "--as", analyst.email)
    assert "may not import" in str(caught.value)
    assert partners() == []


def test_an_unknown_owner_email_is_a_row_error():
    content = csv_bytes(["name", "types", "owner"], [["X", "reseller", "nobody@example.com"]])
    report = import_bytes(content)
    assert report.errors[0].column == "owner"
    assert "nobody@example.com" in report.errors[0].message


def test_formula_workbook_is_refused_and_nothing_is_written():
    with pytest.raises(CommandError) as caught:
        run_import("partners", FILES / "partners_formula.xlsx")
    assert "C3" in str(caught.value)
    assert partners() == []


def test_wrong_encoding_is_a_clear_error(tmp_path):
    content = "name,types\r\nA,reseller\r\n".encode("utf-16-le")
    with pytest.raises(CommandError) as caught:
        run_import("partners", write(tmp_path, "p.csv", content))
    assert "CP949" in str(caught.value)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as caught:
        run_import("partners", tmp_path / "nowhere.csv")
    assert "nowhere.csv" in str(caught.value)


def test_too_large_file_is_refused(tmp_path, settings):
    settings.PRM_MAX_IMPORT_MB = 1
    path = write(tmp_path, "big.csv", b"name,types\r\n" + b"A,reseller\r\n" * 100_000)
    with pytest.raises(CommandError) as caught:
        run_import("partners", path)
    assert "too large" in str(caught.value)
    assert partners() == []
