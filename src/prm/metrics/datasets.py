"""The public sample data sets as delivery-line and reseller-sale import rows.

Used by the tests (which check the figures the system shows against an independent
calculation) and by the demo. Each function returns ``(rows, skipped)``: rows keyed by the
English headers of the ``delivery-lines`` / ``reseller-sales`` import entities, and the
source rows left out with the reason. How the sources map (decided once, here):

Northwind (``northwind/``) — customer orders read as purchase-order lines of the
product's supplier: one line per ``Order_Details`` row; PO number ``NW-<OrderID>``, line
number the ProductID; ordered quantity = Quantity; received = Quantity when the order was
shipped, else 0 and the line is open; order date = OrderDate; promised = RequiredDate;
received date = ShippedDate; unit price = UnitPrice in USD (the customer discount is not
the supplier's, so the amount is price times quantity). Dates are ``M/D/YYYY``.

AdventureWorks purchasing (``adventureworks-oltp-purchasing/``) — one line per
``PurchaseOrderDetail`` row; PO number ``AW-<PurchaseOrderID>``, line number the
PurchaseOrderDetailID; supplier = the header's vendor; ordered/received/rejected =
OrderQty/ReceivedQty/RejectedQty; order date = the header's OrderDate; promised = the line's
DueDate; received date = the header's ShipDate when something was received (ModifiedDate
is when the row was last edited, not a receipt); amount = LineTotal in USD. Purchase
orders with status 3 (rejected) were never placed and are skipped. Lines whose due date
precedes their order date are bad data: they are *kept* in the rows, so an import reports
them; pass ``drop_bad=True`` to leave them out (they are then listed in ``skipped``).

AdventureWorks reseller sales (``adventureworks-dw2020-reseller-sales/``) — one sale per
``FactResellerSales`` row; external ID ``<SalesOrderNumber>-<ProductKey>`` (unique in the
file); amount = SalesAmount in USD; territory = the SalesTerritoryKey's region; the
reseller is found by its ResellerAlternateKey (``AW00000001``) through DimReseller.

Partners are named in the rows through ``*_ref`` functions (default: the demo's external
IDs, ``demo:northwind:<SupplierID>``, ``demo:aw-vendor:<AccountNumber>``,
``demo:aw-reseller:<ResellerAlternateKey>``); a row whose partner maps to None is skipped.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

NW = Path("northwind")
AW_PURCHASING = Path("adventureworks-oltp-purchasing")
AW_SALES = Path("adventureworks-dw2020-reseller-sales")
AW_DIMENSIONS = Path("adventureworks-dw-dimensions")

DELIVERY_HEADERS = [
    "supplier",
    "po_number",
    "line_number",
    "item",
    "quantity ordered",
    "quantity received",
    "quantity rejected",
    "order date",
    "promised date",
    "received date",
    "unit price",
    "currency",
    "amount",
]
SALE_HEADERS = ["reseller", "date", "amount", "currency", "territory", "external_id"]

Ref = Callable[[str], str | None]


def northwind_ref(key: str) -> str:
    return f"demo:northwind:{key}"


def vendor_ref(account: str) -> str:
    return f"demo:aw-vendor:{account}"


def reseller_ref(alternate_key: str) -> str:
    return f"demo:aw-reseller:{alternate_key}"


def datasets_root() -> Path | None:
    """Where the shared data sets are (``PRM_DATASETS_DIR`` or ``../shared/datasets``)."""
    from prm.demo.datasets import datasets_dir

    root = datasets_dir()
    return root if root.is_dir() else None


def _present(*paths: Path) -> bool:
    return all(path.is_file() for path in paths)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def us_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    month, day, year = value.split("/")
    return datetime.date(int(year), int(month), int(day))


def iso_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value or value.upper() == "NULL":
        return None
    return datetime.date.fromisoformat(value[:10])


def _num(value: str) -> Decimal:
    value = (value or "").strip()
    return Decimal(value) if value and value.upper() != "NULL" else Decimal("0")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _within(day: datetime.date | None, start, end) -> bool:
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


# -- Northwind ---------------------------------------------------------------------------


def northwind_delivery_rows(
    root: Path,
    *,
    supplier_ref: Ref = northwind_ref,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """Order lines ordered from ``start`` to ``end`` (inclusive, both optional)."""
    if not _present(root / NW / "Orders.csv", root / NW / "Order_Details.csv"):
        return [], []
    orders = {row["OrderID"]: row for row in read_csv(root / NW / "Orders.csv")}
    products = {row["ProductID"]: row for row in read_csv(root / NW / "Products.csv")}
    rows, skipped = [], []
    for detail in read_csv(root / NW / "Order_Details.csv"):
        order = orders[detail["OrderID"]]
        ordered = us_date(order["OrderDate"])
        if not _within(ordered, start, end):
            continue
        product = products[detail["ProductID"]]
        supplier = supplier_ref(product["SupplierID"].strip())
        key = f"NW-{detail['OrderID']}/{detail['ProductID']}"
        if supplier is None:
            skipped.append((key, "supplier not loaded"))
            continue
        shipped = us_date(order["ShippedDate"])
        quantity = _num(detail["Quantity"])
        price = _num(detail["UnitPrice"])
        rows.append(
            {
                "supplier": supplier,
                "po_number": f"NW-{detail['OrderID']}",
                "line_number": detail["ProductID"],
                "item": product["ProductName"].strip(),
                "quantity ordered": _text(quantity),
                "quantity received": _text(quantity if shipped else Decimal("0")),
                "quantity rejected": "0",
                "order date": _text(ordered),
                "promised date": _text(us_date(order["RequiredDate"])),
                "received date": _text(shipped),
                "unit price": _text(price),
                "currency": "USD",
                "amount": _text(quantity * price),
            }
        )
    return rows, skipped


# -- AdventureWorks purchasing -----------------------------------------------------------


def adventureworks_delivery_rows(
    root: Path,
    *,
    supplier_ref: Ref = vendor_ref,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    drop_bad: bool = False,
) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    base = root / AW_PURCHASING
    if not _present(base / "PurchaseOrderHeader.csv", base / "PurchaseOrderDetail.csv"):
        return [], []
    headers = {row["PurchaseOrderID"]: row for row in read_csv(base / "PurchaseOrderHeader.csv")}
    vendors = {row["BusinessEntityID"]: row for row in read_csv(base / "Vendor.csv")}
    products = {row["ProductID"]: row["Name"] for row in read_csv(base / "Product.csv")}
    rows, skipped = [], []
    for detail in read_csv(base / "PurchaseOrderDetail.csv"):
        header = headers[detail["PurchaseOrderID"]]
        key = f"AW-{detail['PurchaseOrderID']}/{detail['PurchaseOrderDetailID']}"
        ordered = iso_date(header["OrderDate"])
        if not _within(ordered, start, end):
            continue
        if header["Status"].strip() == "3":
            skipped.append((key, "purchase order rejected (status 3)"))
            continue
        vendor = vendors.get(header["VendorID"])
        supplier = supplier_ref(vendor["AccountNumber"].strip()) if vendor else None
        if supplier is None:
            skipped.append((key, "supplier not loaded"))
            continue
        due = iso_date(detail["DueDate"])
        if drop_bad and due is not None and due < ordered:
            skipped.append((key, "due date before order date"))
            continue
        received_qty = _num(detail["ReceivedQty"])
        shipped = iso_date(header["ShipDate"]) if received_qty > 0 else None
        rows.append(
            {
                "supplier": supplier,
                "po_number": f"AW-{detail['PurchaseOrderID']}",
                "line_number": detail["PurchaseOrderDetailID"],
                "item": products.get(detail["ProductID"], detail["ProductID"]),
                "quantity ordered": _text(_num(detail["OrderQty"])),
                "quantity received": _text(received_qty),
                "quantity rejected": _text(_num(detail["RejectedQty"])),
                "order date": _text(ordered),
                "promised date": _text(due),
                "received date": _text(shipped),
                "unit price": _text(_num(detail["UnitPrice"])),
                "currency": "USD",
                "amount": _text(_num(detail["LineTotal"])),
            }
        )
    return rows, skipped


# -- AdventureWorks reseller sales -------------------------------------------------------


def adventureworks_sale_rows(
    root: Path,
    *,
    reseller_ref: Ref = reseller_ref,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    if not _present(
        root / AW_DIMENSIONS / "DimReseller.csv", root / AW_SALES / "FactResellerSales.csv"
    ):
        return [], []
    alternate = {
        row["ResellerKey"]: row["ResellerAlternateKey"].strip()
        for row in read_csv(root / AW_DIMENSIONS / "DimReseller.csv")
    }
    territories = {
        row["SalesTerritoryKey"]: row["SalesTerritoryRegion"].strip()
        for row in _territory_rows(root)
    }
    rows, skipped = [], []
    for sale in read_csv(root / AW_SALES / "FactResellerSales.csv"):
        day = iso_date(sale["OrderDate"])
        if not _within(day, start, end):
            continue
        key = f"{sale['SalesOrderNumber']}-{sale['ProductKey']}"
        alt = alternate.get(sale["ResellerKey"].strip())
        reseller = reseller_ref(alt) if alt else None
        if reseller is None:
            skipped.append((key, "reseller not loaded"))
            continue
        rows.append(
            {
                "reseller": reseller,
                "date": _text(day),
                "amount": _text(_num(sale["SalesAmount"])),
                "currency": "USD",
                "territory": territories.get(sale["SalesTerritoryKey"].strip(), ""),
                "external_id": key,
            }
        )
    return rows, skipped


def _territory_rows(root: Path) -> list[dict[str, str]]:
    # DimSalesTerritory carries a large image column; read only what is needed.
    path = root / AW_DIMENSIONS / "DimSalesTerritory.csv"
    if not path.is_file():
        return []
    csv.field_size_limit(10_000_000)
    return [
        {
            "SalesTerritoryKey": r["SalesTerritoryKey"],
            "SalesTerritoryRegion": r["SalesTerritoryRegion"],
        }
        for r in read_csv(path)
    ]


# -- loading -----------------------------------------------------------------------------


def as_table(rows: list[dict[str, str]], headers: list[str]):
    """Rows as an import table (row numbers as a spreadsheet shows them: header is 1)."""
    from prm.imports.readers import Table

    return Table(
        headers=list(headers),
        rows=[(number, [row.get(h, "") for h in headers]) for number, row in enumerate(rows, 2)],
    )


def import_rows(entity_name: str, rows: list[dict[str, str]], *, actor=None, dry_run=False):
    """Run rows through the import framework (every rule, all or nothing); the report."""
    from prm.imports import engine, registry

    headers = DELIVERY_HEADERS if entity_name == "delivery-lines" else SALE_HEADERS
    return engine.run(
        actor=actor,
        entity=registry.get(entity_name),
        table=as_table(rows, headers),
        filename=f"{entity_name}.csv",
        dry_run=dry_run,
    )


def shift_years(rows: Iterable[dict[str, str]], columns: Iterable[str], years: int) -> None:
    """Move every date in ``columns`` by whole years (29 February becomes the 28th), so a
    demo shows old sample data in recent periods with its monthly pattern intact."""
    columns = list(columns)
    for row in rows:
        for column in columns:
            if row.get(column):
                day = datetime.date.fromisoformat(row[column])
                try:
                    moved = day.replace(year=day.year + years)
                except ValueError:
                    moved = day.replace(year=day.year + years, day=28)
                row[column] = moved.isoformat()
