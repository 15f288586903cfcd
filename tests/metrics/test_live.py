"""Derived metrics follow their records without ``prm derive-metrics``; a supplier on hold
takes no new purchase orders."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from prm.core import access, events
from prm.leads.models import Lead
from prm.metrics import derivations, live, selectors, services, tasks
from prm.metrics.datasets import import_rows
from prm.metrics.models import DeliveryLine, Observation
from prm.metrics.periods import Period
from prm.sales import services as sales
from tests.conftest import login, make_partner
from tests.metrics.factories import line, sale
from tests.sales.conftest import register

pytestmark = pytest.mark.django_db
d = datetime.date
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def in_the_background(settings, django_capture_on_commit_callbacks):
    """Run what is handed to the task worker at once, as a worker would after the commit."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return lambda: django_capture_on_commit_callbacks(execute=True)


def stored(partner, code: str, period: Period) -> Decimal | None:
    found = (
        access.unrestricted(Observation)
        .filter(
            partner=partner,
            metric__code=code,
            period_kind=period.kind,
            period_start=period.start,
        )
        .first()
    )
    return None if found is None else found.value


def value(partner, code: str, period: Period) -> Decimal | None:
    return selectors.values_for(metric_codes=[code], partner_ids=[partner.pk], period=period).get(
        (partner.pk, code)
    )


def this_month() -> Period:
    return Period.containing("month", timezone.localdate())


def approved_deal(manager, portal_user, partner, amount="1000000", **data):
    deal = register(portal_user, partner, amount=Decimal(amount), **data)
    return sales.deal_decide(actor=manager, deal=deal, decision="approve")


# Deals ---------------------------------------------------------------------------------


def test_a_won_deal_shows_in_won_amount_without_the_command(
    manager, portal_user_a, partner_a, in_the_background
):
    deal = approved_deal(manager, portal_user_a, partner_a, amount="1500000")
    month = this_month()
    assert stored(partner_a, "won_amount", month) is None
    with in_the_background():
        sales.deal_move(actor=manager, deal=deal, stage="won", reason="Best offer")
    assert stored(partner_a, "won_amount", month) == Decimal("1500000")
    assert stored(partner_a, "won_deals", month) == 1
    assert stored(partner_a, "revenue", month) == Decimal("1500000")
    quarter = Period.containing("quarter", month.start)
    assert stored(partner_a, "won_amount", quarter) == Decimal("1500000")


def test_correcting_a_won_amount_changes_the_observation(
    manager, portal_user_a, partner_a, in_the_background
):
    deal = approved_deal(manager, portal_user_a, partner_a, amount="1500000")
    with in_the_background():
        deal = sales.deal_move(actor=manager, deal=deal, stage="won", reason="Best offer")
    with in_the_background():
        sales.deal_update(actor=manager, deal=deal, data={"amount": Decimal("1200000")})
    assert stored(partner_a, "won_amount", this_month()) == Decimal("1200000")
    assert stored(partner_a, "revenue", this_month()) == Decimal("1200000")
    with in_the_background():
        sales.deal_update(actor=manager, deal=deal, data={"currency": "USD", "amount": 1000})
    assert stored(partner_a, "won_amount", this_month()) == Decimal("1300000")  # 1,000 USD


def test_a_lost_deal_changes_the_win_rate(manager, portal_user_a, partner_a, in_the_background):
    won = approved_deal(manager, portal_user_a, partner_a)
    lost = approved_deal(manager, portal_user_a, partner_a, name="Other Co", domain="other.kr")
    with in_the_background():
        sales.deal_move(actor=manager, deal=won, stage="won", reason="Best offer")
    assert value(partner_a, "win_rate", this_month()) == Decimal("100")
    with in_the_background():
        sales.deal_move(actor=manager, deal=lost, stage="lost", reason="Price")
    assert value(partner_a, "win_rate", this_month()) == Decimal("50")
    assert stored(partner_a, "lost_deals", this_month()) == 1


def test_the_derived_observations_announce_the_change_to_scorecards(
    manager, portal_user_a, partner_a, in_the_background, monkeypatch
):
    heard = []
    monkeypatch.setitem(events._subscribers, "metrics.observations_changed", [])
    events.subscribe("metrics.observations_changed")(lambda **payload: heard.append(payload))
    deal = approved_deal(manager, portal_user_a, partner_a)
    with in_the_background():
        sales.deal_move(actor=manager, deal=deal, stage="won", reason="Best offer")
    month = this_month()
    assert {
        "partner_ids": [partner_a.pk],
        "period_kind": "month",
        "period_start": month.start.isoformat(),
    } in heard
    assert {p for payload in heard for p in payload["partner_ids"]} == {partner_a.pk}


