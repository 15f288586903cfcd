"""The back office's home page: program figures for staff, the portal for partner users."""

import json
import re

from django.urls import reverse

from tests.conftest import login, make_partner


def _charts(response) -> dict:
    html = response.content.decode()
    match = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


def _kpi(response, name: str) -> str:
    return re.search(rf'data-kpi="{name}">([^<]+)<', response.content.decode()).group(1)


def test_home_shows_the_program_figures(client, manager, tiers):
    make_partner(stage="active", types=["reseller", "oem"], tier=tiers["gold"], region="서울")
    make_partner(stage="active", types=["reseller"], region="서울")
    make_partner(stage="onboarding", types=["supplier"], country="JP")
    login(client, manager)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert (_kpi(response, "total"), _kpi(response, "active")) == ("3", "2")
    assert (_kpi(response, "onboarding"), _kpi(response, "new_this_month")) == ("1", "3")

    charts = _charts(response)
    stage = dict(zip(charts["stage"]["keys"], charts["stage"]["values"], strict=True))
    assert charts["stage"]["keys"][:5] == [
        "prospect",
        "candidate",
        "applied",
        "onboarding",
        "active",
    ]
    assert stage["active"] == 2 and stage["prospect"] == 0
    assert dict(zip(charts["type"]["labels"], charts["type"]["values"], strict=True)) == {
        "Supplier": 1,
        "Reseller": 2,
        "OEM": 1,
    }
    tier = dict(zip(charts["tier"]["labels"], charts["tier"]["values"], strict=True))
    assert tier["Gold"] == 1 and tier["No tier"] == 2
    place = dict(zip(charts["place"]["labels"], charts["place"]["values"], strict=True))
    assert place == {"서울 (KR)": 2, "Japan": 1}
    assert "dashboard/charts.js" in response.content.decode()


def test_portal_users_are_sent_to_the_portal(client, portal_user_a):
    login(client, portal_user_a)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_the_menu_lists_the_registry_and_the_log(client, analyst):
    login(client, analyst)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("partners:list")}"' in html
    assert f'href="{reverse("audit:list")}"' in html
