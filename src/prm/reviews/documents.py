"""The review report: what a QBR looks at, as a PDF (WeasyPrint, Korean set in Noto Sans
CJK KR, charts drawn as SVG) and as an XLSX workbook (openpyxl, native charts).

The report shows the scorecard of the review's period with its KPI lines and targets, the
trends of the score and of the metrics behind it, the deals won in the period and those
still open, the goals of the partner's business plans and the open action items. It never
shows the staff notes: the partner may read the report.

These are system-level reads: the caller has already checked that the user may see the
review.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill

from prm.core import access
from prm.metrics import selectors as metric_selectors
from prm.metrics.models import Metric
from prm.metrics.periods import Period, PeriodKind, last_n
from prm.reviews import charts, selectors
from prm.reviews.models import ActionItem, BusinessPlan, ItemStatus, Review
from prm.sales.models import Deal, DealStatus
from prm.scorecards.models import KPILine, ScorecardResult

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TREND_MONTHS = 12
SCORE_PERIODS = 6
MAX_METRIC_TRENDS = 4


@dataclass
class Trend:
    name: str
    unit: str
    labels: list[str]
    values: list[Decimal | None]


@dataclass
class ReportData:
    review: Review
    generated: datetime
    scorecard: ScorecardResult | None
    kpi_lines: list[KPILine]
    score_trend: Trend
    metric_trends: list[Trend]
    deals_won: list[Deal]
    deals_open: list[Deal]
    won_by_month: Trend
    goals: list = field(default_factory=list)  # GoalProgress of the overlapping plans
    open_items: list[ActionItem] = field(default_factory=list)

    @property
    def partner(self):
        return self.review.partner

    @property
    def won_totals(self) -> dict[str, Decimal]:
        return _totals(self.deals_won)

    @property
    def open_totals(self) -> dict[str, Decimal]:
        return _totals(self.deals_open)


def _totals(deals: list[Deal]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for deal in deals:
        totals[deal.currency] += deal.amount
    return dict(sorted(totals.items()))


def _scorecard(review: Review) -> ScorecardResult | None:
    """The partner's scorecard of the review's period; for a longer review period, the
    latest scorecard computed within it."""
    period = review.period
    rows = (
        access.unrestricted(ScorecardResult)
        .filter(partner_id=review.partner_id)
        .select_related("template")
        .order_by("-period_start", "-computed_at", "-id")
    )
    exact = rows.filter(period_kind=period.kind, period_start=period.start).first()
    if exact is not None:
        return exact
    return rows.filter(period_start__gte=period.start, period_start__lte=period.end).first()


def _score_trend(review: Review, scorecard: ScorecardResult | None) -> Trend:
    kind = scorecard.period_kind if scorecard else review.period_kind
    until = scorecard.period_start if scorecard else review.period.end
    periods = last_n(kind, SCORE_PERIODS, until=until)
    rows = access.unrestricted(ScorecardResult).filter(
        partner_id=review.partner_id,
        period_kind=kind,
        period_start__in=[p.start for p in periods],
    )
    if scorecard is not None:
        rows = rows.filter(template_id=scorecard.template_id)
    scores = {r.period_start: r.score for r in rows.order_by("computed_at", "id")}
    return Trend(_("Score"), "", [p.label for p in periods], [scores.get(p.start) for p in periods])


def _trend_metrics(review: Review, kpi_lines: list[KPILine], goals: list) -> list[Metric]:
    codes: list[str] = []
    for progress in goals:
        codes.append(progress.goal.metric.code)
    for line in kpi_lines:
        for code in line.inputs or {}:
            codes.append(str(code))
    wanted = list(dict.fromkeys(codes))
    found = {m.code: m for m in access.unrestricted(Metric).filter(code__in=wanted)}
    return [found[c] for c in wanted if c in found][:MAX_METRIC_TRENDS]


def _months(review: Review) -> list[Period]:
    return last_n(PeriodKind.MONTH, TREND_MONTHS, until=review.period.end)


def _metric_trends(review: Review, metrics: list[Metric]) -> list[Trend]:
    months = _months(review)
    return [
        Trend(
            metric.name,
            metric.unit,
            [m.label for m in months],
            metric_selectors.series_for(
                metric_code=metric.code, partner_id=review.partner_id, periods=months
            ),
        )
        for metric in metrics
    ]


def _deals(review: Review) -> tuple[list[Deal], list[Deal]]:
    period = review.period
    deals = access.unrestricted(Deal).filter(partner_id=review.partner_id)
    deals = deals.select_related("account", "stage").order_by("-amount", "id")
    won = list(
        deals.filter(
            stage__is_won=True, won_at__date__gte=period.start, won_at__date__lte=period.end
        )
    )
    open_ = list(
        deals.filter(status=DealStatus.APPROVED).filter(
            Q(stage__is_won=False) & Q(stage__is_lost=False)
        )
    )
    return won, open_


def _won_by_month(review: Review, won: list[Deal]) -> Trend:
    months = review.period.months()
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for deal in won:
        if deal.currency == "KRW":
            totals[Period.containing(PeriodKind.MONTH, timezone.localtime(deal.won_at)).label] += (
                deal.amount
            )
    labels = [m.label for m in months]
    return Trend(_("Won deals (KRW)"), "KRW", labels, [totals.get(label) for label in labels])


def _goals(review: Review) -> list:
    period = review.period
    plans = access.unrestricted(BusinessPlan).filter(partner_id=review.partner_id)
    overlapping = [
        p for p in plans if p.period.start <= period.end and p.period.end >= period.start
    ]
    progress = selectors.progress_for(overlapping)
    return [g for plan in overlapping for g in progress[plan.pk]]


def report_data(review: Review) -> ReportData:
    scorecard = _scorecard(review)
    kpi_lines = scorecard.lines if scorecard else []
    goals = _goals(review)
    won, open_ = _deals(review)
    items = list(
        access.unrestricted(ActionItem)
        .filter(partner_id=review.partner_id, status=ItemStatus.OPEN)
        .select_related("owner_user", "owner_contact", "review")
        .order_by("due_on", "id")
    )
    return ReportData(
        review=review,
        generated=timezone.localtime(),
        scorecard=scorecard,
        kpi_lines=kpi_lines,
        score_trend=_score_trend(review, scorecard),
        metric_trends=_metric_trends(review, _trend_metrics(review, kpi_lines, goals)),
        deals_won=won,
        deals_open=open_,
        won_by_month=_won_by_month(review, won),
        goals=goals,
        open_items=items,
    )


def kpi_name(line: KPILine) -> str:
    return line.name


# Files ----------------------------------------------------------------------------------


def filename(review: Review, extension: str) -> str:
    return f"review-{review.partner_id}-{review.period_label}-{review.pk}.{extension}"


def chart_svgs(data: ReportData) -> dict:
    """The report's charts as inline SVG, for the PDF and the detail page."""
    return {
        "score": charts.line_chart(
            data.score_trend.labels,
            [("", data.score_trend.values)],
            title=_("Scorecard score"),
            top=100,
            empty=_("No data"),
        ),
        "won": charts.bar_chart(
            data.won_by_month.labels,
            data.won_by_month.values,
            title=data.won_by_month.name,
            empty=_("No deals were won in this period."),
        ),
        "metrics": [
            charts.line_chart(
                t.labels,
                [("", t.values)],
                title=f"{t.name} ({t.unit})" if t.unit else t.name,
                width=340,
                height=150,
                empty=_("No data"),
            )
            for t in data.metric_trends
        ],
    }


