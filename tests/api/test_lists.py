"""List endpoints: pagination, the shared FilterSets, and a query count that stays flat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prm.partners.models import Contact, Tag, Tier
from tests.conftest import make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_partners(manager):
    gold = Tier.objects.get(code="gold")
    cloud, _ = Tag.objects.get_or_create(name="cloud")
    partners = []
    for n in range(30):
        partner = make_partner(
            name=f"Kilo {n:02d}",
            stage="active" if n % 2 else "prospect",
            types=["reseller", "service"] if n % 3 == 0 else ["supplier"],
            tier=gold if n % 5 == 0 else None,
            owner=manager,
            region="Seoul" if n < 10 else "Busan",
        )
        partner.tags.add(cloud)
        partners.append(partner)
    return partners


def test_pages_answer_items_and_count(as_admin, many_partners):
    first = as_admin.get("/partners", {"page_size": 12}).json()
    assert first["count"] == 30
    assert len(first["items"]) == 12
    third = as_admin.get("/partners", {"page_size": 12, "page": 3}).json()
    assert len(third["items"]) == 6
    names = [p["name"] for p in first["items"]]
    assert names == sorted(names)
    second = as_admin.get("/partners", {"page_size": 12, "page": 2}).json()
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}
    beyond = as_admin.get("/partners", {"page_size": 12, "page": 9}).json()
    assert beyond == {"items": [], "count": 30}


def test_default_page_size_is_50(as_admin, many_partners):
    assert len(as_admin.get("/partners").json()["items"]) == 30


@pytest.mark.parametrize(
    "params", [{"page_size": 0}, {"page_size": 201}, {"page": 0}, {"page_size": "many"}]
)
def test_page_bounds_answer_422(as_admin, params):
    response = as_admin.get("/partners", params)
    assert response.status_code == 422
    assert response.json()["field"] == next(iter(params))


def test_page_size_of_200_is_allowed(as_admin, many_partners):
    assert as_admin.get("/partners", {"page_size": 200}).json()["count"] == 30


def test_filters_are_the_partner_list_filters(as_admin, many_partners):
    active = as_admin.get("/partners", {"stage": "active"}).json()
    assert active["count"] == 15
    assert {p["stage"] for p in active["items"]} == {"active"}

    combined = as_admin.get(
        "/partners", {"stage": "active", "type": "reseller", "q": "kilo"}
    ).json()
    expected = {f"Kilo {n:02d}" for n in range(30) if n % 2 and n % 3 == 0}
    assert {p["name"] for p in combined["items"]} == expected
    assert combined["count"] == len(expected)

    several = as_admin.client.get("/api/v1/partners?stage=active&stage=prospect").json()
    assert several["count"] == 30
    gold = as_admin.get("/partners", {"tier": "gold"}).json()
    assert {p["tier"] for p in gold["items"]} == {"gold"}
    assert gold["count"] == 6
    seoul = as_admin.get("/partners", {"region": "seoul", "sort": "-name"}).json()
    assert [p["name"] for p in seoul["items"]] == [f"Kilo {n:02d}" for n in range(9, -1, -1)]
    assert as_admin.get("/partners", {"tag": "cloud"}).json()["count"] == 30


def test_search_finds_a_korean_name_without_its_legal_form(as_admin):
    make_partner(name="(주)한빛소프트")
    make_partner(name="Lima Foods")
    found = as_admin.get("/partners", {"q": "한빛소프트"}).json()
    assert [p["name"] for p in found["items"]] == ["(주)한빛소프트"]


@pytest.mark.parametrize(
    "params",
    [
        {"stage": "legendary"},
        {"type": "wholesaler"},
        {"tier": "diamond"},
        {"country": "ZZ"},
        {"sort": "revenue"},
        {"parent": 999999},
        {"owner": "me"},
    ],
)
def test_invalid_filter_values_answer_422_naming_the_filter(as_admin, many_partners, params):
    response = as_admin.get("/partners", params)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == next(iter(params))
    assert body["detail"]


def test_partner_owned_lists_filter_by_partner(as_admin, populated):
    a = populated["a"]["partner"].pk
    for path in ("/contacts", "/documents", "/interactions"):
        everything = as_admin.get(path).json()
        assert everything["count"] == 2
        only_a = as_admin.get(path, {"partner": a}).json()
        assert only_a["count"] == 1
        assert [item["partner"] for item in only_a["items"]] == [a]


def test_other_list_filters(as_admin, populated):
    assert as_admin.get("/contacts", {"q": "Contact b"}).json()["count"] == 1
    assert as_admin.get("/contacts", {"portal_access": "true"}).json()["count"] == 0
    assert as_admin.get("/documents", {"kind": "other"}).json()["count"] == 2
    assert as_admin.get("/documents", {"kind": "nope"}).status_code == 422
    assert as_admin.get("/interactions", {"kind": "call"}).json()["count"] == 2
    assert as_admin.get("/interactions", {"since": "2999-01-01T00:00:00Z"}).json()["count"] == 0
    assert as_admin.get("/interactions", {"since": "soon"}).status_code == 422


def _queries(api, path: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["items"]) == page_size
    return len(ctx.captured_queries)


def test_partner_list_query_count_does_not_grow_with_page_size(as_admin, many_partners):
    parent = many_partners[0]
    for partner in many_partners[1:]:
        partner.parent = parent
        partner.save()
    _queries(as_admin, "/partners", 1)  # the token's "last used" is written once
    assert _queries(as_admin, "/partners", 2) == _queries(as_admin, "/partners", 25)


def test_contact_list_query_count_does_not_grow_with_page_size(as_admin, many_partners):
    for partner in many_partners:
        Contact.objects.create(partner=partner, name=f"Contact of {partner.name}")
    _queries(as_admin, "/contacts", 1)
    assert _queries(as_admin, "/contacts", 2) == _queries(as_admin, "/contacts", 25)
