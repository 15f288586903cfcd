"""Real companies for the demo, read from Microsoft's public sample data sets.

The data sets live in ``shared/datasets`` beside the repository (``../shared/datasets``);
``PRM_DATASETS_DIR`` points elsewhere. Northwind's suppliers and AdventureWorks' vendors
become supplier partners, AdventureWorks' resellers become resellers and distributors.
Each reader copes with the quirks the data sets' README lists (Northwind's ``#url#`` home
pages, ``Ware House`` for ``Warehouse``) and returns nothing when its file is absent.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

NORTHWIND_SUPPLIERS = Path("northwind/Suppliers.csv")
AW_VENDORS = Path("adventureworks-oltp-purchasing/Vendor.csv")
AW_RESELLERS = Path("adventureworks-dw-dimensions/DimReseller.csv")
AW_GEOGRAPHY = Path("adventureworks-dw-dimensions/DimGeography.csv")
AW_RESELLERS_FLAT = Path("adventureworks-dw2020-reseller-sales/Resellers.csv")

# Country names as the data sets spell them → ISO 3166 codes.
COUNTRY_CODES = {
    "Australia": "AU",
    "Brazil": "BR",
    "Canada": "CA",
    "Denmark": "DK",
    "Finland": "FI",
    "France": "FR",
    "Germany": "DE",
    "Italy": "IT",
    "Japan": "JP",
    "Netherlands": "NL",
    "Norway": "NO",
    "Singapore": "SG",
    "Spain": "ES",
    "Sweden": "SE",
    "UK": "GB",
    "United Kingdom": "GB",
    "USA": "US",
    "United States": "US",
}


def datasets_dir() -> Path:
    configured = os.environ.get("PRM_DATASETS_DIR")
    if configured:
        return Path(configured)
    return Path(settings.PROJECT_DIR).parent / "shared" / "datasets"


@dataclass(frozen=True)
class Supplier:
    """A Northwind supplier."""

    key: str
    name: str
    contact_name: str
    contact_title: str
    city: str
    country: str  # ISO code
    phone: str


@dataclass(frozen=True)
class Vendor:
    """An AdventureWorks purchasing vendor."""

    account: str
    name: str
    credit_rating: int  # 1 superior … 5 below average
    preferred: bool
    active: bool
    website: str


@dataclass(frozen=True)
class Reseller:
    """An AdventureWorks reseller."""

    key: str
    name: str
    business_type: str  # "Warehouse", "Value Added Reseller" or "Specialty Bike Shop"
    city: str
    state: str
    country: str  # ISO code
    annual_sales: float
    employees: int


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def northwind_suppliers(root: Path) -> list[Supplier]:
    path = root / NORTHWIND_SUPPLIERS
    if not path.is_file():
        return []
    suppliers = []
    for row in _rows(path):
        country = COUNTRY_CODES.get(row["Country"].strip())
        if not country:
            continue
        suppliers.append(
            Supplier(
                key=row["SupplierID"].strip(),
                name=row["CompanyName"].strip(),
                contact_name=row["ContactName"].strip(),
                contact_title=row["ContactTitle"].strip(),
                city=row["City"].strip(),
                country=country,
                phone=row["Phone"].strip(),
            )
        )
    return suppliers


def adventureworks_vendors(root: Path) -> list[Vendor]:
    path = root / AW_VENDORS
    if not path.is_file():
        return []
    vendors = []
    for row in _rows(path):
        url = row["PurchasingWebServiceURL"].strip()
        vendors.append(
            Vendor(
                account=row["AccountNumber"].strip(),
                name=row["Name"].strip(),
                credit_rating=int(row["CreditRating"] or 3),
                preferred=row["PreferredVendorStatus"].strip() == "1",
                active=row["ActiveFlag"].strip() == "1",
                website=f"https://{url}" if url else "",
            )
        )
    return vendors


def _business_type(value: str) -> str:
    value = value.strip()
    return "Warehouse" if value.replace(" ", "").lower() == "warehouse" else value


def adventureworks_resellers(root: Path) -> list[Reseller]:
    """Resellers from the MIT-licensed dimension tables, joined to their geography; the
    flat reseller export (licence unclear) only when the dimensions are missing."""
    resellers_path, geography_path = root / AW_RESELLERS, root / AW_GEOGRAPHY
    if resellers_path.is_file() and geography_path.is_file():
        places = {
            row["GeographyKey"]: (
                row["City"].strip(),
                row["StateProvinceName"].strip(),
                row["CountryRegionCode"].strip(),
            )
            for row in _rows(geography_path)
        }
        resellers = []
        for row in _rows(resellers_path):
            city, state, country = places.get(row["GeographyKey"], ("", "", ""))
            if not country:
                continue
            resellers.append(
                Reseller(
                    key=row["ResellerAlternateKey"].strip(),
                    name=row["ResellerName"].strip(),
                    business_type=_business_type(row["BusinessType"]),
                    city=city,
                    state=state,
                    country=country,
                    annual_sales=float(row["AnnualSales"] or 0),
                    employees=int(row["NumberEmployees"] or 0),
                )
            )
        return resellers
    flat = root / AW_RESELLERS_FLAT
    if not flat.is_file():
        return []
    resellers = []
    for row in _rows(flat):
        country = COUNTRY_CODES.get(row["Country_Region"].strip())
        if not country:
            continue
        resellers.append(
            Reseller(
                key=f"AW{int(row['ResellerKey']):08d}",
                name=row["ResellerName"].strip(),
                business_type=_business_type(row["BusinessType"]),
                city=row["City"].strip(),
                state=row["StateProvinceName"].strip(),
                country=country,
                annual_sales=0.0,
                employees=0,
            )
        )
    return resellers
