"""Exports and searches go through the access layer too: a portal user's export holds only
its own partner's rows, and searching for another partner finds nothing."""

import csv
import io

import openpyxl
import pytest
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse

from prm.accounts.roles import Role
from prm.imports import registry
from prm.partners import selectors
from tests.access import probe, routes
from tests.access.samples import Side

ENTITIES = registry.names()
PORTAL_ROLES = [Role.PARTNER_ADMIN, Role.PARTNER_USER]
SEARCHES = [
    op
    for op in routes.api_operations()
    if op.method == "get"
    and not op.params
    and "q" in {p["name"] for p in (op.operation or {}).get("parameters", [])}
]


def _cells(response, fmt: str) -> str:
    """Every cell of an exported file, as one lower-case text."""
    content = probe.body(response)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    else:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return "\n".join(" ".join(str(c) for c in row if c is not None) for row in rows).lower()


def _mentions(text: str, side: Side) -> bool:
    return any(token in text for token in probe.leak_tokens(side))


def _export_url(entity: str) -> str:
    try:
        return reverse("imports:export", args=[entity])
    except NoReverseMatch:
        pytest.skip("no export URL")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", PORTAL_ROLES)
@pytest.mark.parametrize("entity", ENTITIES)
def test_a_portal_users_export_holds_only_its_own_rows(entity, role, fmt, world, clients):
    client = clients.new()
    client.force_login(world.portal(role))
    b = world.b.partner.pk
    url = _export_url(entity)
    for query in (f"?format={fmt}", f"?format={fmt}&partner={b}&q=Bravo&parent={b}"):
        response = client.get(url + query)
        if response.status_code in {403, 404}:
            continue  # this role may not export this entity at all
        assert response.status_code in {200, 400}, f"{url}{query}: {response.status_code}"
        if response.status_code == 400:
            assert not probe.leaks(probe.body(response), world.b)
            continue
        text = _cells(response, fmt)
        assert not _mentions(text, world.b), f"{url}{query} as {role} of A holds B's rows"
        if query == f"?format={fmt}":
            assert _mentions(text, world.a), f"{url}{query} as {role} of A lacks A's own rows"


@pytest.mark.parametrize("entity", ENTITIES)
def test_staff_exports_hold_every_partners_rows(entity, world, clients):
    """The other half: the same export for the analyst has B's rows, so their absence above
    is the access layer's doing."""
    client = clients.new()
    client.force_login(world.analyst)
    response = client.get(_export_url(entity) + "?format=csv")
    assert response.status_code == 200
    text = _cells(response, "csv")
    assert _mentions(text, world.a)
    assert _mentions(text, world.b)


@pytest.mark.parametrize("role", PORTAL_ROLES)
def test_searching_for_another_partner_finds_nothing(role, world):
    user = world.portal(role)
    for term in (world.b.partner.name, "Bravo", world.b.partner.registration_number):
        _filter, found = selectors.partner_list(user=user, params=QueryDict(f"q={term}"))
        assert not found.exists(), term
    _filter, found = selectors.partner_list(user=user, params=QueryDict("q=Alpha"))
    assert list(found) == [world.a.partner]
    _filter, found = selectors.partner_list(user=world.analyst, params=QueryDict("q=Bravo"))
    assert list(found) == [world.b.partner]


@pytest.mark.parametrize("role", PORTAL_ROLES)
@pytest.mark.parametrize("op", SEARCHES, ids=str)
def test_api_searches_for_another_partner_find_nothing(op, role, world, clients):
    terms = [world.b.partner.name, world.b.marker]
    analyst, portal = probe.token_headers(world.analyst), probe.token_headers(world.portal(role))
    client = clients.new()
    found_by_staff = 0
    for term in terms:
        response = client.get(op.template, {"q": term}, headers=portal)
        if response.status_code == 200:
            assert response.json()["count"] == 0, f"{op}?q={term} as {role} of A"
            assert not probe.leaks(probe.body(response), world.b)
        staff = client.get(op.template, {"q": term}, headers=analyst)
        if staff.status_code == 200:
            found_by_staff += staff.json()["count"]
    assert found_by_staff, f"{op}: the analyst's search finds none of B's rows either"
