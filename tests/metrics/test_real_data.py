"""The delivery and revenue figures the system shows, on the real sample data, equal an
independent calculation: plain SQL over the CSV files loaded into an in-memory sqlite3
database, with the csv module and ``statistics`` — none of the product's code.

Subsets keep the run short: every Northwind order line (1996-1998), AdventureWorks purchase
orders of 2023, and the sales of five AdventureWorks resellers.
"""

from __future__ import annotations

import csv
import datetime
import sqlite3
import statistics
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from prm.core import access
from prm.metrics import datasets, selectors, services
from prm.metrics.models import DeliveryLine, Observation, ResellerSale
from prm.metrics.periods import Period
from prm.partners.models import Partner
from tests.conftest import make_partner

ROOT = Path(__file__).resolve().parents[3] / "shared" / "datasets"
if not ROOT.is_dir():
    ROOT = Path("/work/shared/datasets")
RATE = Decimal("1300")  # the USD planning rate of prm.metrics.currency
P4 = Decimal("0.0001")
AW_START, AW_END = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
RESELLERS = ("AW00000676", "AW00000332", "AW00000018", "AW00000550", "AW00000215")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not ROOT.is_dir(), reason="the shared data sets are not present"),
]


# -- the independent side: CSV → sqlite3 ------------------------------------------------


def _rows(relative: str) -> list[dict[str, str]]:
    with (ROOT / relative).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _mdy(text: str) -> str | None:
    if not text:
        return None
    m, d, y = (int(x) for x in text.split("/"))
    return f"{y:04d}-{m:02d}-{d:02d}"


@pytest.fixture(scope="module")
def sql():
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE nw (supplier TEXT, ordered TEXT, required TEXT, shipped TEXT,"
        " qty INTEGER, price TEXT)"
    )
    orders = {r["OrderID"]: r for r in _rows("northwind/Orders.csv")}
    supplier_of = {r["ProductID"]: r["SupplierID"] for r in _rows("northwind/Products.csv")}
    db.executemany(
        "INSERT INTO nw VALUES (?,?,?,?,?,?)",
        [
            (
                supplier_of[d["ProductID"]],
                _mdy(orders[d["OrderID"]]["OrderDate"]),
                _mdy(orders[d["OrderID"]]["RequiredDate"]),
                _mdy(orders[d["OrderID"]]["ShippedDate"]),
                int(d["Quantity"]),
                d["UnitPrice"],
            )
            for d in _rows("northwind/Order_Details.csv")
        ],
    )
    db.execute(
        "CREATE TABLE aw (vendor TEXT, status TEXT, ordered TEXT, due TEXT, shipped TEXT,"
        " qty REAL, received REAL, rejected REAL, total TEXT)"
    )
    headers = {
        r["PurchaseOrderID"]: r
        for r in _rows("adventureworks-oltp-purchasing/PurchaseOrderHeader.csv")
    }
    vendors = {
        r["BusinessEntityID"]: r["AccountNumber"]
        for r in _rows("adventureworks-oltp-purchasing/Vendor.csv")
    }
    db.executemany(
        "INSERT INTO aw VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                vendors[headers[d["PurchaseOrderID"]]["VendorID"]],
                headers[d["PurchaseOrderID"]]["Status"],
                headers[d["PurchaseOrderID"]]["OrderDate"][:10],
                d["DueDate"][:10],
                headers[d["PurchaseOrderID"]]["ShipDate"][:10],
                float(d["OrderQty"]),
                float(d["ReceivedQty"]),
                float(d["RejectedQty"]),
                d["LineTotal"],
            )
            for d in _rows("adventureworks-oltp-purchasing/PurchaseOrderDetail.csv")
        ],
    )
    db.execute("CREATE TABLE sales (reseller TEXT, day TEXT, amount TEXT)")
    alt = {
        r["ResellerKey"]: r["ResellerAlternateKey"]
        for r in _rows("adventureworks-dw-dimensions/DimReseller.csv")
    }
    db.executemany(
        "INSERT INTO sales VALUES (?,?,?)",
        [
            (alt[r["ResellerKey"]], r["OrderDate"], r["SalesAmount"])
            for r in _rows("adventureworks-dw2020-reseller-sales/FactResellerSales.csv")
        ],
    )
    yield db
    db.close()


