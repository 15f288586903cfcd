import codecs
import os

import pytest
from openpyxl import Workbook

from prm.core.errors import BusinessError
from prm.imports.readers import read_table
from prm.imports.writers import neutralise, unneutralise
from tests.imports.helpers import FILES

HEADERS = "상호,사업자등록번호\r\n한빛소프트,105-87-12345\r\n"


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (HEADERS.encode("utf-8"), "utf-8"),
        (HEADERS.encode("utf-8-sig"), "utf-8-sig"),
        (HEADERS.encode("cp949"), "cp949"),
        (codecs.BOM_UTF16_LE + HEADERS.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + HEADERS.encode("utf-16-be"), "utf-16"),
    ],
)
def test_csv_encodings_are_detected(content, encoding):
    table = read_table(content, "partners.csv")
    assert table.encoding == encoding
    assert table.headers == ["상호", "사업자등록번호"]
    assert table.rows == [(2, ["한빛소프트", "105-87-12345"])]


def test_the_datasets_utf16_file_reads():
    raw = (
        "/work/shared/datasets/adventureworks-dw2020-june2020-mslearn/raw/ResellerSales_202006.csv"
    )
    if not os.path.exists(raw):
        pytest.skip("datasets not on this machine")
    with open(raw, "rb") as handle:
        table = read_table(handle.read(), "sales.csv")
    assert table.encoding == "utf-16"
    assert table.headers[0] == "SalesOrderNumber"
    assert len(table) == 3004


@pytest.mark.parametrize(
    "content",
    [
        HEADERS.encode("utf-16-le"),  # UTF-16 without its BOM
        bytes(range(256)) * 8,  # not text at all
        b"name\r\n\x00\x01\x02garbage\r\n",
    ],
    ids=["utf16-without-bom", "random-bytes", "binary"],
)
def test_unreadable_encodings_name_the_ones_accepted(content):
    with pytest.raises(BusinessError) as caught:
        read_table(content, "partners.csv")
    message = str(caught.value.message)
    assert "UTF-8" in message and "CP949" in message and "UTF-16" in message
    assert caught.value.code == "encoding"


def test_files_above_the_limit_are_refused_before_reading(settings):
    settings.PRM_MAX_IMPORT_MB = 1
    with pytest.raises(BusinessError) as caught:
        read_table(b"x" * (1024 * 1024 + 1), "big.csv")
    assert caught.value.code == "too_large"
    assert "1 MB" in str(caught.value.message)


def test_other_file_types_are_refused():
    with pytest.raises(BusinessError) as caught:
        read_table(b"%PDF-1.4", "partners.pdf")
    assert ".csv" in str(caught.value.message) and ".xlsx" in str(caught.value.message)
    with pytest.raises(BusinessError) as caught:
        read_table(b"\xd0\xcf\x11\xe0", "partners.xls")
    assert ".xlsx" in str(caught.value.message)


def test_a_fake_xlsx_is_refused():
    with pytest.raises(BusinessError) as caught:
        read_table(b"name,types\r\n", "partners.xlsx")
    assert "XLSX" in str(caught.value.message)


def test_semicolon_and_tab_separated_files_read():
    table = read_table(b"name;types\r\nA;reseller\r\n", "p.csv")
    assert table.rows == [(2, ["A", "reseller"])]
    table = read_table(b"name\ttypes\nA\treseller\n", "p.tsv")
    assert table.rows == [(2, ["A", "reseller"])]


def test_xlsx_values_and_row_numbers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "registration_number", "portal"])
    sheet.append(["A", 1058712345, True])
    sheet.append([None, None, None])
    sheet.append(["B", 12.5, None])
    path = tmp_path / "p.xlsx"
    workbook.save(path)
    table = read_table(path.read_bytes(), "p.xlsx")
    assert table.rows[0] == (2, ["A", "1058712345", "true"])
    assert table.rows[-1] == (4, ["B", "12.5", ""])


def test_xlsx_formula_is_refused_with_the_cell_named():
    with pytest.raises(BusinessError) as caught:
        read_table((FILES / "partners_formula.xlsx").read_bytes(), "partners_formula.xlsx")
    assert caught.value.code == "formula"
    assert "C3" in str(caught.value.message)


def test_neutralising_round_trips():
    for value in ("=cmd()", "+82 10-1234-5678", "-1", "@SUM(A1)", "\tx"):
        assert neutralise(value).startswith("'")
        assert unneutralise(neutralise(value)) == value
    assert neutralise("Alpha") == "Alpha"
    assert unneutralise("'quoted") == "'quoted"
