"""The risk report as a file: XLSX (openpyxl) and PDF (WeasyPrint; Korean text in Noto Sans
CJK KR)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from prm.risks import selectors
from prm.risks.models import AssessmentKind, Risk, Status

REPORT_ROWS = 2000  # the register sheet lists at most this many open risks
FILLS = {"low": "C6EFCE", "medium": "DDEBF7", "high": "FFEB9C", "critical": "FFC7CE"}


@dataclass
class ReportData:
    generated: datetime
    maps: list
    top: list[Risk]
    risks: list[Risk]
    open_count: int
    overdue: list
    overdue_count: int


def report_data(*, user, queryset: QuerySet) -> ReportData:
    maps = selectors.heat_maps(queryset)
    open_risks = queryset.filter(status=Status.OPEN)
    overdue_count, overdue = selectors.overdue_actions(user=user, queryset=queryset, limit=200)
    return ReportData(
        generated=timezone.localtime(),
        maps=[maps[AssessmentKind.INHERENT], maps[AssessmentKind.RESIDUAL]],
        top=selectors.top_risks(queryset),
        risks=list(open_risks[:REPORT_ROWS]),
        open_count=open_risks.count(),
        overdue=overdue,
        overdue_count=overdue_count,
    )


def _risk_row(risk: Risk) -> list:
    return [
        risk.pk,
        risk.title,
        risk.partner.name if risk.partner else _("Program-wide"),
        str(risk.category),
        risk.get_level_display(),
        risk.inherent_likelihood,
        risk.inherent_impact,
        risk.inherent_score,
        risk.residual_likelihood,
        risk.residual_impact,
        risk.residual_score,
        risk.get_strategy_display(),
        risk.owner.email if risk.owner else "",
        timezone.localtime(risk.raised_at).date().isoformat(),
    ]


def report_xlsx(data: ReportData) -> bytes:
    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = _("Heat map")[:31]
    sheet.append([_("Risk report"), data.generated.strftime("%Y-%m-%d %H:%M")])
    sheet.cell(row=1, column=1).font = bold
    for heat in data.maps:
        sheet.append([])
        title = _("Inherent") if heat.kind == AssessmentKind.INHERENT else _("Residual")
        sheet.append([f"{title} ({heat.total})", *[f"{_('Impact')} {i}" for i in range(1, 6)]])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for row in heat.rows:
            sheet.append([f"{_('Likelihood')} {row[0].likelihood}", *[c.count for c in row]])
            for index, cell in enumerate(row, start=2):
                sheet.cell(row=sheet.max_row, column=index).fill = PatternFill(
                    "solid", fgColor=FILLS.get(cell.level, "FFFFFF")
                )
    headers = [
        _("ID"),
        _("Title"),
        _("Partner"),
        _("Category"),
        _("Level"),
        _("Inherent likelihood"),
        _("Inherent impact"),
        _("Inherent score"),
        _("Residual likelihood"),
        _("Residual impact"),
        _("Residual score"),
        _("Strategy"),
        _("Owner"),
        _("Raised"),
    ]
    register = book.create_sheet(_("Open risks")[:31])
    register.append(headers)
    for cell in register[1]:
        cell.font = bold
    for risk in data.risks:
        register.append(_risk_row(risk))
    top = book.create_sheet(_("Top risks")[:31])
    top.append(headers)
    for cell in top[1]:
        cell.font = bold
    for risk in data.top:
        top.append(_risk_row(risk))
    overdue = book.create_sheet(_("Overdue actions")[:31])
    overdue.append([_("Action"), _("Risk"), _("Owner"), _("Due"), _("Status")])
    for cell in overdue[1]:
        cell.font = bold
    for action in data.overdue:
        overdue.append(
            [
                action.title,
                action.risk.title,
                action.owner.email if action.owner else "",
                action.due_on.isoformat() if action.due_on else "",
                action.get_status_display(),
            ]
        )
    for ws in (register, top):
        for letter, width in zip(
            "ABCDEFGHIJKLMN", (6, 40, 28, 18, 10, 8, 8, 8, 8, 8, 8, 12, 28, 12), strict=True
        ):
            ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(data: ReportData, *, base_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "risks/report_pdf.html", {"data": data, "language": translation.get_language()}
    )
    return HTML(string=html, base_url=base_url).write_pdf()
