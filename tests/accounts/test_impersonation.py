"""'View as partner': staff see the portal as one portal user, read-only and audited."""

from django.urls import reverse

from prm.audit.models import AuditAction, AuditEntry
from prm.core import access
from tests.conftest import login


def start(client, target):
    return client.post(reverse("accounts:impersonate_start", args=[target.pk]))


def impersonation_entries(user):
    return access.unrestricted(AuditEntry).filter(
        action=AuditAction.IMPERSONATE, object_id=str(user.pk)
    )


def test_a_manager_views_the_portal_as_a_partner_user(client, manager, portal_user_a, populated):
    login(client, manager)
    response = start(client, portal_user_a)
    assert response["Location"] == reverse("portal:home")

    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="impersonation-banner"' in html
    assert f"you are viewing the portal as {portal_user_a.email}" in html
    assert "Alpha Systems" in html

    html = client.get(reverse("portal:contacts")).content.decode()
    assert "Contact a" in html
    assert "Contact b" not in html
    other = populated["b"]["contact"]
    assert client.get(reverse("portal:contact_edit", args=[other.pk])).status_code == 404


def test_viewing_as_a_partner_is_read_only(client, manager, portal_admin_a, partner_a):
    login(client, manager)
    start(client, portal_admin_a)
    response = client.post(reverse("portal:contact_add"), {"name": "Should not exist"}, follow=True)
    assert "Viewing as a partner is read-only." in response.content.decode()
    assert not partner_a.contacts.filter(name="Should not exist").exists()


def test_stopping_returns_to_the_back_office_and_both_ends_are_audited(
    client, manager, portal_user_a, partner_a
):
    login(client, manager)
    start(client, portal_user_a)
    assert client.get(reverse("portal:home")).status_code == 200

    response = client.post(reverse("accounts:impersonate_stop"))
    assert response["Location"] == reverse("partners:detail", args=[partner_a.pk])
    # Staff again: the portal is not theirs.
    assert client.get(reverse("portal:home")).status_code == 404

    entries = impersonation_entries(portal_user_a).order_by("id")
    assert [e.note for e in entries] == [
        f"started by {manager.email}",
        f"ended by {manager.email}",
    ]
    started, ended = entries
    assert started.actor_id == manager.pk
    # The end is recorded while still viewing as the partner user, naming who viewed.
    assert (ended.actor_id, ended.impersonator_id) == (portal_user_a.pk, manager.pk)


def test_an_analyst_cannot_view_as_a_partner(client, analyst, portal_user_a):
    login(client, analyst)
    response = start(client, portal_user_a)
    assert response["Location"] == reverse("home")
    assert client.get(reverse("portal:home")).status_code == 404
    assert not impersonation_entries(portal_user_a).exists()


def test_a_portal_user_cannot_view_as_another(client, portal_admin_a, portal_user_a):
    login(client, portal_admin_a)
    start(client, portal_user_a)
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="impersonation-banner"' not in html
    assert not impersonation_entries(portal_user_a).exists()


def test_staff_cannot_be_viewed_as(client, admin_user, manager):
    login(client, admin_user)
    response = start(client, manager)
    assert response.status_code == 404
    assert not impersonation_entries(manager).exists()


def test_starting_needs_a_post(client, manager, portal_user_a):
    login(client, manager)
    response = client.get(reverse("accounts:impersonate_start", args=[portal_user_a.pk]))
    assert response.status_code == 405
