"""Real supplier lists from the shared datasets, shaped into import files the way a user would."""

import csv
import re
from pathlib import Path

import pytest

from prm.core import access
from prm.partners.models import Contact, Partner
from tests.imports.helpers import audit_count, csv_bytes, partner, run_import, write

pytestmark = pytest.mark.django_db

DATASETS = Path("/work/shared/datasets")
NORTHWIND = DATASETS / "northwind" / "Suppliers.csv"
VENDORS = DATASETS / "adventureworks-oltp-purchasing" / "Vendor.csv"


def rows_of(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def homepage(value: str) -> str:
    """Northwind's home pages are Access hyperlinks: ``text#url#``."""
    match = re.search(r"#(https?://[^#]+)#", value)
    return match.group(1) if match else ""


def test_northwind_suppliers_import_as_supplier_partners_with_contacts(tmp_path):
    suppliers = rows_of(NORTHWIND)
    assert len(suppliers) == 29
    # Northwind names carry accents CP949 cannot encode (Knäckebröd, Süßwaren): UTF-8 with BOM.
    partners_file = csv_bytes(
        ["외부 ID", "상호", "유형", "국가", "지역", "웹사이트", "단계"],
        [
            [
                f"northwind-{s['SupplierID']}",
                s["CompanyName"],
                "공급사",
                s["Country"],
                s["City"],
                homepage(s["HomePage"]),
                "활성",
            ]
            for s in suppliers
        ],
        encoding="utf-8-sig",
    )
    path = write(tmp_path, "northwind.csv", partners_file)
    out, _err = run_import("partners", path)
    assert "29 created" in out
    assert access.unrestricted(Partner).filter(types__code="supplier").count() == 29
    pavlova = partner(external_id="northwind-7")
    assert (pavlova.name, pavlova.country.code, pavlova.region) == (
        "Pavlova, Ltd.",
        "AU",
        "Melbourne",
    )
    assert partner(external_id="northwind-1").country.code == "GB"  # "UK"
    assert partner(external_id="northwind-2").country.code == "US"  # "USA"
    assert partner(external_id="northwind-11").name == "Heli Süßwaren GmbH & Co. KG"
    assert partner(external_id="northwind-6").website.startswith("http://www.microsoft.com/")

    contacts_file = csv_bytes(
        ["partner", "name", "title"],
        [[f"northwind-{s['SupplierID']}", s["ContactName"], s["ContactTitle"]] for s in suppliers],
    )
    out, _err = run_import("contacts", write(tmp_path, "contacts.csv", contacts_file))
    assert "29 created" in out
    cooper = access.unrestricted(Contact).get(name="Charlotte Cooper")
    assert (cooper.partner.name, cooper.title) == ("Exotic Liquids", "Purchasing Manager")

    before = audit_count()
    out, _err = run_import("partners", path)
    assert "29 unchanged" in out
    out, _err = run_import("contacts", write(tmp_path, "contacts.csv", contacts_file))
    assert "29 unchanged" in out
    assert audit_count() == before


def test_adventureworks_vendors_import(tmp_path):
    vendors = rows_of(VENDORS)
    content = csv_bytes(
        ["external_id", "name", "types", "stage", "country", "website"],
        [
            [
                v["AccountNumber"],
                v["Name"],
                "supplier",
                "active" if v["ActiveFlag"] == "1" else "offboarded",
                "US",
                v["PurchasingWebServiceURL"],
            ]
            for v in vendors
        ],
    )
    out, _err = run_import("partners", write(tmp_path, "vendors.csv", content), "--dry-run")
    assert f"{len(vendors)} to create" in out
    assert not access.unrestricted(Partner).exists()