def test_an_offered_lead_counts_in_open_leads(partner_a, in_the_background):
    lead = access.unrestricted(Lead).create(
        company_name="Lead co", partner=partner_a, status="offered"
    )
    with in_the_background():
        events.emit("lead.assigned", lead_id=lead.pk, partner_id=partner_a.pk)
    assert stored(partner_a, "open_leads", this_month()) == 1


# Delivery lines and reseller sales -----------------------------------------------------

ON_TIME = {
    "supplier": "Tokyo Traders",
    "po_number": "P1",
    "line_number": "1",
    "quantity ordered": "10",
    "quantity received": "10",
    "order date": "2025-01-02",
    "promised date": "2025-01-10",
    "received date": "2025-01-09",
    "unit price": "3",
    "currency": "JPY",
}


@pytest.fixture
def tokyo(manager):
    return make_partner(name="Tokyo Traders", types=["supplier"], owner=manager)


def test_an_import_of_delivery_lines_changes_the_on_time_rate(manager, tokyo, in_the_background):
    january = Period.parse("2025-01")
    late = {**ON_TIME, "line_number": "2", "received date": "2025-01-20"}
    with in_the_background():
        assert import_rows("delivery-lines", [ON_TIME], actor=manager).created == 1
    assert value(tokyo, "on_time_rate", january) == Decimal("100")
    with in_the_background():
        assert import_rows("delivery-lines", [late], actor=manager).created == 1
    assert value(tokyo, "on_time_rate", january) == Decimal("50")
    assert value(tokyo, "on_time_rate", Period.parse("2025-Q1")) == Decimal("50")
    received_on_time = {**late, "received date": "2025-01-10"}
    with in_the_background():
        assert import_rows("delivery-lines", [received_on_time], actor=manager).updated == 1
    assert value(tokyo, "on_time_rate", january) == Decimal("100")


def test_a_refused_or_dry_run_import_derives_nothing(manager, tokyo, in_the_background):
    january = Period.parse("2025-01")
    too_many = {**ON_TIME, "line_number": "2", "quantity received": "11"}
    with in_the_background():
        assert import_rows("delivery-lines", [ON_TIME, too_many], actor=manager).errors
        import_rows("delivery-lines", [ON_TIME], actor=manager, dry_run=True)
    assert stored(tokyo, "total_lines", january) is None
    with in_the_background():  # the next change that commits is derived as usual
        import_rows("delivery-lines", [ON_TIME], actor=manager)
    assert stored(tokyo, "total_lines", january) == 1


def test_one_import_asks_once_for_its_partners_and_periods(
    manager, tokyo, monkeypatch, django_capture_on_commit_callbacks
):
    other = make_partner(name="Other Supplier", types=["supplier"], owner=manager)
    line(other, "X1", order_date=d(2025, 1, 2), promised=d(2025, 1, 10))
    asked = []
    monkeypatch.setattr(tasks, "derive_for_partners", SimpleNamespace(enqueue=asked.append))
    rows = [
        {**ON_TIME, "line_number": str(n), "promised date": f"2025-01-{10 + n}"}
        for n in range(1, 6)
    ]
    rows.append({**ON_TIME, "po_number": "P2", "order date": "2025-02-02", "received date": ""})
    rows[-1]["promised date"] = "2025-02-10"
    with django_capture_on_commit_callbacks(execute=True):
        assert import_rows("delivery-lines", rows, actor=manager).created == 6
    assert len(asked) == 1  # one task for the whole file
    plan = asked[0]
    assert all(partners == [tokyo.pk] for _name, _label, partners in plan)
    assert {(name, label) for name, label, _p in plan} == {
        ("deliveries", "2025-01"),
        ("deliveries", "2025-02"),
        ("deliveries", "2025-Q1"),
        ("deliveries", "2025"),
    }


def test_a_reseller_sale_import_changes_revenue(admin_user, in_the_background):
    reseller = make_partner(name="Bike Shop", types=["reseller"], external_id="aw-1")
    row = {
        "reseller": "aw-1",
        "date": "2025-03-02",
        "amount": "100",
        "currency": "USD",
        "territory": "Northwest",
        "external_id": "SO1-1",
    }
    with in_the_background():
        assert import_rows("reseller-sales", [row], actor=admin_user).created == 1
    assert stored(reseller, "revenue", Period.parse("2025-03")) == Decimal("130000")
    with in_the_background():  # moved to April: March has no revenue any more
        import_rows("reseller-sales", [{**row, "date": "2025-04-01"}], actor=admin_user)
    assert stored(reseller, "revenue", Period.parse("2025-03")) is None
    assert stored(reseller, "revenue", Period.parse("2025-04")) == Decimal("130000")
    assert stored(reseller, "revenue", Period.parse("2025-Q1")) is None


