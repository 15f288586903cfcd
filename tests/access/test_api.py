"""Every API operation, discovered from the OpenAPI document: partner A's tokens never
read or change partner B's objects, the analyst's token changes nothing, and neither does
a read-only token or no token at all."""

import json

import pytest

from prm.accounts.models import ApiToken
from prm.accounts.roles import Role
from prm.core.access import PartnerPolicy
from prm.partners.models import Partner
from tests.access import openapi, probe, routes, samples
from tests.access.samples import differences

OPERATIONS = routes.api_operations()
COMPONENTS = routes.openapi_components()
FILLABLE = [op for op in OPERATIONS if not op.unmapped]
OBJECT_OPERATIONS = [op for op in FILLABLE if op.object_params]
WRITES = [op for op in FILLABLE if op.is_write]
PORTAL_ROLES = [Role.PARTNER_ADMIN, Role.PARTNER_USER]


def _id(op):
    return str(op)


def call(client, op, url, body=None, headers=None, query=""):
    media_type, _schema = openapi.body_content(op)
    data = body() if body else {}
    if op.method == "get":
        return client.get(url + query, headers=headers)
    if media_type == "multipart/form-data":
        return client.post(url + query, data, headers=headers)
    if media_type is None:
        return client.generic(op.method.upper(), url + query, headers=headers)
    return client.generic(
        op.method.upper(), url + query, json.dumps(data), "application/json", headers=headers
    )


def _items(response) -> list[dict]:
    try:
        payload = response.json()
    except ValueError:
        return []
    return payload.get("items", []) if isinstance(payload, dict) else []


def test_every_api_parameter_is_mapped():
    unmapped = {str(op): op.unmapped for op in OPERATIONS if op.unmapped}
    assert not unmapped, (
        f"{unmapped}: say which model each path parameter names (PARAM_MODELS in "
        "tests/access/routes.py)"
    )


def test_every_api_url_is_in_the_openapi_document():
    """An endpoint left out of the schema would escape the tests below."""
    documented = {op.template for op in OPERATIONS}
    served = routes.api_url_templates()
    assert served <= documented, f"not in the OpenAPI document: {served - documented}"


def test_the_api_is_discovered():
    """The discovery itself: the partner registry's endpoints are among the operations."""
    paths = {op.template for op in OPERATIONS}
    assert {"/api/v1/partners", "/api/v1/partners/{partner_id}"} <= paths


@pytest.mark.parametrize("op", OBJECT_OPERATIONS, ids=_id)
def test_the_mapped_ids_and_bodies_work_for_an_admin(op, world, clients):
    """An admin's identical request succeeds, so a refusal below is the access layer's."""
    url = op.url(routes.distinct_values(op, world.b, world.a))
    body, headers = openapi.body(op, COMPONENTS, world.b), probe.token_headers(world.admin)
    response, _changed = probe.trial(
        world, clients.new(), world.admin, lambda c: call(c, op, url, body, headers)
    )
    # 409: a business rule of the object's own state (a partner with deals is not deleted).
    assert response.status_code < 400 or response.status_code == 409, (
        f"{op} as an admin with {url}: {response.status_code} {response.content[:300]!r}; "
        "map its parameters (tests/access/routes.py) or its body fields "
        "(FIELD_VALUES in tests/access/openapi.py)"
    )


@pytest.mark.parametrize("auth", ["token", "session"])
@pytest.mark.parametrize("role", PORTAL_ROLES)
@pytest.mark.parametrize("op", OBJECT_OPERATIONS, ids=_id)
def test_portal_users_get_404_for_another_partners_objects(op, role, auth, world, clients):
    user = world.portal(role)
    client = clients.new()
    headers = probe.token_headers(user) if auth == "token" else None
    if auth == "session":
        client.force_login(user)
    body = openapi.body(op, COMPONENTS, world.b)
    for values, missing_values in routes.fillings(op, world.a, world.b):
        url = op.url(values)
        before = world.state()
        response = call(client, op, url, body, headers)
        where = f"{op.method.upper()} {url} as {role} of A ({auth})"
        if response.status_code != 404:
            missing = call(client, op, op.url(missing_values), body, headers)
            assert probe.hidden(response, missing), (
                f"{where}: {response.status_code}, but {missing.status_code} for an id that "
                "does not exist"
            )
        assert not probe.leaks(probe.body(response), world.b), where
        after = world.state()
        assert after == before, f"{where} changed {differences(before, after)}"