# -- the system side ---------------------------------------------------------------------


def _suppliers(prefix: str, keys) -> dict[str, Partner]:
    return {
        key: make_partner(name=f"{prefix} {key}", external_id=f"{prefix}:{key}", types=["supplier"])
        for key in keys
    }


@pytest.fixture
def northwind(sql):
    keys = [r[0] for r in sql.execute("SELECT DISTINCT supplier FROM nw")]
    partners = _suppliers("demo:northwind", keys)
    rows, skipped = datasets.northwind_delivery_rows(ROOT)
    assert not skipped
    report = datasets.import_rows("delivery-lines", rows)
    assert report.errors == [] and report.created == 2155
    return partners


@pytest.fixture
def adventureworks(sql):
    keys = [r[0] for r in sql.execute("SELECT DISTINCT vendor FROM aw")]
    partners = _suppliers("demo:aw-vendor", keys)
    rows, skipped = datasets.adventureworks_delivery_rows(
        ROOT, start=AW_START, end=AW_END, drop_bad=True
    )
    report = datasets.import_rows("delivery-lines", rows)
    assert report.errors == [], report.errors[:3]
    return partners, skipped


def _months(sql, query: str) -> list[str]:
    return sorted({r[0] for r in sql.execute(query) if r[0]})


def _derive(labels) -> None:
    for label in labels:
        services.derived_materialise(period=Period.parse(label), names=["deliveries", "revenue"])


def test_northwind_on_time_lead_time_and_spend_equal_sql(sql, northwind):
    months = _months(sql, "SELECT substr(required, 1, 7) FROM nw")
    ship_months = _months(sql, "SELECT substr(shipped, 1, 7) FROM nw")
    order_months = _months(sql, "SELECT substr(ordered, 1, 7) FROM nw")
    _derive([*sorted(set(months) | set(ship_months) | set(order_months)), "1997-Q2", "1997"])

    today = timezone.localdate().isoformat()
    checked = 0
    for label in months:
        expected = {
            supplier: (Decimal(on) / Decimal(due) * 100).quantize(P4)
            for supplier, on, due in sql.execute(
                "SELECT supplier, SUM(shipped IS NOT NULL AND shipped <= required),"
                " COUNT(*) FROM nw WHERE substr(required, 1, 7) = ?"
                " AND (shipped IS NOT NULL OR required < ?) GROUP BY supplier",
                (label, today),
            )
        }
        got = selectors.values_for(
            metric_codes=["on_time_rate"], partner_ids=None, period=Period.parse(label)
        )
        assert {northwind_key(northwind, p): v for (p, _c), v in got.items()} == expected, label
        checked += len(expected)
    assert checked > 300

    # the 21 unshipped orders are open and, long past due, late: never silently on time
    late_open = sql.execute("SELECT COUNT(*) FROM nw WHERE shipped IS NULL").fetchone()[0]
    assert late_open > 0

    for label in ship_months:
        expected_avg, expected_p90 = {}, {}
        groups: dict[str, list[int]] = {}
        for supplier, days in sql.execute(
            "SELECT supplier, CAST(julianday(shipped) - julianday(ordered) AS INTEGER) FROM nw"
            " WHERE substr(shipped, 1, 7) = ?",
            (label,),
        ):
            groups.setdefault(supplier, []).append(days)
        for supplier, days in groups.items():
            expected_avg[supplier] = (Decimal(sum(days)) / len(days)).quantize(P4)
            p90 = (
                days[0]
                if len(days) == 1
                else statistics.quantiles(days, n=10, method="inclusive")[8]
            )
            expected_p90[supplier] = Decimal(str(p90)).quantize(P4)
        period = Period.parse(label)
        got = selectors.values_for(
            metric_codes=["lead_time_days_avg", "lead_time_days_p90"],
            partner_ids=None,
            period=period,
        )
        avg = {
            northwind_key(northwind, p): v for (p, c), v in got.items() if c == "lead_time_days_avg"
        }
        p90 = {
            northwind_key(northwind, p): v for (p, c), v in got.items() if c == "lead_time_days_p90"
        }
        assert avg == expected_avg, label
        assert {k: v.quantize(P4) for k, v in p90.items()} == expected_p90, label

    # spend per supplier per quarter, from the months, equals SQL's sum times the USD rate
    quarter = Period.parse("1997-Q2")
    expected = {
        supplier: (Decimal(str(total)) * RATE).quantize(Decimal("0.01"))
        for supplier, total in sql.execute(
            "SELECT supplier, SUM(qty * CAST(price AS REAL)) FROM nw"
            " WHERE ordered BETWEEN '1997-04-01' AND '1997-06-30' GROUP BY supplier"
        )
    }
    got = selectors.values_for(metric_codes=["spend"], partner_ids=None, period=quarter)
    assert {
        northwind_key(northwind, p): v.quantize(Decimal("0.01")) for (p, _c), v in got.items()
    } == expected
    by_partner = selectors.spend_by_partner(start=quarter.start, end=quarter.end)
    assert {northwind_key(northwind, p): v for p, v in by_partner.items()} == expected

    # a year's p90 is computed over the year's lines, not averaged from months
    year_days = {}
    for supplier, days in sql.execute(
        "SELECT supplier, CAST(julianday(shipped) - julianday(ordered) AS INTEGER) FROM nw"
        " WHERE substr(shipped, 1, 4) = '1997'"
    ):
        year_days.setdefault(supplier, []).append(days)
    got = selectors.values_for(
        metric_codes=["lead_time_days_p90"], partner_ids=None, period=Period.parse("1997")
    )
    for supplier, days in year_days.items():
        expected = Decimal(str(statistics.quantiles(days, n=10, method="inclusive")[8])).quantize(
            P4
        )
        assert got[(northwind[supplier].pk, "lead_time_days_p90")].quantize(P4) == expected


