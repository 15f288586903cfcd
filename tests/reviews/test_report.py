"""The generated review report: what it shows (HTML fed to WeasyPrint, the PDF's fonts and
pages, the XLSX sheets and charts)."""

import io
import re
import zlib
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from fontTools.ttLib import TTFont
from openpyxl import load_workbook

from prm.core import access
from prm.metrics.periods import Period
from prm.reviews import documents
from prm.reviews.models import ItemStatus, OwnerSide
from prm.sales.models import Account, Deal, DealStatus, PipelineStage
from prm.scorecards.models import ScorecardResult, ScorecardTemplate
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def _deal(partner, title, amount, stage_code, won_at=None, status=DealStatus.APPROVED):
    account = access.unrestricted(Account).create(name=f"고객 {title}")
    return access.unrestricted(Deal).create(
        partner=partner,
        account=account,
        title=title,
        amount=Decimal(amount),
        stage=PipelineStage.objects.get(code=stage_code),
        status=status,
        registered_at=datetime(2026, 7, 2, tzinfo=SEOUL),
        won_at=won_at,
    )


@pytest.fixture
def world(partner_a, manager):
    partner_a.name = "알파 시스템즈"
    partner_a.save()
    review = f.review(
        partner_a,
        "2026-Q3",
        title="3분기 정기 리뷰",
        owner=manager,
        shared_notes="다음 분기 목표를 합의했습니다.",
        staff_notes="SECRET staff note",
    )
    template = ScorecardTemplate.objects.create(
        name_ko="리셀러 스코어카드", name_en="Reseller scorecard", period_kind="quarter"
    )
    revenue = f.metric("t_revenue", name_ko="매출", name_en="Revenue", unit="KRW")
    for label, score in (("2026-Q1", "61.5"), ("2026-Q2", "70"), ("2026-Q3", "88.25")):
        period = Period.parse(label)
        result = access.unrestricted(ScorecardResult).create(
            partner=partner_a,
            template=template,
            period_kind="quarter",
            period_start=period.start,
            score=Decimal(score),
            standing="excellent" if label == "2026-Q3" else "watch",
            computed_at=datetime(2026, 10, 1, tzinfo=SEOUL),
        )
    result.snapshot = {
        "kpis": [
            {
                "code": "won_revenue",
                "formula": "t_revenue",
                "value": "1500000",
                "target": "1000000",
                "score": "100",
                "weight": "60",
                "inputs": {"t_revenue": "1500000"},
            },
            {"code": "nps", "formula": "nps", "value": None, "weight": "40"},
        ]
    }
    result.save()
    for month, value in (("2026-07", 400000), ("2026-08", 500000), ("2026-09", 600000)):
        f.observe(revenue, partner_a, month, value)
    _deal(partner_a, "서울 병원 ERP", "1200000", "won", datetime(2026, 8, 14, tzinfo=SEOUL))
    _deal(partner_a, "Busan Port WMS", "800000", "proposal")
    _deal(partner_a, "Old deal", "999", "won", datetime(2025, 1, 3, tzinfo=SEOUL))
    f.item(partner_a, review=review, title="견적서 송부", owner_side=OwnerSide.PARTNER)
    f.item(partner_a, title="Closed item", status=ItemStatus.DONE)
    plan = f.plan(partner_a, "2026", title="2026 공동 사업 계획")
    f.goal(plan, revenue, 3000000, title="연 매출 목표")
    return review


def test_report_data_holds_the_period_scorecard_deals_and_open_items(world):
    data = documents.report_data(world)
    assert data.scorecard.score == Decimal("88.25")
    assert [line.code for line in data.kpi_lines] == ["won_revenue", "nps"]
    assert data.score_trend.labels[-3:] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert data.score_trend.values[-3:] == [Decimal("61.5"), Decimal("70"), Decimal("88.25")]
    assert [d.title for d in data.deals_won] == ["서울 병원 ERP"]
    assert [d.title for d in data.deals_open] == ["Busan Port WMS"]
    assert [i.title for i in data.open_items] == ["견적서 송부"]
    (trend,) = data.metric_trends
    assert trend.labels[-3:] == ["2026-07", "2026-08", "2026-09"]
    assert trend.values[-3:] == [Decimal("400000"), Decimal("500000"), Decimal("600000")]
    assert trend.values[0] is None  # no observation that month: a gap, not zero
    (goal,) = data.goals
    assert goal.actual == Decimal("1500000") and goal.percent == Decimal("50.0")


