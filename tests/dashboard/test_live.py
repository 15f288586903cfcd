"""The program dashboard's figures: filters, money, scorecards, the funnel, and the JSON
endpoint its charts poll (ETag short-circuit, access)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prm.accounts.roles import Role
from prm.partners.lifecycle import Stage
from tests.conftest import login, make_partner, make_user
from tests.dashboard.factories import deal, observe, result

pytestmark = pytest.mark.django_db

URL = reverse("dashboard_data")


def figures(client, query: str = ""):
    response = client.get(f"{URL}{query}")
    assert response.status_code == 200, response.content
    return response.json()


def as_dict(series: dict) -> dict:
    return dict(zip(series["labels"], series["values"], strict=True))


def test_revenue_and_pipeline_by_month(client, analyst):
    partner = make_partner(stage=Stage.ACTIVE)
    this_month = timezone.localdate().replace(day=1)
    observe(partner, "revenue", this_month, 1_500_000)
    deal(partner, 2_000_000, won=True)
    deal(partner, 100, won=False, currency="USD")
    login(client, analyst)
    money = figures(client)["charts"]["money"]
    label = this_month.strftime("%Y-%m")
    assert money["labels"][-1] == label and len(money["labels"]) == 12
    sets = {s["key"]: s["values"] for s in money["datasets"]}
    assert sets["revenue"][-1] == 1_500_000
    assert sets["won"][-1] == 2_000_000
    # KRW 2,000,000 won + USD 100 at the planning rate, both registered this month.
    from prm.metrics.currency import to_krw

    assert sets["pipeline"][-1] == float(2_000_000 + to_krw(100, "USD"))
    assert figures(client)["kpis"]["open_pipeline"] == float(to_krw(100, "USD"))


def test_scorecard_figures_top_bottom_attainment_and_standings(client, manager):
    names = ["Best", "Middle", "Worst"]
    partners = [make_partner(name=n, stage=Stage.ACTIVE) for n in names]
    last_month = (timezone.localdate().replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    for p in partners:
        result(p, 60, "watch", month=last_month)
    result(partners[0], 92, "excellent", previous="watch")
    result(partners[1], 71, "good", previous="watch")
    result(partners[2], 40, "critical", previous="watch")
    login(client, manager)
    charts = figures(client)["charts"]
    assert charts["top"]["labels"] == ["Best", "Middle", "Worst"]
    assert charts["top"]["values"] == [92.0, 71.0, 40.0]
    assert charts["bottom"]["labels"][0] == "Worst"
    # Partners by the score of their latest scorecard (last month's 60s are older).
    assert as_dict(charts["attainment"]) == {
        "0-9": 0,
        "10-19": 0,
        "20-29": 0,
        "30-39": 0,
        "40-49": 1,
        "50-59": 0,
        "60-69": 0,
        "70-79": 1,
        "80-89": 0,
        "90-100": 1,
    }
    assert as_dict(charts["standing_changes"]) == {"Improved": 2, "Worsened": 1}
    standings = {s["key"]: s["values"] for s in charts["standings"]["datasets"]}
    assert standings["watch"] == [3, 0] and standings["excellent"] == [0, 1]


def test_filters_narrow_every_figure(client, analyst, tiers):
    owner = make_user(Role.PARTNER_MANAGER)
    mine = make_partner(
        name="Mine", stage=Stage.ACTIVE, region="부산", tier=tiers["gold"], owner=owner
    )
    other = make_partner(name="Other", stage=Stage.ACTIVE, region="서울", types=["supplier"])
    observe(mine, "revenue", timezone.localdate(), 10)
    observe(other, "revenue", timezone.localdate(), 1000)
    result(mine, 80, "good")
    result(other, 30, "critical")
    login(client, analyst)
    for query in (f"?owner={owner.pk}", "?region=부산", "?tier=gold", "?type=reseller"):
        data = figures(client, query)
        assert data["kpis"]["total"] == 1, query
        money = {s["key"]: s["values"] for s in data["charts"]["money"]["datasets"]}
        assert money["revenue"][-1] == 10, query
        assert data["charts"]["top"]["labels"] == ["Mine"], query
    assert (
        figures(client, "?months=3")["charts"]["money"]["labels"][-3:]
        == (figures(client)["charts"]["money"]["labels"][-3:])
    )
    assert len(figures(client, "?months=3")["charts"]["money"]["labels"]) == 3
    # A value the form refuses is ignored rather than failing the dashboard.
    assert figures(client, "?months=999&owner=abc")["kpis"]["total"] == 2


def test_unchanged_dashboard_answers_304_and_a_change_gives_new_figures(client, analyst):
    partner = make_partner(stage=Stage.ACTIVE)
    login(client, analyst)
    first = client.get(URL)
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    # The session and the user, then one probe: nothing else is computed.
    assert len([q for q in queries.captured_queries if "audit_auditentry" in q["sql"]]) == 1
    assert len(queries.captured_queries) <= 4
    observe(partner, "revenue", timezone.localdate(), 777)
    changed = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    money = {s["key"]: s["values"] for s in changed.json()["charts"]["money"]["datasets"]}
    assert money["revenue"][-1] == 777


def test_query_count_does_not_grow_with_partners(client, admin_user):
    login(client, admin_user)

    def count() -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries.captured_queries)

    def add(n: int) -> None:
        p = make_partner(stage=Stage.ACTIVE, region=f"R{n}")
        observe(p, "revenue", timezone.localdate(), n + 1)
        result(p, 50 + n, "watch")
        deal(p, 1000, won=True)

    add(0)
    few = count()
    for n in range(1, 9):
        add(n)
    assert count() == few


def test_portal_users_and_anonymous_get_no_figures(client, portal_user_a):
    assert client.get(URL).status_code == 302
    login(client, portal_user_a)
    assert client.get(URL).status_code == 404


def test_page_carries_the_live_endpoint_and_the_filters(client, manager):
    login(client, manager)
    html = client.get(reverse("home"), {"months": "6"}).content.decode()
    assert f'data-url="{URL}?months=6"' in html
    assert 'data-testid="dashboard-filter"' in html
    assert 'data-chart="money"' in html and 'data-chart="attainment"' in html