def report_html(data: ReportData) -> str:
    return render_to_string(
        "reviews/report_pdf.html",
        {
            "data": data,
            "review": data.review,
            "partner": data.partner,
            "charts": chart_svgs(data),
            "kpi_lines": [(line, kpi_name(line)) for line in data.kpi_lines],
            "language": translation.get_language(),
        },
    )


def report_pdf(data: ReportData, *, base_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(data), base_url=base_url).write_pdf()


def _number(value) -> float | None:
    return None if value is None else float(value)


def report_xlsx(data: ReportData) -> bytes:
    """Sheets: the summary with the scorecard, trends (with charts), deals, goals, and the
    open action items."""
    book = Workbook()
    bold = Font(bold=True)
    head = PatternFill("solid", fgColor="F0F2F5")

    def header(sheet, columns: list[str]) -> None:
        sheet.append(columns)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
            cell.fill = head

    review = data.review
    summary = book.active
    summary.title = _("Summary")[:31]
    for label, value in (
        (_("Partner"), data.partner.name),
        (_("Review"), str(review)),
        (_("Period"), review.period_label),
        (_("Status"), str(review.get_status_display())),
        (_("Meeting date"), review.meeting_date),
        (_("Score"), _number(data.scorecard.score) if data.scorecard else None),
        (
            _("Standing"),
            str(data.scorecard.get_standing_display()) if data.scorecard else _("No scorecard"),
        ),
    ):
        summary.append([label, value])
        summary.cell(row=summary.max_row, column=1).font = bold
    summary.append([])
    header(summary, [_("KPI"), _("Value"), _("Target"), _("Floor"), _("Score"), _("Weight")])
    for line in data.kpi_lines:
        summary.append(
            [
                kpi_name(line),
                _number(line.value),
                _number(line.target),
                _number(line.floor),
                _number(line.score),
                _number(line.weight),
            ]
        )
    if review.shared_notes:
        summary.append([])
        summary.append([_("Meeting notes"), review.shared_notes])
        summary.cell(row=summary.max_row, column=1).font = bold
    summary.column_dimensions["A"].width = 32
    for letter in "BCDEF":
        summary.column_dimensions[letter].width = 14

    trends = book.create_sheet(_("Trends")[:31])
    header(trends, [_("Period"), _("Score")])
    for label, value in zip(data.score_trend.labels, data.score_trend.values, strict=True):
        trends.append([label, _number(value)])
    if data.score_trend.labels:
        chart = LineChart()
        chart.title = _("Scorecard score")
        chart.height, chart.width = 7, 14
        rows = len(data.score_trend.labels)
        chart.add_data(
            Reference(trends, min_col=2, min_row=1, max_row=rows + 1), titles_from_data=True
        )
        chart.set_categories(Reference(trends, min_col=1, min_row=2, max_row=rows + 1))
        trends.add_chart(chart, "E2")
    if data.metric_trends:
        start = trends.max_row + 2
        labels = data.metric_trends[0].labels
        trends.cell(row=start, column=1, value=_("Month")).font = bold
        for col, trend in enumerate(data.metric_trends, start=2):
            name = f"{trend.name} ({trend.unit})" if trend.unit else trend.name
            trends.cell(row=start, column=col, value=name).font = bold
        for offset, label in enumerate(labels, start=1):
            trends.cell(row=start + offset, column=1, value=label)
            for col, trend in enumerate(data.metric_trends, start=2):
                trends.cell(row=start + offset, column=col, value=_number(trend.values[offset - 1]))
        chart = LineChart()
        chart.title = _("Metrics")
        chart.height, chart.width = 8, 18
        last = start + len(labels)
        chart.add_data(
            Reference(
                trends, min_col=2, max_col=1 + len(data.metric_trends), min_row=start, max_row=last
            ),
            titles_from_data=True,
        )
        chart.set_categories(Reference(trends, min_col=1, min_row=start + 1, max_row=last))
        trends.add_chart(chart, "E18")
    trends.column_dimensions["A"].width = 14

    deals = book.create_sheet(_("Deals")[:31])
    header(
        deals,
        [_("State"), _("Deal"), _("Customer"), _("Stage"), _("Amount"), _("Currency"), _("Won on")],
    )
    for state, rows in ((_("Won"), data.deals_won), (_("Open"), data.deals_open)):
        for deal in rows:
            deals.append(
                [
                    state,
                    deal.title,
                    deal.customer_display,
                    str(deal.stage),
                    _number(deal.amount),
                    deal.currency,
                    timezone.localtime(deal.won_at).date() if deal.won_at else None,
                ]
            )
            deals.cell(row=deals.max_row, column=5).number_format = "#,##0"
            deals.cell(row=deals.max_row, column=7).number_format = "yyyy-mm-dd"
    start = deals.max_row + 2
    deals.cell(row=start, column=1, value=_("Month")).font = bold
    deals.cell(row=start, column=2, value=data.won_by_month.name).font = bold
    for offset, (label, value) in enumerate(
        zip(data.won_by_month.labels, data.won_by_month.values, strict=True), start=1
    ):
        deals.cell(row=start + offset, column=1, value=label)
        deals.cell(row=start + offset, column=2, value=_number(value) or 0)
    bars = BarChart()
    bars.title = data.won_by_month.name
    bars.height, bars.width = 7, 14
    last = start + len(data.won_by_month.labels)
    bars.add_data(Reference(deals, min_col=2, min_row=start, max_row=last), titles_from_data=True)
    bars.set_categories(Reference(deals, min_col=1, min_row=start + 1, max_row=last))
    deals.add_chart(bars, "I2")
    for letter, width in zip("ABCDEFG", (10, 36, 28, 14, 16, 10, 12), strict=True):
        deals.column_dimensions[letter].width = width

    goals = book.create_sheet(_("Goals")[:31])
    header(goals, [_("Goal"), _("Metric"), _("Target"), _("Actual"), _("Progress (%)")])
    for progress in data.goals:
        goals.append(
            [
                progress.goal.title,
                progress.goal.metric.name,
                _number(progress.goal.target),
                _number(progress.actual),
                _number(progress.percent),
            ]
        )
    goals.column_dimensions["A"].width = 36
    goals.column_dimensions["B"].width = 24

    items = book.create_sheet(_("Action items")[:31])
    header(items, [_("Action item"), _("Owned by"), _("Owner"), _("Due"), _("Status")])
    for item in data.open_items:
        items.append(
            [
                item.title,
                str(item.get_owner_side_display()),
                item.owner_display,
                item.due_on,
                str(item.get_status_display()),
            ]
        )
        items.cell(row=items.max_row, column=4).number_format = "yyyy-mm-dd"
    items.column_dimensions["A"].width = 40
    items.column_dimensions["C"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
