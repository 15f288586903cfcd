"""Back-office pages: heat map with HTMX cells, register, detail forms, settings, report."""

import io
import re
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from prm.core import access
from prm.risks.models import Assessment, LevelBand, MitigationAction, Risk, SignalRule, Status
from tests.conftest import login, make_partner
from tests.risks.factories import add_action, raise_risk, reload

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def risk(manager, partner_a):
    return raise_risk(manager, partner_a, likelihood=4, impact=5, title="Single source castings")


def test_overview_counts_cells_inherent_and_residual(client, manager, risk, partner_b):
    other = raise_risk(manager, partner_b, likelihood=4, impact=5, title="Other")
    from prm.risks import services

    services.risk_assess(actor=manager, risk=other, kind="residual", likelihood=2, impact=2)
    login(client, manager)
    response = client.get(reverse("risks:overview"), **EN)
    assert response.status_code == 200
    maps = {m.kind: m for m in response.context["maps"]}
    cells = {(c.likelihood, c.impact): c.count for row in maps["inherent"].rows for c in row}
    assert cells[(4, 5)] == 2
    residual = {(c.likelihood, c.impact): c.count for row in maps["residual"].rows for c in row}
    assert residual[(4, 5)] == 1 and residual[(2, 2)] == 1
    assert [r.title for r in response.context["top"]] == ["Single source castings", "Other"]


def test_overview_filters_by_region(client, manager, risk):
    seoul = make_partner(name="Seoul Parts", region="서울")
    raise_risk(manager, seoul, likelihood=1, impact=1, title="Seoul risk")
    login(client, manager)
    response = client.get(reverse("risks:overview"), {"region": "서울"}, **EN)
    maps = {m.kind: m for m in response.context["maps"]}
    assert maps["inherent"].total == 1


