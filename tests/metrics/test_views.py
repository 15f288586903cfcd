import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from prm.core import access
from prm.metrics.models import Metric, Observation
from tests.conftest import login, make_partner
from tests.metrics.factories import line, make_manual_metric, observe

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_metric_list_shows_definitions_to_staff_and_404_to_portal(analyst, portal_user_a):
    page = login(Client(), analyst).get("/metrics/", **EN)
    assert page.status_code == 200
    body = page.content.decode()
    assert "On-time delivery rate" in body and "on_time_lines ÷ total_lines" in body
    assert "New metric" not in body
    assert login(Client(), portal_user_a).get("/metrics/").status_code == 404


def test_admin_creates_and_edits_a_metric(admin_user):
    client = login(Client(), admin_user)
    assert client.get("/metrics/new/").status_code == 200
    answer = client.post(
        "/metrics/new/",
        {
            "code": "csat",
            "name_ko": "고객 만족도",
            "name_en": "Customer satisfaction",
            "unit": "pt",
            "direction": "higher",
            "rollup": "average",
            "multiplier": "1",
            "source": "manual",
            "active": "on",
        },
    )
    metric = access.unrestricted(Metric).get(code="csat")
    assert answer.status_code == 302 and answer["Location"] == f"/metrics/{metric.pk}/"
    answer = client.post(
        f"/metrics/{metric.pk}/edit/",
        {
            "code": "csat",
            "name_ko": "고객 만족도",
            "name_en": "Customer satisfaction",
            "direction": "higher",
            "rollup": "ratio",
            "multiplier": "1",
            "source": "manual",
        },
        **EN,
    )
    assert answer.status_code == 400
    assert "A ratio needs the metric it divides" in answer.content.decode()
    metric.refresh_from_db()
    assert metric.rollup == "average"


def test_a_manager_may_not_define_metrics(manager):
    client = login(Client(), manager)
    assert client.get("/metrics/new/").status_code == 403
    nps = access.unrestricted(Metric).get(code="nps")
    assert client.get(f"/metrics/{nps.pk}/edit/").status_code == 403


def test_observation_entry_and_its_refusals(manager, partner_a):
    client = login(Client(), manager)
    nps = access.unrestricted(Metric).get(code="nps")
    form = {"partner": partner_a.pk, "metric": nps.pk, "period": "2025-Q3", "value": "35"}
    answer = client.post("/metrics/observations/new/", form)
    assert answer.status_code == 302
    assert answer["Location"] == f"/metrics/partners/{partner_a.pk}/?kind=quarter"
    stored = access.unrestricted(Observation).get()
    assert (stored.value, stored.source, stored.period_label) == (Decimal(35), "manual", "2025-Q3")
    for change, message in (
        ({"period": "2999-01"}, "has not begun"),
        ({"unit": "%"}, "does not match the metric"),
        ({"value": "abc"}, "is not a number"),
        ({"value": "-101"}, "is at least -100"),
    ):
        answer = client.post(
            "/metrics/observations/new/",
            {**form, **change, "value": change.get("value", "99")},
            **EN,
        )
        assert answer.status_code == 400, change
        assert message in answer.content.decode(), change
    stored.refresh_from_db()
    assert stored.value == 35


def test_observation_list_filters_and_export(analyst, partner_a, partner_b):
    observe(partner_a, "nps", "2025-07", 10)
    observe(partner_b, "nps", "2025-07", 20)
    client = login(Client(), analyst)
    page = client.get(f"/metrics/observations/?partner={partner_a.pk}", **EN)
    body = page.content.decode()
    assert (
        "1 observation" in body
        and "Alpha Systems" in body
        and "Bravo Logistics" not in body.split("observation-table")[1]
    )
    export = client.get(f"/imports/export/observations/?partner={partner_b.pk}&format=csv")
    assert export.status_code == 200
    text = (
        b"".join(export.streaming_content).decode("utf-8-sig")
        if export.streaming
        else export.content.decode("utf-8-sig")
    )
    assert "Bravo Logistics" in text and "Alpha Systems" not in text and "2025-07" in text


def test_partner_page_shows_rolled_up_values(analyst, partner_a):
    today = timezone.localdate()
    month = today.replace(day=1)
    observe(partner_a, "on_time_lines", month.strftime("%Y-%m"), 3)
    observe(partner_a, "total_lines", month.strftime("%Y-%m"), 4)
    page = login(Client(), analyst).get(f"/metrics/partners/{partner_a.pk}/", **EN)
    assert page.status_code == 200
    row = page.content.decode().split('data-metric="on_time_rate"')[1].split("</tr>")[0]
    assert "75%" in row


def test_deliveries_page_shows_each_suppliers_figures(analyst):
    supplier = make_partner(name="Exotic Liquids", types=["supplier"])
    d = datetime.date
    line(
        supplier,
        "PO1",
        1,
        order_date=d(2025, 1, 2),
        promised=d(2025, 1, 10),
        received_date=d(2025, 1, 9),
        received="10",
        rejected="1",
    )
    line(
        supplier,
        "PO1",
        2,
        order_date=d(2025, 1, 2),
        promised=d(2025, 1, 10),
        received_date=d(2025, 1, 14),
        received="10",
    )
    line(
        supplier, "PO2", 1, order_date=d(2025, 2, 1), promised=d(2025, 2, 5), received="0"
    )  # open, past due
    client = login(Client(), analyst)
    page = client.get(f"/metrics/deliveries/?period=2025-Q1&supplier={supplier.pk}", **EN)
    assert page.status_code == 200
    figures = page.context["supplier_figures"]
    assert figures.on_time_rate == Decimal("33.3333")  # 1 of 3 due lines
    assert figures.lead_time_days_avg == Decimal("9.5000")
    assert figures.rejection_rate == Decimal("5.0000")  # 1 of 20 received
    assert figures.spend == Decimal(3 * 10 * 100 * 1300)
    body = page.content.decode()
    assert "Exotic Liquids" in body and "PO2" in body and "late" in body
    assert client.get("/metrics/deliveries/?period=nonsense", **EN).status_code == 200


def test_portal_sees_its_own_figures_only(portal_user_a, partner_a, partner_b):
    make_manual_metric("csat")
    observe(partner_a, "csat", "2025-07", 4)
    observe(partner_b, "csat", "2025-07", 1)
    client = login(Client(), portal_user_a)
    page = client.get("/metrics/portal/", **EN)
    assert page.status_code == 200
    table = page.content.decode().split('data-testid="portal-observations"')[1]
    assert table.count("<tr>") == 2  # header + Alpha's one row
    assert client.get(f"/metrics/partners/{partner_b.pk}/").status_code == 404


def test_the_partner_page_links_to_its_figures(analyst, partner_a):
    page = login(Client(), analyst).get(f"/partners/{partner_a.pk}/", **EN)
    assert f'href="/metrics/partners/{partner_a.pk}/"' in page.content.decode()