@pytest.mark.parametrize("role", PORTAL_ROLES)
@pytest.mark.parametrize("op", FILLABLE, ids=_id)
def test_portal_users_own_requests_never_reach_another_partner(op, role, world, clients):
    """With A's own ids, and B named in the query and the body: lists hold only A's rows,
    nothing of B shows, nothing of B changes."""
    user = world.portal(role)
    client = clients.new()
    headers = probe.token_headers(user)
    url = op.url(routes.own_values(op, world.a))
    b = world.b.partner.pk
    attack = f"?partner={b}&parent={b}&partner_id={b}&q=Bravo&page_size=200"
    body = openapi.body(op, COMPONENTS, world.b)
    before = world.b.rows()
    for query in ("?page_size=200", attack):
        response = call(client, op, url, body, headers, query)
        where = f"{op.method.upper()} {url}{query} as {role} of A"
        assert not probe.leaks(probe.body(response), world.b), where
        if op.method == "get" and response.status_code == 200:
            for item in _items(response):
                assert _partner_of(op, item) == world.a.partner.pk, f"{where}: {item}"
    after = world.b.rows()
    assert after == before, f"{op} as {role} of A changed B's {differences(before, after)}"


def _partner_of(op, item: dict):
    model = openapi.resource_model(op)
    if model is Partner:
        return item.get("id")
    partner = item.get("partner")
    if isinstance(partner, dict):
        return partner.get("id")
    if partner is None and not isinstance(samples.policy(model), PartnerPolicy):
        return None
    return partner


@pytest.mark.parametrize("op", WRITES, ids=_id)
def test_the_analyst_is_refused_every_write(op, world, clients):
    url = op.url(routes.distinct_values(op, world.b, world.a))
    body = openapi.body(op, COMPONENTS, world.b)
    client = clients.new()
    headers = probe.token_headers(world.analyst)
    before = world.state()
    response = call(client, op, url, body, headers)
    after = world.state()
    assert response.status_code in {403, 404, 405}, (
        f"{op} as the analyst: {response.status_code} {response.content[:300]!r}"
    )
    assert after == before, f"{op} as the analyst changed {differences(before, after)}"
    admin_headers = probe.token_headers(world.admin)
    admin, effective = probe.trial(
        world, clients.new(), world.admin, lambda c: call(c, op, url, body, admin_headers)
    )
    assert effective or admin.status_code == 409, (
        f"{op}: an admin's identical request changed nothing either: {admin.status_code} "
        f"{admin.content[:300]!r}"
    )


@pytest.mark.parametrize("op", WRITES, ids=_id)
def test_partner_managers_change_nothing_of_partners_they_do_not_own(op, world, clients):
    url = op.url(routes.distinct_values(op, world.b, world.a))
    body = openapi.body(op, COMPONENTS, world.b)
    headers = probe.token_headers(world.manager)
    before = world.b.rows()
    response = call(clients.new(), op, url, body, headers)
    after = world.b.rows()
    if op.object_params or "partner" in body():
        # It names B's objects or B itself (a create without a partner, such as a new
        # partner, is the manager's own business).
        assert response.status_code in {403, 404}, f"{op} as A's manager: {response.status_code}"
    assert after == before, f"{op} as A's manager changed {differences(before, after)}"


@pytest.mark.parametrize("op", WRITES, ids=_id)
def test_read_only_tokens_and_anonymous_requests_change_nothing(op, world, clients):
    url = op.url(routes.distinct_values(op, world.b, world.a))
    body = openapi.body(op, COMPONENTS, world.b)
    read_only = probe.token_headers(world.admin, ApiToken.Scope.READ)
    before = world.state()
    assert call(clients.new(), op, url, body, read_only).status_code == 403
    assert call(clients.new(), op, url, body).status_code == 401
    after = world.state()
    assert after == before, f"{op} changed {differences(before, after)}"


@pytest.mark.parametrize("op", [op for op in FILLABLE if op.method == "get"], ids=_id)
def test_anonymous_requests_read_nothing(op, world, clients):
    response = call(clients.new(), op, op.url(routes.own_values(op, world.b)))
    assert response.status_code == 401
    assert not probe.leaks(probe.body(response), world.b)
