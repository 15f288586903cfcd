"""Every page, discovered from the URL resolver: partner A's users never see or change
partner B's objects, and the analyst changes nothing."""

import pytest
from django.urls import reverse

from prm.accounts.roles import Role
from tests.access import probe, routes
from tests.access.probe import HTML_METHODS, WRITE_METHODS, Browser
from tests.access.samples import differences

ROUTES = routes.html_routes()
FILLABLE = [r for r in ROUTES if not r.unmapped]
OBJECT_ROUTES = [r for r in FILLABLE if r.object_params]
PORTAL_ROLES = [Role.PARTNER_ADMIN, Role.PARTNER_USER]
REFUSED = {403, 404, 405}
# Write routes that refuse the analyst by redirecting with an error message instead of
# answering 403, each with the reason (nothing changes either way).
REFUSED_WITH_A_MESSAGE = {
    "accounts:impersonate_start": "'view as' is started from a button; the refusal is "
    "shown as a message on the page the button was on",
}


def _control_user(route, world):
    """Who may open the route with B's objects: B's own portal admin, or an admin."""
    return world.b.portal_admin if route.is_portal else world.admin


def _forms(clients, user, url, world):
    """The forms that send data to ``url``, as ``user`` sees them."""
    if (user.pk, url) not in world.forms:
        client = clients.new()
        client.force_login(user)
        world.forms[user.pk, url] = probe.find_forms(client, url)
    return world.forms[user.pk, url]


def test_every_route_parameter_is_mapped():
    unmapped = {r.name: r.unmapped for r in ROUTES if r.unmapped}
    assert not unmapped, (
        f"{unmapped}: say which model each parameter names (PARAM_MODELS) or which values "
        "to try (PARAM_VALUES) in tests/access/routes.py"
    )


@pytest.mark.parametrize("role", PORTAL_ROLES)
@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=str)
def test_portal_users_get_404_for_another_partners_objects(route, role, world, clients):
    # The owner of B's objects reaches the route with their ids, so a 404 for A means A
    # was refused, not that the route was filled wrongly.
    owner = _control_user(route, world)
    control_url = route.url(routes.distinct_values(route, world.b, world.a))
    control = clients.new()
    control.force_login(owner)
    page = control.get(control_url)
    assert page.status_code != 404, (
        f"{route} answers 404 to {owner.role} for {control_url}: map its parameters in "
        "PARAM_MODELS (tests/access/routes.py), or make the sample one its owner may open "
        "(FACTORIES in tests/<app>/access_samples.py)"
    )
    browser = Browser(clients.new(), world.portal(role))
    for values, missing_values in routes.fillings(route, world.a, world.b):
        url, missing_url = route.url(values), route.url(missing_values)
        payload = probe.form_payload(
            _forms(clients, owner, url, world), routes.target(route, world.b), None
        )
        before = world.state()
        for method in HTML_METHODS:
            for htmx in (False, True):
                response = browser.send(method, url, payload(), htmx=htmx)
                where = f"{method.upper()} {url} (htmx={htmx}) as {role} of A"
                if response.status_code not in {404, 405}:
                    missing = browser.send(method, missing_url, payload(), htmx=htmx)
                    assert probe.hidden(response, missing), (
                        f"{where}: {probe.answer(response)}, but {probe.answer(missing)} for "
                        "an id that does not exist"
                    )
                assert not probe.leaks(probe.body(response), world.b), where
        after = world.state()
        assert after == before, f"{url} as {role} of A changed {differences(before, after)}"


