from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prm.core import access
from prm.metrics.models import Metric, Observation
from tests.conftest import api_client, make_partner
from tests.metrics.factories import make_manual_metric, observe

pytestmark = pytest.mark.django_db


def test_staff_read_metrics_only_admins_write(admin_user, analyst, portal_user_a):
    # partners see metric names with their figures, not the catalogue
    assert api_client(portal_user_a).get("/api/v1/metrics").status_code == 403
    body = api_client(analyst).get("/api/v1/metrics?page_size=100").json()
    codes = {m["code"] for m in body["items"]}
    assert {"on_time_rate", "revenue", "nps"} <= codes
    ratio = next(m for m in body["items"] if m["code"] == "on_time_rate")
    assert (ratio["numerator"], ratio["denominator"], ratio["rollup"]) == (
        "on_time_lines",
        "total_lines",
        "ratio",
    )
    payload = {"code": "csat", "name_ko": "고객 만족도", "name_en": "CSAT", "rollup": "average"}
    assert (
        api_client(analyst).post("/api/v1/metrics", payload, "application/json").status_code == 403
    )
    answer = api_client(admin_user).post("/api/v1/metrics", payload, "application/json")
    assert answer.status_code == 201 and answer.json()["code"] == "csat"


def test_metric_rules_are_refused_with_the_field(admin_user):
    client = api_client(admin_user)
    bad = [
        ({"code": "Bad Code", "name_ko": "a", "name_en": "a"}, "code"),
        ({"code": "r", "name_ko": "a", "name_en": "a", "rollup": "ratio"}, "numerator"),
        (
            {"code": "d", "name_ko": "a", "name_en": "a", "source": "derived", "derivation": "x"},
            "derivation",
        ),
        ({"code": "d2", "name_ko": "a", "name_en": "a", "source": "derived"}, "derivation"),
    ]
    for payload, field in bad:
        answer = client.post(
            "/api/v1/metrics", payload, "application/json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert answer.status_code == 400, payload
        assert field in answer.json()["errors"], answer.json()
    assert not access.unrestricted(Metric).filter(code__in=["r", "d", "d2"]).exists()


def test_metric_patch_and_delete(admin_user, partner_a):
    metric = make_manual_metric("csat")
    client = api_client(admin_user)
    answer = client.patch(f"/api/v1/metrics/{metric.pk}", {"unit": "점"}, "application/json")
    assert answer.status_code == 200 and answer.json()["unit"] == "점"
    observe(partner_a, "csat", "2025-07", 4)
    answer = client.patch(f"/api/v1/metrics/{metric.pk}", {"code": "sat"}, "application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "code_in_use"
    assert client.delete(f"/api/v1/metrics/{metric.pk}").status_code == 409
    spare = make_manual_metric("spare")
    assert client.delete(f"/api/v1/metrics/{spare.pk}").status_code == 204


def test_observation_list_filters_and_portal_sees_only_its_own(
    partner_a, partner_b, portal_user_a, analyst
):
    observe(partner_a, "won_deals", "2025-07", 2)
    observe(partner_a, "won_deals", "2025-Q3", 2)
    observe(partner_a, "nps", "2025-08", 40)
    observe(partner_b, "won_deals", "2025-07", 9)
    staff = api_client(analyst)
    items = staff.get("/api/v1/observations?metric=won_deals&period_kind=month").json()["items"]
    assert sorted((i["partner"], i["period"], Decimal(i["value"])) for i in items) == [
        (partner_a.pk, "2025-07", 2),
        (partner_b.pk, "2025-07", 9),
    ]
    items = staff.get(
        f"/api/v1/observations?partner={partner_a.pk}&from=2025-08-01&to=2025-12-31"
    ).json()["items"]
    assert [(i["metric"], i["period"]) for i in items] == [("nps", "2025-08")]
    assert staff.get("/api/v1/observations?metric=nope").status_code == 422
    portal = api_client(portal_user_a).get("/api/v1/observations").json()["items"]
    assert {i["partner"] for i in portal} == {partner_a.pk}
    other = access.unrestricted(Observation).get(partner=partner_b)
    assert api_client(portal_user_a).get(f"/api/v1/observations/{other.pk}").status_code == 404


def test_observation_list_query_count_is_pinned(analyst):
    for _ in range(3):
        observe(make_partner(), "won_deals", "2025-07", 1)
    client = api_client(analyst)
    client.get("/api/v1/observations")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/observations")
    for _ in range(10):
        observe(make_partner(), "won_deals", "2025-07", 1)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/observations").json()["items"]) == 13
    assert len(many) == len(few)


def test_post_one_observation_then_replace_it(manager, partner_a):
    client = api_client(manager)
    nps = access.unrestricted(Metric).get(code="nps")
    payload = {"partner": partner_a.pk, "metric": nps.pk, "period": "2025-Q3", "value": 41.5}
    first = client.post("/api/v1/observations", payload, "application/json")  # by id
    assert first.json()["metric"] == "nps"
    payload["metric"] = "nps"  # or by code
    assert first.status_code == 201
    assert first.json()["period"] == "2025-Q3" and first.json()["source"] == "api"
    payload["value"] = 42
    second = client.post("/api/v1/observations", payload, "application/json")
    assert second.status_code == 200 and Decimal(second.json()["value"]) == 42
    assert access.unrestricted(Observation).count() == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"period": "2999-Q1"}, "future_period"),
        ({"period": "2025-13"}, "period"),
        ({"unit": "KRW"}, "unit_mismatch"),
        ({"metric": "quality_incidents", "value": 2.5}, "not_integer"),
        ({"value": 101}, "too_large"),
        ({"metric": "on_time_rate"}, "derived_metric"),
        ({"metric": "nope"}, "unknown_metric"),
    ],
)
def test_bad_observations_are_refused_and_nothing_is_stored(manager, partner_a, change, code):
    payload = {"partner": partner_a.pk, "metric": "nps", "period": "2025-Q3", "value": 10}
    payload.update(change)
    answer = api_client(manager).post(
        "/api/v1/observations", payload, "application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400, answer.json()
    assert answer.json()["code"] == code
    assert answer.json()["detail"]
    assert not access.unrestricted(Observation).exists()


def test_a_manager_records_only_for_the_partners_they_own(
    manager, partner_a, partner_b, portal_admin_a
):
    payload = {"partner": partner_b.pk, "metric": "nps", "period": "2025-Q3", "value": 10}
    assert (
        api_client(manager).post("/api/v1/observations", payload, "application/json").status_code
        == 403
    )
    payload["partner"] = partner_a.pk
    assert (
        api_client(portal_admin_a)
        .post("/api/v1/observations", payload, "application/json")
        .status_code
        == 403
    )
    assert not access.unrestricted(Observation).exists()


def test_bulk_is_all_or_nothing_with_row_errors(manager, partner_a, partner_b):
    client = api_client(manager)
    rows = [
        {"partner": partner_a.pk, "metric": "nps", "period": "2025-07", "value": 10},
        {"partner": partner_a.pk, "metric": "nps", "period": "2999-01", "value": 10},
        {"partner": partner_b.pk, "metric": "nps", "period": "2025-07", "value": 10},
        {"partner": 999999, "metric": "nps", "period": "2025-07", "value": 10},
    ]
    answer = client.post("/api/v1/observations/bulk", {"observations": rows}, "application/json")
    assert answer.status_code == 422
    assert [(r["row"], r["field"]) for r in answer.json()["rows"]] == [
        (1, "period"),
        (2, "partner"),
        (3, "partner"),
    ]
    assert not access.unrestricted(Observation).exists()
    good = [rows[0], {**rows[0], "period": "2025-08", "value": 20}]
    answer = client.post("/api/v1/observations/bulk", {"observations": good}, "application/json")
    assert answer.status_code == 201
    assert [o["period"] for o in answer.json()] == ["2025-07", "2025-08"]


def test_delete_observation(admin_user, partner_a):
    typed = observe(partner_a, "nps", "2025-07", 10, source="manual")
    derived = observe(partner_a, "won_deals", "2025-07", 1, source="derived")
    client = api_client(admin_user)
    assert client.delete(f"/api/v1/observations/{derived.pk}").status_code == 409
    assert client.delete(f"/api/v1/observations/{typed.pk}").status_code == 204
    assert list(access.unrestricted(Observation).values_list("pk", flat=True)) == [derived.pk]
