"""A statement as a file the partner downloads: PDF (WeasyPrint) and XLSX (openpyxl)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from prm.commissions import engine
from prm.commissions.models import CommissionStatement, StatementLine

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(statement: CommissionStatement, extension: str) -> str:
    return f"commission-{statement.period_label}-{statement.currency}-{statement.pk}.{extension}"


def _money_format(currency: str) -> str:
    places = engine.minor_unit(currency)
    return "#,##0" + ("." + "0" * places if places else "")


def statement_xlsx(statement: CommissionStatement, lines: list[StatementLine]) -> bytes:
    """One sheet: the statement's heading rows, then one row per line, then the total."""
    book = Workbook()
    sheet = book.active
    sheet.title = statement.period_label
    bold = Font(bold=True)
    money = _money_format(statement.currency)
    heading = [
        (_("Partner"), statement.partner.name),
        (_("Period"), statement.period_label),
        (_("Currency"), statement.currency),
        (_("Status"), str(statement.get_status_display())),
    ]
    for label, value in heading:
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    columns = [
        _("Kind"),
        _("Deal"),
        _("Customer"),
        _("Won on"),
        _("Deal amount"),
        _("Rule"),
        _("Terms"),
        _("Rate (%)"),
        _("Commission"),
        _("Note"),
    ]
    sheet.append(columns)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for line in lines:
        sheet.append(
            [
                str(line.get_kind_display()),
                line.deal_title,
                line.customer,
                engine.seoul_date(line.won_at) if line.won_at else None,
                line.deal_amount,
                line.rule_name,
                line.rule_terms,
                line.rate,
                line.amount,
                line.note,
            ]
        )
        row = sheet.max_row
        sheet.cell(row=row, column=4).number_format = "yyyy-mm-dd"
        sheet.cell(row=row, column=5).number_format = money
        sheet.cell(row=row, column=9).number_format = money
    sheet.append([_("Total"), None, None, None, None, None, None, None, statement.total])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    total = sheet.cell(row=sheet.max_row, column=9)
    total.font = bold
    total.number_format = money
    for letter, width in zip("ABCDEFGHIJ", (14, 32, 28, 12, 16, 24, 40, 10, 16, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def statement_pdf(
    statement: CommissionStatement, lines: list[StatementLine], *, base_url: str
) -> bytes:
    """The statement rendered from ``commissions/statement_pdf.html`` in the current
    language; Korean text is set in Noto Sans CJK KR."""
    from weasyprint import HTML

    html = render_to_string(
        "commissions/statement_pdf.html",
        {
            "statement": statement,
            "lines": lines,
            "generated": timezone.localtime(timezone=engine.SEOUL),
            "language": translation.get_language(),
        },
    )
    return HTML(string=html, base_url=base_url).write_pdf()