@pytest.mark.parametrize("role", PORTAL_ROLES)
@pytest.mark.parametrize("route", FILLABLE, ids=str)
def test_portal_users_pages_show_and_change_nothing_of_another_partner(route, role, world, clients):
    """A's users on every page, with A's own objects, even when the query string or the
    form names partner B: nothing of B shows and nothing of B changes."""
    user = world.portal(role)
    url = route.url(routes.own_values(route, world.a))
    payload = probe.form_payload(
        _forms(clients, user, url, world), routes.target(route, world.a), world.b.partner.pk
    )
    browser = Browser(clients.new(), user)
    b = world.b.partner.pk
    attack = f"?q=Bravo&partner={b}&partner_id={b}&parent={b}&page_size=200"
    before = world.b.rows()
    for method in HTML_METHODS:
        for query in ("", attack) if method in {"get", "post"} else ("",):
            for htmx in (False, True):
                response = browser.send(method, url + query, payload(), htmx=htmx)
                where = f"{method.upper()} {url}{query} (htmx={htmx}) as {role} of A"
                assert not probe.leaks(probe.body(response), world.b), where
    after = world.b.rows()
    assert after == before, f"{url} as {role} of A changed B's {differences(before, after)}"


@pytest.mark.parametrize("route", FILLABLE, ids=str)
def test_the_analyst_changes_nothing(route, world, clients):
    """Every form and action of every page, sent by the analyst, with B's objects: nothing
    changes. Where the same request changes data for an admin (a write route), the analyst
    is refused: 403, 404 or 405 (or see REFUSED_WITH_A_MESSAGE)."""
    url = route.url(routes.distinct_values(route, world.b, world.a))
    payload = probe.form_payload(
        _forms(clients, world.admin, url, world), routes.target(route, world.b), None
    )
    browser = Browser(clients.new(), world.analyst)
    before = world.state()
    answers = {
        (method, htmx): browser.send(method, url, payload(), htmx=htmx)
        for method in WRITE_METHODS
        for htmx in (False, True)
    }
    after = world.state()
    assert after == before, f"{url} as the analyst changed {differences(before, after)}"
    for method in WRITE_METHODS:
        _admin, effective = probe.trial(
            world, clients.new(), world.admin, lambda c, m=method: probe.send(c, m, url, payload())
        )
        for htmx in (False, True):
            status = answers[method, htmx].status_code
            assert status < 500
            refusals = REFUSED | ({302} if route.name in REFUSED_WITH_A_MESSAGE else set())
            assert not effective or status in refusals, (
                f"{method.upper()} {url}: the analyst got {status} for a write an admin may make"
            )


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=str)
def test_partner_managers_change_nothing_of_partners_they_do_not_own(route, world, clients):
    url = route.url(routes.distinct_values(route, world.b, world.a))
    payload = probe.form_payload(
        _forms(clients, world.admin, url, world), routes.target(route, world.b), None
    )
    browser = Browser(clients.new(), world.manager)
    before = world.b.rows()
    for method in WRITE_METHODS:
        assert browser.send(method, url, payload()).status_code < 500
    after = world.b.rows()
    assert after == before, f"{url} as the manager of A only changed {differences(before, after)}"


@pytest.mark.parametrize("role", [Role.PARTNER_ADMIN, Role.PARTNER_USER, Role.ANALYST])
def test_only_admins_enter_django_admin(role, world, clients):
    user = world.portal(role) if role != Role.ANALYST else world.analyst
    client = clients.new()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 200


PORTAL_ROUTES = [r for r in FILLABLE if r.is_portal]


@pytest.mark.parametrize("route", PORTAL_ROUTES, ids=str)
def test_staff_viewing_as_a_partner_see_only_it_and_change_nothing(route, world, clients):
    """'View as partner' shows the portal exactly as A's user sees it, read-only."""
    client = clients.new()
    client.force_login(world.admin)
    start = reverse("accounts:impersonate_start", args=[world.a.portal_admin.pk])
    assert client.post(start).status_code == 302
    own_url = route.url(routes.own_values(route, world.a))
    before = world.state()
    for method in WRITE_METHODS:
        response = probe.send(client, method, own_url, {"name": "Changed", "confirm": "yes"})
        assert response.status_code < 500
    after = world.state()
    assert after == before, f"{own_url} viewed as A changed {differences(before, after)}"
    for values, _missing in routes.fillings(route, world.a, world.b) if route.object_params else []:
        response = client.get(route.url(values))
        assert response.status_code in {404, 405}, f"{route.url(values)} viewed as A"
    response = client.get(own_url)
    assert not probe.leaks(probe.body(response), world.b)