# One partner's re-derivation equals the full run --------------------------------------


def test_a_derivation_for_some_partners_equals_the_full_run(partner_a, partner_b):
    supplier = make_partner(types=["supplier"])
    other_supplier = make_partner(types=["supplier"])
    for who, late in ((supplier, 3), (other_supplier, 0)):
        for n in range(4):
            line(
                who,
                "PO",
                n,
                order_date=d(2025, 1, 2),
                promised=d(2025, 1, 10),
                received_date=d(2025, 1, 8 + late * n),
            )
    sale(partner_a, "S1", d(2025, 1, 5), "10")
    sale(partner_b, "S2", d(2025, 1, 6), "20")
    access.unrestricted(Lead).create(company_name="L", partner=partner_a, status="accepted")
    access.unrestricted(Lead).create(company_name="M", partner=partner_b, status="offered")
    periods = [Period.parse("2025-01"), Period.parse("2025"), this_month()]
    for item in derivations.registry().values():
        for period in periods:
            everyone = item.compute(period, None)
            for partner in (supplier, partner_a, partner_b):
                some = item.compute(period, [partner.pk])
                expected = {
                    code: {partner.pk: by[partner.pk]}
                    for code, by in everyone.items()
                    if partner.pk in by
                }
                assert {c: v for c, v in some.items() if v} == expected, (item.name, period)


def test_materialising_for_one_partner_leaves_the_others_alone():
    supplier = make_partner(types=["supplier"])
    other = make_partner(types=["supplier"])
    january = Period.parse("2025-01")
    for who in (supplier, other):
        line(who, "PO", order_date=d(2025, 1, 2), promised=d(2025, 1, 10), received_date=None)
    services.derived_materialise(period=january, names=["deliveries"])
    access.unrestricted(DeliveryLine).all().delete()
    counts = services.derived_materialise(
        period=january, names=["deliveries"], partner_ids=[supplier.pk]
    )
    assert counts["deleted"] > 0
    assert stored(supplier, "total_lines", january) is None
    assert stored(other, "total_lines", january) == 1  # untouched until its own turn


def test_periods_not_begun_are_not_derived():
    today = timezone.localdate()
    next_year = d(today.year + 1, 1, 5)
    assert live.periods_touched([next_year, None]) == set()
    labels = {p.label for p in live.periods_touched([d(2025, 2, 3)])}
    assert labels == {"2025-02", "2025-Q1", "2025"}


# A supplier on hold ----------------------------------------------------------------------


def test_a_supplier_on_hold_takes_no_new_purchase_order(manager, tokyo, analyst):
    assert import_rows("delivery-lines", [ON_TIME], actor=manager).created == 1
    tokyo.on_hold, tokyo.hold_reason = True, "On-time rate below 50 %"
    tokyo.save()
    received_later = {**ON_TIME, "line_number": "2", "received date": ""}
    new_order = {**ON_TIME, "po_number": "P9"}
    report = import_rows("delivery-lines", [received_later, new_order], actor=manager)
    assert [(issue.row, issue.column) for issue in report.errors] == [(3, "po_number")]
    assert "on hold" in report.errors[0].message and "P9" in report.errors[0].message
    assert "On-time rate below 50 %" in report.errors[0].message
    assert access.unrestricted(DeliveryLine).count() == 1  # all or nothing
    report = import_rows("delivery-lines", [received_later], actor=manager)
    assert report.created == 1  # a new line of a stored order still arrives
    tokyo.on_hold = False
    tokyo.save()
    assert import_rows("delivery-lines", [new_order], actor=manager).created == 1


def test_the_deliveries_page_shows_the_hold(analyst, manager, tokyo):
    import_rows("delivery-lines", [ON_TIME], actor=manager)
    tokyo.on_hold, tokyo.hold_reason = True, "Quality review"
    tokyo.save()
    client = login(Client(), analyst)
    page = client.get(f"/metrics/deliveries/?period=2025-Q1&supplier={tokyo.pk}", **EN)
    body = page.content.decode()
    assert 'data-testid="supplier-on-hold"' in body
    assert "no new purchase orders" in body and "Quality review" in body
    assert 'data-testid="on-hold"' in body  # in the figures table too