def test_report_html_shows_what_the_partner_may_read(world):
    with translation.override("en"):
        html = documents.report_html(documents.report_data(world))
    assert "3분기 정기 리뷰" in html and "알파 시스템즈" in html
    assert "88.2" in html and "Excellent" in html.replace("우수", "Excellent")
    assert "No data" in html  # the NPS line without a value
    assert "서울 병원 ERP" in html and "Busan Port WMS" in html and "Old deal" not in html
    assert "견적서 송부" in html and "Closed item" not in html
    assert "다음 분기 목표를 합의했습니다." in html
    assert "SECRET" not in html  # staff notes never reach the report
    assert html.count("<svg") >= 3  # score trend, revenue trend, won deals


def _streams(pdf: bytes) -> list[bytes]:
    """Every stream of the PDF, inflated (WeasyPrint compresses objects and fonts)."""
    found = []
    for match in re.finditer(rb"stream\r?\n", pdf):
        start = match.end()
        try:
            found.append(zlib.decompressobj().decompress(pdf[start : start + 20_000_000]))
        except zlib.error:
            continue
    return found


def _font_names(pdf: bytes, streams: list[bytes]) -> set[bytes]:
    text = b"\n".join([pdf, *streams])
    return {m.group(1) for m in re.finditer(rb"/FontName\s*/(?:[A-Z]{6}\+)?([\w-]+)", text)}


def _covered(streams: list[bytes]) -> set[int]:
    """The characters the embedded font programs have glyphs for."""
    covered: set[int] = set()
    for data in streams:
        if data[:4] not in (b"OTTO", b"\x00\x01\x00\x00", b"true"):
            continue
        font = TTFont(io.BytesIO(data))
        if "cmap" in font:
            covered |= set(font.getBestCmap() or {})
    return covered


def test_pdf_sets_korean_in_noto_cjk_with_real_glyphs(world):
    with translation.override("ko"):
        data = documents.report_data(world)
        pdf = documents.report_pdf(data, base_url="http://testserver/")
    assert pdf.startswith(b"%PDF")
    streams = _streams(pdf)
    names = _font_names(pdf, streams)
    # Every text, the charts' too, is set in Noto Sans CJK KR.
    assert names and all(name.replace(b"-", b"").startswith(b"NotoSansCJKKR") for name in names)
    pages = len(re.findall(rb"/Type\s*/Page\b", b"\n".join([pdf, *streams])))
    assert 1 <= pages <= 4
    covered = _covered(streams)
    # The subset font holds glyphs for the Korean text (no tofu boxes).
    for char in "알파시스템즈정기리뷰":
        assert ord(char) in covered, char


def test_xlsx_has_the_scorecard_trends_with_charts_deals_and_items(world):
    with translation.override("en"):
        book = load_workbook(io.BytesIO(documents.report_xlsx(documents.report_data(world))))
    assert book.sheetnames == ["Summary", "Trends", "Deals", "Goals", "Action items"]
    summary = [[c for c in row] for row in book["Summary"].iter_rows(values_only=True)]
    assert list(summary[0][:2]) == ["Partner", "알파 시스템즈"]
    assert list(summary[5][:2]) == ["Score", 88.25]
    kpis = {row[0]: row for row in summary if row and row[0] in ("won_revenue", "nps")}
    assert list(kpis["won_revenue"][1:5]) == [1500000, 1000000, None, 100]
    assert kpis["nps"][1] is None
    assert len(book["Trends"]._charts) == 2 and len(book["Deals"]._charts) == 1
    deals = [row[1] for row in book["Deals"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert "서울 병원 ERP" in deals and "Busan Port WMS" in deals
    items = [row[0] for row in book["Action items"].iter_rows(min_row=2, values_only=True)]
    assert items == ["견적서 송부"]
    assert not any("SECRET" in str(c) for row in summary for c in row if c)


def test_report_without_scorecard_or_data_still_renders(partner_b):
    review = f.review(partner_b, "2026-11")
    with translation.override("en"):
        data = documents.report_data(review)
        html = documents.report_html(data)
        pdf = documents.report_pdf(data, base_url="http://testserver/")
        documents.report_xlsx(data)
    assert data.scorecard is None
    assert "No scorecard was computed for this period." in html
    assert pdf.startswith(b"%PDF")
