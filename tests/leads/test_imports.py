"""Leads through `prm import` / `prm export`: routed on creation, upserted by external ID."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prm.core import access
from prm.leads.models import Lead, LeadSource, LeadStatus
from tests.imports.helpers import csv_bytes, run_import, write

HEADERS = ["고객사", "담당자", "이메일", "국가", "예상 금액", "통화", "외부 ID"]


def test_a_korean_file_creates_routed_leads_and_a_reimport_changes_nothing(
    tmp_path, admin_user, active_partners, korea_rule
):
    content = csv_bytes(
        HEADERS,
        [
            ["(주)한빛소프트", "김철수", "kim@hanbit.example", "한국", "12,000,000", "원", "L-1"],
            ["Daehan Steel", "", "", "KR", "", "USD", "L-2"],
        ],
    )
    path = write(tmp_path, "leads.csv", content)
    out, _err = run_import("leads", path)
    assert "2 created" in out
    leads = {lead.external_id: lead for lead in access.unrestricted(Lead)}
    hanbit = leads["L-1"]
    assert hanbit.source == LeadSource.IMPORTED
    assert hanbit.status == LeadStatus.OFFERED and hanbit.partner in active_partners
    assert str(hanbit.estimated_value) == "12000000.00" and hanbit.currency == "KRW"
    assert leads["L-2"].currency == "USD"
    out, _err = run_import("leads", path)
    assert "2 unchanged" in out


def test_bad_rows_are_reported_and_nothing_is_stored(tmp_path, admin_user):
    content = csv_bytes(
        HEADERS,
        [
            ["Good Co", "", "", "KR", "10", "KRW", ""],
            ["Bad Money", "", "", "KR", "ten", "KRW", ""],
            ["Bad Currency", "", "", "KR", "10", "XYZ", ""],
            ["Negative", "", "", "KR", "-10", "KRW", ""],
        ],
    )
    with pytest.raises(CommandError):
        run_import("leads", write(tmp_path, "bad.csv", content))
    assert not access.unrestricted(Lead).exists()


def test_export_lists_the_leads(tmp_path, admin_user, active_partners, korea_rule):
    run_import(
        "leads",
        write(tmp_path, "l.csv", csv_bytes(["company_name"], [["Export Me"]])),
    )
    output = tmp_path / "leads-out.csv"
    call_command("export", "leads", "--output", str(output), stderr=io.StringIO())
    text = output.read_text(encoding="utf-8-sig")
    assert "Export Me" in text
    assert "Offered" in text