def test_cell_click_lists_its_risks_as_htmx_fragment(client, manager, risk):
    login(client, manager)
    url = reverse("risks:cell")
    response = client.get(url, {"kind": "inherent", "l": 4, "i": 5}, HTTP_HX_REQUEST="true", **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Single source castings" in body and "<html" not in body
    empty = client.get(url, {"kind": "inherent", "l": 1, "i": 1}, HTTP_HX_REQUEST="true", **EN)
    assert "Single source castings" not in empty.content.decode()
    assert client.get(url, {"kind": "inherent", "l": 9, "i": 1}).status_code == 404


def test_portal_user_never_reaches_risks(client, portal_user_a, risk):
    login(client, portal_user_a)
    assert client.get(reverse("risks:overview")).status_code == 404
    assert client.get(reverse("risks:detail", args=[risk.pk])).status_code == 404


def test_list_query_count_does_not_grow(client, manager, partner_a):
    for n in range(3):
        raise_risk(manager, partner_a, likelihood=2, impact=n + 1, title=f"R{n}")
    login(client, manager)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("risks:list"))
    for n in range(10):
        raise_risk(manager, partner_a, likelihood=3, impact=3, title=f"More {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("risks:list"))
    assert response.context["page"].paginator.count == 13
    assert len(many) == len(few)


def test_create_risk_page(client, manager, partner_a):
    login(client, manager)
    response = client.post(
        reverse("risks:create"),
        {
            "partner": partner_a.pk,
            "category": "financial",
            "title": "Late payments",
            "owner": manager.pk,
            "likelihood": "3",
            "impact": "4",
        },
    )
    risk = access.unrestricted(Risk).get()
    assert response.status_code == 302 and response.url == risk.get_absolute_url()
    assert (risk.inherent_score, risk.level, risk.raised_by) == (12, "high", manager)


def test_assess_out_of_range_shows_translated_error_and_changes_nothing(client, manager, risk):
    login(client, manager)
    url = reverse("risks:assess", args=[risk.pk])
    for bad in ("0", "6"):
        response = client.post(url, {"kind": "residual", "likelihood": bad, "impact": "2"}, **EN)
        assert response.status_code == 400
        assert "Likelihood must be a whole number from 1 to 5." in response.content.decode()
    response = client.post(
        url, {"kind": "residual", "likelihood": "2", "impact": "6"}, HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert response.status_code == 400
    assert access.unrestricted(Assessment).filter(risk=risk).count() == 1
    assert reload(risk).residual_score is None


def test_assess_records_residual(client, manager, risk):
    login(client, manager)
    client.post(
        reverse("risks:assess", args=[risk.pk]),
        {"kind": "residual", "likelihood": "2", "impact": "3", "note": "Second source"},
    )
    risk = reload(risk)
    assert (risk.residual_score, risk.level) == (6, "medium")
    page = client.get(risk.get_absolute_url(), **EN).content.decode()
    assert "2 \u00d7 3 = 6" in page


def test_acceptance_by_manager_is_refused_with_message(client, manager, risk):
    login(client, manager)
    response = client.post(
        reverse("risks:strategy", args=[risk.pk]),
        {
            "strategy": "accept",
            "reason": "Cheap",
            "review_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
        **EN,
    )
    assert response.status_code == 400
    assert "Your role may not accept a risk" in response.content.decode()
    assert reload(risk).strategy == ""


def test_acceptance_without_reason_is_refused(client, admin_user, risk):
    login(client, admin_user)
    response = client.post(
        reverse("risks:strategy", args=[risk.pk]),
        {"strategy": "accept", "reason": "", "review_on": "2099-01-01"},
        **EN,
    )
    assert response.status_code == 400
    assert "Give the reason for accepting the risk." in response.content.decode()
    assert reload(risk).strategy == ""


def test_close_with_open_actions_is_refused(client, manager, risk):
    add_action(manager, risk)
    login(client, manager)
    response = client.post(reverse("risks:close", args=[risk.pk]), {"note": ""}, **EN)
    assert response.status_code == 400
    assert "still has 1 open mitigation action" in response.content.decode()
    assert reload(risk).status == Status.OPEN


def test_action_done_with_evidence_then_close(client, manager, risk):
    action = add_action(manager, risk, due_on=timezone.localdate() - timedelta(days=1))
    login(client, manager)
    upload = SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%proof\n", content_type="application/pdf")
    response = client.post(
        reverse("risks:action_update", args=[action.pk]),
        {"status": "done", "evidence_note": "Audit passed", "file": upload},
    )
    assert response.status_code == 302
    action = access.unrestricted(MitigationAction).get(pk=action.pk)
    assert action.status == "done" and action.evidence_filename == "proof.pdf"
    download = client.get(reverse("risks:action_download", args=[action.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    client.post(reverse("risks:close", args=[risk.pk]), {"note": "done"})
    assert reload(risk).status == Status.CLOSED


def test_evidence_of_wrong_type_is_refused(client, manager, risk):
    action = add_action(manager, risk)
    login(client, manager)
    upload = SimpleUploadedFile("run.exe", b"MZ\x00\x00", content_type="application/octet-stream")
    response = client.post(
        reverse("risks:action_update", args=[action.pk]),
        {"status": "done", "file": upload},
        follow=True,
        **EN,
    )
    assert "are not accepted" in response.content.decode()
    assert access.unrestricted(MitigationAction).get(pk=action.pk).status == "planned"


def test_settings_rule_out_of_range_is_refused(client, admin_user):
    login(client, admin_user)
    url = reverse("risks:rule_update", args=["contract_expiry"])
    response = client.post(url, {"enabled": "on", "margin_days": "400", "expired_days": "30"}, **EN)
    assert response.status_code == 400
    assert "must be a whole number from 0 to 365" in response.content.decode()
    assert not SignalRule.objects.exists()
    client.post(url, {"enabled": "on", "margin_days": "14", "expired_days": "30"})
    assert SignalRule.objects.get().params == {"margin_days": 14, "expired_days": 30}


def test_settings_bands_with_gap_are_refused(client, admin_user):
    login(client, admin_user)
    data = {
        "low_min": 1,
        "low_max": 4,
        "medium_min": 6,
        "medium_max": 9,
        "high_min": 10,
        "high_max": 16,
        "critical_min": 17,
        "critical_max": 25,
    }
    response = client.post(reverse("risks:bands_update"), data, **EN)
    assert response.status_code == 400
    assert "must be contiguous" in response.content.decode()
    assert LevelBand.objects.get(level="medium").min_score == 5


def test_manager_may_not_change_settings(client, manager):
    login(client, manager)
    url = reverse("risks:rule_update", args=["contract_expiry"])
    response = client.post(url, {"enabled": "", "margin_days": "1", "expired_days": "30"})
    assert response.status_code in (400, 403)
    assert not SignalRule.objects.exists()


def test_report_xlsx_and_pdf_with_korean(client, manager, partner_a):
    raise_risk(manager, partner_a, likelihood=5, impact=5, title="원자재 단일 공급원 의존")
    login(client, manager)
    response = client.get(reverse("risks:report_xlsx"), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    titles = [row[1] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert "원자재 단일 공급원 의존" in titles
    pdf = client.get(reverse("risks:report_pdf"), HTTP_ACCEPT_LANGUAGE="ko")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # No rasteriser here: read the PDF's own streams instead. The Korean glyphs come from
    # the embedded Noto Sans CJK font, and its ToUnicode map names each Hangul syllable of
    # the title (원 U+C6D0, 의 U+C758, 존 U+C874).
    streams = b""
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf.content, re.S):
        try:
            streams += zlib.decompress(match.group(1))
        except zlib.error:
            continue
    assert b"NotoSansCJK" in streams
    for syllable in "원의존":
        assert f"<{ord(syllable):04x}>".encode() in streams.lower()


def test_partner_list_filters_and_sorts_by_risk_level(client, manager, partner_a, partner_b):
    raise_risk(manager, partner_a, likelihood=5, impact=5)
    login(client, manager)
    response = client.get(reverse("partners:list"), {"risk_level": "critical"})
    assert [p.name for p in response.context["page"]] == ["Alpha Systems"]
    response = client.get(reverse("partners:list"), {"risk_level": "none"})
    assert "Alpha Systems" not in [p.name for p in response.context["page"]]
    response = client.get(reverse("partners:list"), {"sort": "-risk"})
    assert response.status_code == 200
    detail = client.get(reverse("partners:detail", args=[partner_a.pk]), **EN).content.decode()
    assert 'data-testid="partner-risk-level">Critical' in detail


def test_pages_render_a_risk_without_owner_or_author(client, admin_user, partner_b):
    from prm.risks import services

    risk = services.risk_raise(
        actor=None,
        partner=partner_b,
        category_code="quality",
        title="Orphan",
        likelihood=2,
        impact=2,
    )
    action = add_action(admin_user, risk, due_on=timezone.localdate() - timedelta(days=3))
    access.unrestricted(MitigationAction).filter(pk=action.pk).update(owner=None)
    assert risk.owner is None and risk.raised_by is None
    login(client, admin_user)
    for url in (
        reverse("risks:overview"),
        reverse("risks:list"),
        risk.get_absolute_url(),
        reverse("risks:report_pdf"),
    ):
        assert client.get(url, **EN).status_code == 200, url
