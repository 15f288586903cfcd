"""Reading CSV and XLSX files into a header row and numbered rows of text.

Everything that can be wrong with the file as a whole (too large, an unknown type, an
encoding we do not read, a formula in a workbook) raises a :class:`BusinessError` before a
single row is looked at.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from prm.core.errors import BusinessError

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx",)
ACCEPTED_SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES
ENCODINGS_ACCEPTED = "UTF-8, UTF-8 with BOM, CP949 (EUC-KR), UTF-16 with BOM"
FORMULA_CELLS_NAMED = 10
# Control characters never found in a text file (tab, CR and LF are fine).
_BINARY = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells)
    encoding: str = ""  # CSV only

    def __len__(self) -> int:
        return len(self.rows)


def max_bytes() -> int:
    return settings.PRM_MAX_IMPORT_MB * 1024 * 1024


def check_size(size: int) -> None:
    """Refuse a file by its size alone, before reading it."""
    if size > max_bytes():
        raise BusinessError(
            _("The file is too large: %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": size / 1024 / 1024, "limit": settings.PRM_MAX_IMPORT_MB},
            code="too_large",
            status=413,
            field="file",
        )
    if size == 0:
        raise BusinessError(_("The file is empty."), code="empty", field="file")


def read_table(data: bytes, filename: str) -> Table:
    """The table in ``data``; the type is chosen by the file name's extension."""
    check_size(len(data))
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(data)
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(data)
    if suffix in (".xls", ".xlsm", ".xlsb"):
        raise BusinessError(
            _("%(type)s workbooks cannot be imported; save the file as .xlsx or .csv.")
            % {"type": suffix},
            code="file_type",
            field="file",
        )
    raise BusinessError(
        _("Files of type %(type)s cannot be imported; use one of: %(allowed)s")
        % {"type": suffix or "?", "allowed": ", ".join(ACCEPTED_SUFFIXES)},
        code="file_type",
        field="file",
    )


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: a BOM decides; otherwise UTF-8, then
    CP949 (what Korean Excel saves as "CSV")."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp949"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # UTF-16 without a BOM, or a binary file, "decodes" with NUL and control bytes.
        if _BINARY.isdisjoint(text[:65536]):
            return text, encoding
    raise BusinessError(
        _(
            "The file could not be read as text. Save it as CSV in one of these "
            "encodings: %(encodings)s."
        )
        % {"encodings": ENCODINGS_ACCEPTED},
        code="encoding",
        field="file",
    )


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    records = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, [cell.strip() for cell in record]))
    except csv.Error as exc:
        raise BusinessError(
            _("The CSV file is malformed at row %(row)d: %(error)s")
            % {"row": number + 1, "error": exc},
            code="malformed",
            field="file",
        ) from exc
    return _table(records, encoding)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | Decimal | int | float):
        return str(value)
    return str(value).strip()


def _is_formula(cell: Any) -> bool:
    value = getattr(cell, "value", None)
    return getattr(cell, "data_type", None) == "f" or (
        isinstance(value, str) and value.startswith("=")
    )


def read_xlsx(data: bytes) -> Table:
    """The first worksheet's values. A formula anywhere is refused, with the cells named:
    imported data is data, never something a spreadsheet computes."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    not_a_workbook = BusinessError(
        _("The file is not a readable XLSX workbook."), code="file_type", field="file"
    )
    if not data.startswith(b"PK\x03\x04"):
        raise not_a_workbook
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise not_a_workbook from exc
    try:
        if not workbook.worksheets:
            raise not_a_workbook
        sheet = workbook.worksheets[0]
        records = []
        formulas = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for index, cell in enumerate(row, start=1):
                if _is_formula(cell):
                    formulas.append(f"{get_column_letter(index)}{number}")
                cells.append(_cell_text(getattr(cell, "value", None)))
            records.append((number, cells))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise not_a_workbook from exc
    finally:
        workbook.close()
    if formulas:
        named = ", ".join(formulas[:FORMULA_CELLS_NAMED])
        if len(formulas) > FORMULA_CELLS_NAMED:
            named += " …"
        raise BusinessError(
            _(
                "The workbook contains formulas, which are not imported (cells %(cells)s). "
                "Replace them with their values (copy, then Paste Special → Values) and "
                "import again."
            )
            % {"cells": named},
            code="formula",
            field="file",
            details={"cells": formulas},
        )
    return _table(records, "")


def _table(records: list[tuple[int, list[str]]], encoding: str) -> Table:
    while records and not any(records[0][1]):
        records.pop(0)  # blank lines above the header
    if not records:
        raise BusinessError(_("The file has no header row."), code="empty", field="file")
    headers = records[0][1]
    return Table(headers=headers, rows=records[1:], encoding=encoding)