def northwind_key(partners: dict[str, Partner], partner_id: int) -> str:
    return next(key for key, p in partners.items() if p.pk == partner_id)


def test_adventureworks_rejection_rate_on_time_and_spend_equal_sql(sql, adventureworks):
    partners, skipped = adventureworks
    by_pk = {p.pk: key for key, p in partners.items()}
    # the bad rows (due before order) of 2023 are the ones left out, and SQL finds the same
    bad = sql.execute(
        "SELECT COUNT(*) FROM aw WHERE status != '3' AND due < ordered"
        " AND ordered BETWEEN '2023-01-01' AND '2023-12-31'"
    ).fetchone()[0]
    assert sum(1 for _k, why in skipped if why.startswith("due date")) == bad
    assert (
        access.unrestricted(DeliveryLine).count()
        == sql.execute(
            "SELECT COUNT(*) FROM aw WHERE status != '3' AND due >= ordered"
            " AND ordered BETWEEN '2023-01-01' AND '2023-12-31'"
        ).fetchone()[0]
    )
    quarters = ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]
    months = [f"2023-{m:02d}" for m in range(1, 13)] + ["2024-01"]
    _derive(months + quarters)
    base = (
        " FROM aw WHERE status != '3' AND due >= ordered"
        " AND ordered BETWEEN '2023-01-01' AND '2023-12-31'"
    )
    for label in quarters:
        period = Period.parse(label)
        start, end = period.start.isoformat(), period.end.isoformat()
        rejection = {
            vendor: (Decimal(str(rej)) / Decimal(str(rec)) * 100).quantize(P4)
            for vendor, rej, rec in sql.execute(
                f"SELECT vendor, SUM(rejected), SUM(received) {base}"
                " AND received > 0 AND shipped BETWEEN ? AND ? GROUP BY vendor",
                (start, end),
            )
            if rec
        }
        on_time = {
            vendor: (Decimal(on) / Decimal(due) * 100).quantize(P4)
            for vendor, on, due in sql.execute(
                f"SELECT vendor, SUM(received > 0 AND shipped <= due), COUNT(*) {base}"
                " AND due BETWEEN ? AND ? AND (received > 0 OR due < date('now'))"
                " GROUP BY vendor",
                (start, end),
            )
        }
        spend = {
            vendor: (Decimal(str(total)) * RATE).quantize(Decimal("0.01"))
            for vendor, total in sql.execute(
                "SELECT vendor, SUM(CAST(total AS REAL))" + base + " AND ordered BETWEEN ? AND ?"
                " GROUP BY vendor",
                (start, end),
            )
        }
        got = selectors.values_for(
            metric_codes=["rejection_rate", "on_time_rate", "spend"],
            partner_ids=None,
            period=period,
        )
        by_code: dict[str, dict[str, Decimal]] = {}
        for (partner, code), value in got.items():
            by_code.setdefault(code, {})[by_pk[partner]] = value
        assert by_code["rejection_rate"] == rejection, label
        assert by_code["on_time_rate"] == on_time, label
        assert {k: v.quantize(Decimal("0.01")) for k, v in by_code["spend"].items()} == spend, label
    assert any(v > 0 for v in rejection.values())


