"""The audit log page: every change, searchable, with each field's before and after."""

import re

import pytest
from django.urls import reverse

from prm.audit.context import Channel, acting
from prm.partners import services
from tests.conftest import login, make_partner


def _rows(response) -> str:
    return response.content.decode().split('data-testid="audit-entries"', 1)[1]


def test_the_log_lists_a_change_with_before_and_after(client, admin_user, manager, partner_a):
    with acting(manager, Channel.UI):
        services.partner_update(actor=manager, partner=partner_a, data={"region": "부산"})
    login(client, admin_user)
    rows = _rows(client.get(reverse("audit:list"), {"q": "Alpha Systems", "action": "update"}))
    assert manager.email in rows
    assert "Web" in rows  # the channel
    assert re.search(r"Region</dt>.*data-role=\"before\">—<.*data-role=\"after\">부산<", rows, re.S)


def test_related_objects_and_choices_are_shown_by_name(client, admin_user, manager, tiers):
    partner = make_partner(name="Tiered", owner=manager)
    with acting(admin_user, Channel.UI):
        services.partner_update(
            actor=admin_user, partner=partner, data={"tier": tiers["gold"], "country": "JP"}
        )
    login(client, admin_user)
    rows = _rows(client.get(reverse("audit:list"), {"q": "Tiered", "action": "update"}))
    assert 'data-role="after">Gold<' in rows
    assert 'data-role="before">South Korea<' in rows and 'data-role="after">Japan<' in rows


def test_filters_narrow_the_log(client, admin_user, manager, partner_a, partner_b):
    with acting(manager, Channel.CLI):
        services.partner_update(actor=manager, partner=partner_a, data={"industry": "IT"})
    login(client, admin_user)
    url = reverse("audit:list")

    by_channel = _rows(client.get(url, {"channel": "cli"}))
    assert "Alpha Systems" in by_channel and "Bravo Logistics" not in by_channel

    by_partner = _rows(client.get(url, {"partner": partner_b.pk}))
    assert "Bravo Logistics" in by_partner and "Alpha Systems" not in by_partner

    by_actor = _rows(client.get(url, {"actor": manager.email.split("@")[0]}))
    assert "Alpha Systems" in by_actor and "Bravo Logistics" not in by_actor

    nothing = client.get(url, {"since": "2999-01-01"})
    assert "Nothing recorded." in nothing.content.decode()


def test_a_bad_filter_value_is_shown_not_a_crash(client, admin_user):
    login(client, admin_user)
    response = client.get(reverse("audit:list"), {"since": "yesterday", "partner": "x"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


@pytest.mark.parametrize("role_fixture", ["analyst", "manager"])
def test_staff_read_the_log(client, request, role_fixture, partner_a):
    login(client, request.getfixturevalue(role_fixture))
    assert client.get(reverse("audit:list")).status_code == 200


def test_portal_users_do_not_find_the_log(client, portal_admin_a):
    login(client, portal_admin_a)
    assert client.get(reverse("audit:list")).status_code == 404


def test_creations_show_new_values_and_deletions_the_old_ones(
    client, admin_user, manager, populated
):
    contact = populated["a"]["contact"]
    with acting(manager, Channel.UI):
        services.contact_delete(actor=manager, contact=contact)
    login(client, admin_user)
    deleted = _rows(client.get(reverse("audit:list"), {"q": "Contact a", "action": "delete"}))
    assert 'data-role="before">c@a.kr<' in deleted and 'data-role="after"' not in deleted
    created = _rows(client.get(reverse("audit:list"), {"q": "Contact a", "action": "create"}))
    assert 'data-role="after">Alpha Systems<' in created  # the partner, by name
    assert 'data-role="before"' not in created


def test_a_changed_password_is_listed_but_never_shown(client, admin_user, manager):
    manager.set_password("another horse battery")
    manager.save()
    login(client, admin_user)
    rows = _rows(client.get(reverse("audit:list"), {"q": manager.email, "action": "update"}))
    assert "Password" in rows
    assert "another horse" not in rows and "argon2" not in rows
