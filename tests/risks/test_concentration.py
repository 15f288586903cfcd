"""The concentration rule on real supplier spend: AdventureWorks purchase orders
(PurchaseOrderHeader: VendorID, SubTotal), checked against an HHI computed here
independently, in plain floating point."""

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from prm.core import access
from prm.risks import engine, services
from prm.risks.concentration import analyse, hhi, shares
from prm.risks.models import Risk, RiskSignal
from prm.risks.rules import RULES
from tests.conftest import make_partner

DATASET = Path("/work/shared/datasets/adventureworks-oltp-purchasing")
pytestmark = pytest.mark.skipif(not DATASET.exists(), reason="AdventureWorks dataset missing")


def orders() -> list[dict]:
    with (DATASET / "PurchaseOrderHeader.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def spend_by_vendor() -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in orders():
        totals[row["VendorID"]] += Decimal(row["SubTotal"])
    return dict(totals)


def independent_hhi(amounts) -> float:
    total = float(sum(amounts))
    return sum((float(a) / total * 100) ** 2 for a in amounts)


def test_hhi_of_adventureworks_spend_matches_an_independent_computation():
    spend = spend_by_vendor()
    expected = independent_hhi(spend.values())
    assert len(spend) == 86
    assert float(hhi(spend)) == pytest.approx(expected, rel=1e-9)
    assert 300 < expected < 330  # many small vendors: unconcentrated
    top_vendor, top_amount = max(spend.items(), key=lambda kv: kv[1])
    assert float(shares(spend)[top_vendor]) == pytest.approx(
        float(top_amount) / float(sum(spend.values())) * 100
    )


def test_analyse_flags_vendors_above_the_share_and_groups_by_category():
    spend = {int(k): v for k, v in spend_by_vendor().items()}
    total = sum(spend.values())
    expected_dominant = {k for k, v in spend.items() if v * 100 / total > 4}
    [group] = analyse(spend, {}, share_pct=Decimal(4))
    assert set(group.dominant) == expected_dominant
    assert len(expected_dominant) == 4  # 7.1 %, 4.8 %, 4.7 %, 4.0 %
    assert group.partners == 86
    # Two categories: each gets its own total and index.
    halves = {k: ("a" if i % 2 else "b") for i, k in enumerate(sorted(spend))}
    groups = {g.category: g for g in analyse(spend, halves, share_pct=Decimal(50))}
    for name in ("a", "b"):
        part = [v for k, v in spend.items() if halves[k] == name]
        assert float(groups[name].hhi) == pytest.approx(independent_hhi(part), rel=1e-9)


@pytest.mark.django_db
def test_spend_rule_end_to_end_on_delivery_lines(admin_user):
    """Delivery lines built from the purchase orders feed METRICS' spend selector; the rule
    raises one risk per dominant vendor and a program-wide one for the concentrated
    industry, and a second sweep changes nothing."""
    if not RULES["spend_concentration"].available():
        pytest.skip("prm.metrics.selectors.spend_by_partner is not built")
    from prm.metrics.models import DeliveryLine

    vendors = {
        vendor: make_partner(name=f"Vendor {vendor}", types=["supplier"], industry="Bicycles")
        for vendor in spend_by_vendor()
    }
    lines = []
    for row in orders():
        day = date.fromisoformat(row["OrderDate"][:10])
        amount = Decimal(row["SubTotal"])
        lines.append(
            DeliveryLine(
                supplier=vendors[row["VendorID"]],
                po_number=row["PurchaseOrderID"],
                line_number=1,
                qty_ordered=Decimal(1),
                order_date=day,
                promised_date=day,
                unit_price=amount,
                currency="KRW",
                amount=amount,
                amount_krw=amount,
            )
        )
    access.unrestricted(DeliveryLine).bulk_create(lines, batch_size=1000)
    services.rule_update(
        actor=admin_user,
        code="spend_concentration",
        params={"share_pct": 4, "hhi": 300, "months": 36},
    )
    # 36 months back from the last order: 2022-09-21 .. 2025-09-21.
    report = engine.run_rule(RULES["spend_concentration"], today=date(2025, 9, 21))
    window = defaultdict(Decimal)
    for row in orders():
        if "2022-09-21" <= row["OrderDate"][:10] <= "2025-09-21":
            window[row["VendorID"]] += Decimal(row["SubTotal"])
    total = sum(window.values())
    dominant = {vendors[v].pk for v, a in window.items() if a * 100 / total > 4}
    concentrated = independent_hhi(window.values()) > 300
    risks = access.unrestricted(Risk)
    assert set(risks.exclude(partner=None).values_list("partner", flat=True)) == dominant
    assert risks.filter(partner=None).count() == (1 if concentrated else 0)
    assert report.raised == len(dominant) + (1 if concentrated else 0)
    again = engine.run_rule(RULES["spend_concentration"], today=date(2025, 9, 21))
    assert again.raised == 0 and again.resolved == 0
    assert access.unrestricted(RiskSignal).count() == report.raised