def test_adventureworks_delivery_import_reports_the_bad_rows_and_stores_nothing(sql):
    keys = [r[0] for r in sql.execute("SELECT DISTINCT vendor FROM aw")]
    _suppliers("demo:aw-vendor", keys)
    # the two days whose purchase orders hold the lines due before they were ordered
    rows = []
    for day in (datetime.date(2025, 1, 17), datetime.date(2025, 5, 13)):
        rows += datasets.adventureworks_delivery_rows(ROOT, start=day, end=day)[0]
    report = datasets.import_rows("delivery-lines", rows)
    bad_rows = {
        number for number, row in enumerate(rows, 2) if row["promised date"] < row["order date"]
    }
    assert bad_rows and {issue.row for issue in report.errors} == bad_rows
    assert all("before the order date" in issue.message for issue in report.errors)
    assert {issue.column for issue in report.errors} == {"promised date"}
    assert not report.applied
    assert access.unrestricted(DeliveryLine).count() == 0


def test_reseller_sales_become_monthly_revenue_equal_to_sql(sql):
    partners = {
        key: make_partner(
            name=f"Reseller {key}", external_id=f"demo:aw-reseller:{key}", types=["reseller"]
        )
        for key in RESELLERS
    }
    rows, _skipped = datasets.adventureworks_sale_rows(
        ROOT, reseller_ref=lambda alt: f"demo:aw-reseller:{alt}" if alt in RESELLERS else None
    )
    report = datasets.import_rows("reseller-sales", rows)
    assert report.errors == [] and report.created == len(rows) > 100
    # importing the same file again changes nothing
    again = datasets.import_rows("reseller-sales", rows)
    assert again.created == 0 and again.unchanged == len(rows)

    months = _months(sql, "SELECT substr(day, 1, 7) FROM sales")
    _derive(months)
    by_pk = {p.pk: key for key, p in partners.items()}
    placeholders = ",".join("?" * len(RESELLERS))
    checked = 0
    for label in months:
        expected = {
            reseller: (Decimal(str(total)) * RATE).quantize(Decimal("0.01"))
            for reseller, total in sql.execute(
                "SELECT reseller, SUM(CAST(amount AS REAL)) FROM sales"  # noqa: S608 - placeholders
                f" WHERE reseller IN ({placeholders}) AND substr(day, 1, 7) = ? GROUP BY reseller",
                (*RESELLERS, label),
            )
        }
        got = selectors.values_for(
            metric_codes=["revenue"], partner_ids=None, period=Period.parse(label)
        )
        assert {by_pk[p]: v.quantize(Decimal("0.01")) for (p, _c), v in got.items()} == expected, (
            label
        )
        checked += len(expected)
    assert checked > 20
    # revenue by partner over the whole span, straight from the sales
    total = selectors.revenue_by_partner(
        start=datetime.date(2017, 1, 1), end=datetime.date(2020, 12, 31)
    )
    expected = {
        reseller: (Decimal(str(t)) * RATE).quantize(Decimal("0.01"))
        for reseller, t in sql.execute(
            "SELECT reseller, SUM(CAST(amount AS REAL)) FROM sales"  # noqa: S608 - placeholders
            f" WHERE reseller IN ({placeholders}) GROUP BY reseller",
            RESELLERS,
        )
    }
    assert {by_pk[p]: v.quantize(Decimal("0.01")) for p, v in total.items()} == expected
    assert access.unrestricted(ResellerSale).count() == len(rows)
    assert access.unrestricted(Observation).filter(metric__code="revenue").count() == checked
