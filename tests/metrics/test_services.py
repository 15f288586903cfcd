import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from prm.core import access, events
from prm.core.errors import BusinessError
from prm.leads.models import Lead
from prm.metrics import derivations, selectors, services
from prm.metrics.datasets import import_rows
from prm.metrics.models import DeliveryLine, Metric, Observation, ResellerSale
from prm.metrics.periods import Period, last_n
from prm.sales.models import Account, Deal, PipelineStage
from tests.conftest import make_partner
from tests.metrics.factories import line, make_manual_metric

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.fixture
def heard(monkeypatch):
    """The metrics.observations_changed events, as subscribers get them (after commit)."""
    got = []
    monkeypatch.setitem(events._subscribers, "metrics.observations_changed", [])
    events.subscribe("metrics.observations_changed")(lambda **payload: got.append(payload))
    return got


def test_metric_rules(admin_user, manager):
    with pytest.raises(BusinessError) as refused:
        services.metric_create(
            actor=admin_user,
            data={"code": "x", "name_ko": "x", "name_en": "x", "rollup": "ratio"},
        )
    assert {"numerator", "denominator"} <= set(refused.value.details["errors"])
    with pytest.raises(BusinessError):
        services.metric_create(
            actor=admin_user,
            data={"code": "9lives", "name_ko": "x", "name_en": "x"},
        )
    with pytest.raises(BusinessError) as refused:
        services.metric_create(
            actor=admin_user,
            data={
                "code": "y",
                "name_ko": "y",
                "name_en": "y",
                "source": "derived",
                "derivation": "tickets",
            },
        )
    assert "not a registered derivation" in str(refused.value.details["errors"]["derivation"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.metric_create(actor=manager, data={"code": "z", "name_ko": "z", "name_en": "z"})
    assert not access.unrestricted(Metric).filter(code__in=["x", "9lives", "y", "z"]).exists()


def test_recording_announces_the_change_once_per_period(
    manager, partner_a, django_capture_on_commit_callbacks, heard
):
    with django_capture_on_commit_callbacks(execute=True):
        services.observation_record(
            actor=manager, partner=partner_a, metric="nps", period="2025-Q3", value="40"
        )
    assert heard == [
        {"partner_ids": [partner_a.pk], "period_kind": "quarter", "period_start": "2025-07-01"}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _obs, outcome = services.observation_record(
            actor=manager, partner=partner_a, metric="nps", period="2025-Q3", value="40"
        )
    assert outcome == "unchanged" and len(heard) == 1  # nothing changed, nothing announced


def test_derived_deliveries_materialise_and_follow_changes(
    heard, django_capture_on_commit_callbacks
):
    supplier = make_partner(types=["supplier"])
    line(
        supplier,
        "PO1",
        1,
        order_date=d(2025, 1, 2),
        promised=d(2025, 1, 10),
        received_date=d(2025, 1, 9),
    )
    old = line(
        supplier,
        "PO1",
        2,
        order_date=d(2025, 1, 2),
        promised=d(2025, 1, 10),
        received_date=d(2025, 1, 20),
    )
    january = Period.parse("2025-01")
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.derived_materialise(period=january, names=["deliveries"])
    assert counts["created"] == 9  # every delivery metric with a value
    assert heard[-1]["partner_ids"] == [supplier.pk]
    values = selectors.values_for(
        metric_codes=["on_time_rate", "lead_time_days_avg", "lead_time_days_p90"],
        partner_ids=None,
        period=january,
    )
    assert values[(supplier.pk, "on_time_rate")] == Decimal("50.0000")
    assert values[(supplier.pk, "lead_time_days_avg")] == Decimal("12.5000")
    assert values[(supplier.pk, "lead_time_days_p90")] == Decimal("16.9000")  # 7 + 0.9 * (18 - 7)
    access.unrestricted(DeliveryLine).filter(pk=old.pk).delete()
    counts = services.derived_materialise(period=january, names=["deliveries"])
    assert counts["updated"] > 0
    again = services.derived_materialise(period=january, names=["deliveries"])
    assert again == {"created": 0, "updated": 0, "deleted": 0}
    stored = (
        access.unrestricted(Observation).filter(partner=supplier, metric__code="total_lines").get()
    )
    assert (stored.value, stored.source) == (Decimal(1), "derived")


def test_an_open_line_is_not_late_until_it_is_due():
    supplier = make_partner(types=["supplier"])
    today = timezone.localdate()
    line(
        supplier,
        "PO9",
        1,
        order_date=today - datetime.timedelta(days=5),
        promised=today + datetime.timedelta(days=3),
        received="0",
    )
    values = derivations.get("deliveries").compute(
        Period.containing("year", today + datetime.timedelta(days=3))
    )
    assert supplier.pk not in values.get("total_lines", {})  # open and not due: counts nowhere


def test_deals_leads_and_revenue_derivations(partner_a, partner_b):
    now = timezone.now()
    won = PipelineStage.objects.get(code="won")
    lost = PipelineStage.objects.get(code="lost")
    account = access.unrestricted(Account).create(name="Customer")
    common = {"account": account, "registered_at": now, "status": "approved"}
    access.unrestricted(Deal).create(
        partner=partner_a,
        title="W1",
        amount=Decimal("100"),
        currency="USD",
        stage=won,
        won_at=now,
        **common,
    )
    access.unrestricted(Deal).create(
        partner=partner_a, title="W2", amount=Decimal("5000"), stage=won, won_at=now, **common
    )
    access.unrestricted(Deal).create(
        partner=partner_a, title="L1", amount=Decimal("1"), stage=lost, lost_at=now, **common
    )
    access.unrestricted(Deal).create(
        partner=partner_b, title="L2", amount=Decimal("1"), stage=lost, lost_at=now, **common
    )
    access.unrestricted(Lead).create(company_name="Lead co", partner=partner_a, status="accepted")
    access.unrestricted(Lead).create(
        company_name="Lead co 2", partner=partner_a, status="converted"
    )
    month = Period.containing("month", timezone.localdate())
    services.derived_materialise(period=month)
    values = selectors.values_for(
        metric_codes=["won_deals", "won_amount", "win_rate", "open_leads", "revenue"],
        partner_ids=None,
        period=month,
    )
    assert values[(partner_a.pk, "won_deals")] == 2
    assert values[(partner_a.pk, "won_amount")] == Decimal("130000") + 5000
    assert values[(partner_a.pk, "win_rate")] == Decimal("66.6667")
    assert values[(partner_b.pk, "win_rate")] == Decimal("0.0000")
    assert values[(partner_a.pk, "open_leads")] == 1
    assert values[(partner_a.pk, "revenue")] == Decimal("135000")
    assert (partner_b.pk, "revenue") not in values  # no data, not 0


def test_derive_metrics_command(partner_a):
    supplier = make_partner(types=["supplier"])
    line(
        supplier,
        "PO1",
        1,
        order_date=d(2025, 1, 2),
        promised=d(2025, 1, 10),
        received_date=d(2025, 1, 9),
    )
    out = StringIO()
    call_command("derive_metrics", "--period", "2025-Q1", "--period", "2025-01", stdout=out)
    assert "2 period(s)" in out.getvalue()
    kinds = set(access.unrestricted(Observation).values_list("period_kind", flat=True))
    assert kinds == {"quarter", "month"}
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("derive_metrics", "--period", "2025-Q9", stdout=out)


# Imports -------------------------------------------------------------------------------


def test_observation_import_upserts_and_reports_rows(manager, partner_a):
    make_manual_metric("csat")
    from prm.imports import engine, registry
    from prm.imports.readers import read_table

    text = "파트너,지표,기간,값,단위\n2208162517,csat,2025-Q3,4.5,pt\n2208162517,nps,2025-07,30,\n"
    report = engine.run(
        actor=manager, entity=registry.get("observations"), table=read_table(text.encode(), "o.csv")
    )
    assert report.errors == [] and report.created == 2
    again = engine.run(
        actor=manager, entity=registry.get("observations"), table=read_table(text.encode(), "o.csv")
    )
    assert again.unchanged == 2 and again.created == 0
    bad = (
        "partner,metric,period,value,unit\n"
        "2208162517,csat,2025-Q3,5,pt\n"
        "2208162517,csat,2025-Q5,1,pt\n"
        "2208162517,nps,2025-08,12,%\n"
        "Nobody,nps,2025-08,12,\n"
    )
    report = engine.run(
        actor=manager, entity=registry.get("observations"), table=read_table(bad.encode(), "o.csv")
    )
    assert [(i.row, i.column) for i in report.errors] == [
        (3, "period"),
        (4, "unit"),
        (5, "partner"),
    ]
    assert access.unrestricted(Observation).get(metric__code="csat").value == Decimal("4.5")


def test_delivery_line_import_refuses_bad_lines_and_keeps_nothing(manager, partner_a):
    make_partner(name="Tokyo Traders", types=["supplier"], owner=manager)
    rows = [
        {
            "supplier": "Tokyo Traders",
            "po_number": "P1",
            "line_number": "1",
            "quantity ordered": "10",
            "quantity received": "10",
            "order date": "2025-01-01",
            "promised date": "2025-01-09",
            "received date": "2025-01-08",
            "unit price": "3",
            "currency": "JPY",
        },
        {
            "supplier": "Tokyo Traders",
            "po_number": "P1",
            "line_number": "2",
            "quantity ordered": "10",
            "quantity received": "11",
            "order date": "2025-01-01",
            "promised date": "2025-01-09",
        },
        {
            "supplier": "Tokyo Traders",
            "po_number": "P1",
            "line_number": "3",
            "quantity ordered": "10",
            "quantity received": "5",
            "quantity rejected": "6",
            "order date": "2025-01-01",
            "promised date": "2025-01-09",
            "received date": "2025-01-08",
        },
        {
            "supplier": "Tokyo Traders",
            "po_number": "P1",
            "line_number": "4",
            "quantity ordered": "1",
            "order date": "2025-01-10",
            "promised date": "2025-01-09",
        },
        {
            "supplier": "Nobody Ltd",
            "po_number": "P2",
            "line_number": "1",
            "quantity ordered": "1",
            "order date": "2025-01-01",
            "promised date": "2025-01-09",
        },
        {
            "supplier": "Alpha Systems",
            "po_number": "P3",
            "line_number": "1",
            "quantity ordered": "1",
            "order date": "2025-01-01",
            "promised date": "2025-01-09",
        },
    ]
    report = import_rows("delivery-lines", rows, actor=manager)
    assert [(i.row, i.column) for i in report.errors] == [
        (3, "quantity received"),
        (4, "quantity rejected"),
        (5, "promised date"),
        (6, "supplier"),
        (7, "supplier"),
    ]
    assert "not a supplier" in report.errors[-1].message
    assert not access.unrestricted(DeliveryLine).exists()
    report = import_rows("delivery-lines", rows[:1], actor=manager)
    assert report.created == 1
    stored = access.unrestricted(DeliveryLine).get()
    assert (stored.amount, stored.amount_krw) == (Decimal("30"), Decimal("270"))
    assert import_rows("delivery-lines", rows[:1], actor=manager).unchanged == 1


def test_reseller_sale_import_and_export(admin_user, analyst):
    reseller = make_partner(name="Bike Shop", types=["reseller"], external_id="aw-1")
    rows = [
        {
            "reseller": "aw-1",
            "date": "2025-03-02",
            "amount": "100.50",
            "currency": "USD",
            "territory": "Northwest",
            "external_id": "SO1-1",
        },
        {
            "reseller": "aw-1",
            "date": "2025-03-05",
            "amount": "1000",
            "currency": "XYZ",
            "external_id": "SO1-2",
        },
    ]
    report = import_rows("reseller-sales", rows, actor=admin_user)
    assert [(i.row, i.column) for i in report.errors] == [(3, "currency")]
    assert import_rows("reseller-sales", rows[:1], actor=admin_user).created == 1
    assert access.unrestricted(ResellerSale).get().amount_krw == Decimal("130650.00")
    from django.test import Client

    from tests.conftest import login

    export = login(Client(), analyst).get("/imports/export/reseller-sales/?format=csv")
    text = (
        b"".join(export.streaming_content).decode("utf-8-sig")
        if export.streaming
        else export.content.decode("utf-8-sig")
    )
    assert "SO1-1" in text and "130650" in text and reseller.name in text


def test_last_n_and_series():
    periods = last_n("quarter", 3, until=d(2026, 2, 1))
    assert [p.label for p in periods] == ["2025-Q3", "2025-Q4", "2026-Q1"]
    assert Period.parse("2026-Q1").end == d(2026, 3, 31)
    with pytest.raises(ValueError):
        Period.parse("2026-Q5")
    with pytest.raises(ValueError):
        Period("month", d(2026, 1, 2))
