"""Pages, API and import/export of scorecards."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from prm.core import access
from prm.imports import services as import_services
from prm.metrics.periods import Period
from prm.scorecards import compute, services
from prm.scorecards.models import KPI, Dispute, ScorecardResult, ScorecardTemplate
from tests.conftest import api_client, login
from tests.scorecards.factories import make_kpi, observe

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def template():
    win = make_kpi("win", "won_deals / closed_deals * 100", target=Decimal(50), unit="%")
    revenue = make_kpi("rev", "revenue", target=Decimal(1000))
    return services.template_save(
        actor=None,
        data={"name_ko": "리셀러", "name_en": "Reseller card", "period_kind": "quarter"},
        partner_types=["reseller"],
        lines=[(win, Decimal(60)), (revenue, Decimal(40))],
    )


@pytest.fixture
def results(template, partner_a, partner_b):
    for partner, won in ((partner_a, 4), (partner_b, 9)):
        observe(partner, "won_deals", "2026-08", won)
        observe(partner, "closed_deals", "2026-08", 10)
    compute.recompute(template=template, period=Period.parse("2026-Q3"))
    return {r.partner_id: r for r in access.unrestricted(ScorecardResult).select_related("partner")}


def test_staff_drill_down_from_score_to_inputs(client, manager, results, partner_a):
    result = results[partner_a.pk]
    login(client, manager)
    page = client.get(reverse("scorecards:result_detail", args=[result.pk]), **EN)
    text = page.content.decode()
    assert page.status_code == 200
    assert "won_deals / closed_deals * 100" in text
    assert "<code>won_deals</code> = 4.0000" in text
    assert "no data" in text  # revenue has none: weighted out
    assert "metric=won_deals&amp;from=2026-07-01&amp;to=2026-09-30" in text
    assert result.score == Decimal("80.00")  # 40 % of a 50 % target, alone
    listing = client.get(reverse("scorecards:list"), {"period": "2026-Q3"}, **EN)
    assert "Alpha Systems" in listing.content.decode()
    bad = client.get(reverse("scorecards:list"), {"period": "2026-Q9"}, **EN)
    assert "Give a period such as" in bad.content.decode()


def test_kpi_form_shows_the_formula_error_position(client, admin_user):
    login(client, admin_user)
    response = client.post(
        reverse("scorecards:kpi_create"),
        {
            "code": "broken",
            "name_ko": "오류",
            "name_en": "Broken",
            "formula": "won_deals.x",
            "direction": "higher",
            "scoring": "linear",
            "active": "on",
        },
        **EN,
    )
    assert response.status_code == 400
    assert "Attribute access" in response.content.decode()
    assert "at character 1" in response.content.decode()
    assert not KPI.objects.filter(code="broken").exists()


def test_partner_managers_cannot_define_kpis(client, manager):
    login(client, manager)
    assert client.get(reverse("scorecards:kpi_create")).status_code == 403


def test_template_form_refuses_weights_not_summing_to_100(client, admin_user, template):
    login(client, admin_user)
    win = KPI.objects.get(code="win")
    data = {
        "name_ko": "새 템플릿",
        "name_en": "New",
        "period_kind": "quarter",
        "partner_types": ["supplier"],
        "active": "on",
        f"weight_{win.pk}": "70",
        "band_excellent_min": "85",
        "band_excellent_max": "100",
        "band_good_min": "70",
        "band_good_max": "85",
        "band_watch_min": "50",
        "band_watch_max": "70",
        "band_critical_min": "0",
        "band_critical_max": "50",
    }
    response = client.post(reverse("scorecards:template_create"), data, **EN)
    assert response.status_code == 400
    assert "must sum to 100" in response.content.decode()
    data[f"weight_{win.pk}"] = "100"
    data["band_good_min"] = "60"
    response = client.post(reverse("scorecards:template_create"), data, **EN)
    assert "overlap" in response.content.decode()
    data["band_good_min"] = "70"
    response = client.post(reverse("scorecards:template_create"), data, **EN)
    assert response.status_code == 302
    assert ScorecardTemplate.objects.filter(name_en="New").exists()


def test_portal_sees_only_its_own_scorecard_and_disputes_it(
    client, portal_admin_a, results, partner_a, partner_b
):
    login(client, portal_admin_a)
    home = client.get(reverse("scorecards:portal_home"), **EN)
    assert home.status_code == 200 and "80.00" in home.content.decode()
    other = results[partner_b.pk]
    assert client.get(reverse("scorecards:portal_detail", args=[other.pk])).status_code == 404
    assert (
        client.post(
            reverse("scorecards:portal_dispute_open", args=[other.pk]), {"body": "x"}
        ).status_code
        == 404
    )
    own = results[partner_a.pk]
    empty = client.post(
        reverse("scorecards:portal_dispute_open", args=[own.pk]), {"body": " "}, **EN
    )
    assert empty.status_code == 400 and not access.unrestricted(Dispute).exists()
    response = client.post(
        reverse("scorecards:portal_dispute_open", args=[own.pk]), {"body": "Q3 deals missing"}
    )
    assert response.status_code == 302
    dispute = access.unrestricted(Dispute).get()
    assert "Q3 deals missing" in client.get(response["Location"]).content.decode()
    assert client.get(reverse("scorecards:dispute_detail", args=[dispute.pk])).status_code == 404


def test_staff_answers_a_dispute(client, manager, portal_admin_a, results, partner_a):
    dispute = services.dispute_open(
        actor=portal_admin_a, result=results[partner_a.pk], body="Wrong"
    )
    login(client, manager)
    client.post(reverse("scorecards:dispute_reply", args=[dispute.pk]), {"body": "Checked"})
    portal = login(Client(), portal_admin_a)
    page = portal.get(reverse("scorecards:portal_dispute", args=[dispute.pk]), **EN)
    assert "Checked" in page.content.decode() and "Answered" in page.content.decode()


def test_api_results_with_breakdown_and_filters(manager, portal_admin_a, results, partner_a):
    api = api_client(manager)
    listing = api.get("/api/v1/scorecards", {"partner": partner_a.pk, "period": "2026-Q3"})
    assert listing.status_code == 200 and listing.json()["count"] == 1
    item = listing.json()["items"][0]
    assert item["period"] == "2026-Q3" and item["score"] == "80.00"
    detail = api.get(f"/api/v1/scorecards/{item['id']}").json()
    lines = {line["code"]: line for line in detail["breakdown"]}
    assert lines["rev"]["score"] is None and lines["rev"]["effective_weight"] == "0.0000"
    assert lines["win"]["inputs"] == {"won_deals": "4.0000", "closed_deals": "10.0000"}
    assert api.get("/api/v1/scorecards", {"period": "soon"}).status_code == 422
    portal = api_client(portal_admin_a)
    assert portal.get("/api/v1/scorecards").json()["count"] == 1


def test_api_kpis_admins_write_and_errors_are_json(admin_user, manager):
    admin = api_client(admin_user)
    bad = admin.post(
        "/api/v1/kpis",
        json.dumps({"code": "x1", "name_ko": "x", "name_en": "x", "formula": "9**9**9"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "formula" and bad.json()["position"] == 0
    good = admin.post(
        "/api/v1/kpis",
        json.dumps({"code": "x1", "name_ko": "x", "name_en": "x", "formula": "revenue / 1000"}),
        content_type="application/json",
    )
    assert good.status_code == 201
    refused = api_client(manager).patch(
        f"/api/v1/kpis/{good.json()['id']}",
        json.dumps({"unit": "%"}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    template = admin.post(
        "/api/v1/scorecard-templates",
        json.dumps(
            {
                "name_ko": "t",
                "name_en": "t",
                "partner_types": ["reseller"],
                "lines": [{"kpi": "x1", "weight": "50"}],
            }
        ),
        content_type="application/json",
    )
    assert template.status_code == 400 and "100" in template.json()["detail"]


def test_api_dispute_thread(portal_admin_a, manager, results, partner_a, partner_b):
    portal = api_client(portal_admin_a)
    other = portal.post(
        "/api/v1/disputes",
        json.dumps({"result": results[partner_b.pk].pk, "body": "x"}),
        content_type="application/json",
    )
    assert other.status_code == 404
    opened = portal.post(
        "/api/v1/disputes",
        json.dumps({"result": results[partner_a.pk].pk, "body": "Please check"}),
        content_type="application/json",
    )
    assert opened.status_code == 201 and opened.json()["status"] == "open"
    answer = api_client(manager).post(
        f"/api/v1/disputes/{opened.json()['id']}/messages",
        json.dumps({"body": "Done"}),
        content_type="application/json",
    )
    assert answer.json()["status"] == "answered" and len(answer.json()["messages"]) == 2


def test_kpi_import_and_export(tmp_path, admin_user, client):
    header = "코드,이름(한국어),이름(영어),수식,기본 목표\n"
    good = "win_rate_kpi,수주율,Win rate,won_deals / closed_deals * 100,40\n"
    path = tmp_path / "kpis.csv"
    path.write_text(header + good + "bad_kpi,오류,Bad,won_deals + unknown_thing,1\n", "utf-8")
    report = import_services.import_file(actor=admin_user, entity_name="kpis", path=path)
    assert [(e.row, e.column) for e in report.errors] == [(3, "수식")]
    assert "unknown_thing" in report.errors[0].message
    assert not KPI.objects.filter(code__in=["win_rate_kpi", "bad_kpi"]).exists()
    path.write_text(header + good, "utf-8")
    report = import_services.import_file(actor=admin_user, entity_name="kpis", path=path)
    assert report.created == 1 and not report.errors
    assert KPI.objects.get(code="win_rate_kpi").target == Decimal(40)
    again = import_services.import_file(actor=admin_user, entity_name="kpis", path=path)
    assert again.unchanged == 1 and again.created == 0
    login(client, admin_user)
    response = client.get(reverse("imports:export", args=["kpis"]), {"format": "csv"})
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    assert "won_deals / closed_deals * 100" in text.decode("utf-8-sig")


def test_results_export_holds_only_the_portal_users_rows(client, portal_admin_a, results):
    login(client, portal_admin_a)
    response = client.get(reverse("imports:export", args=["scorecards"]), {"format": "csv"})
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    text = text.decode("utf-8-sig")
    assert "Alpha Systems" in text and "Bravo" not in text
    assert "win: 40.0000 → 80.00" in text
