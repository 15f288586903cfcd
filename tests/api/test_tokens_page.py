"""The API tokens page (accounts:tokens): own tokens only, shown once, revocable."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from prm.accounts import services as account_services
from prm.accounts.models import ApiToken
from prm.core import access
from tests.conftest import login

pytestmark = pytest.mark.django_db

URL = "/accounts/tokens/"


def tokens_of(user):
    return access.unrestricted(ApiToken).filter(user=user)


def test_url_name():
    assert reverse("accounts:tokens") == URL


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_page_lists_only_the_users_own_tokens(client, manager, admin_user):
    account_services.token_create(actor=manager, user=manager, name="Nightly export")
    account_services.token_create(actor=admin_user, user=admin_user, name="Admin's script")
    login(client, manager)
    html = client.get(URL).content.decode()
    assert "Nightly export" in html
    assert "Admin&#x27;s script" not in html and "Admin's script" not in html


def test_admin_sees_only_their_own_tokens_here_too(client, manager, admin_user):
    account_services.token_create(actor=manager, user=manager, name="Nightly export")
    login(client, admin_user)
    assert "Nightly export" not in client.get(URL).content.decode()


def test_creating_shows_the_token_once_and_it_works(client, manager, partner_a):
    login(client, manager)
    response = client.post(URL, {"name": "CRM bridge", "scope": "read", "days": "30"})
    assert response.status_code == 200
    html = response.content.decode()
    raw = re.search(r'value="(prm_[^"]+)"', html).group(1)
    token = tokens_of(manager).get()
    assert token.name == "CRM bridge"
    assert token.scope == "read"
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    assert raw.startswith(token.prefix)
    assert raw not in client.get(URL).content.decode()

    api = Client(headers={"authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/partners").json()["count"] == 1
    # Read scope: no writes.
    assert api.delete(f"/api/v1/partners/{partner_a.pk}").status_code == 403


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x", "scope": "admin", "days": "30"},
        {"name": "x", "scope": "read", "days": "0"},
        {"name": "x", "scope": "read", "days": "99999"},
        {"name": "x", "scope": "read", "days": "soon"},
        {"name": "n" * 101, "scope": "read", "days": "30"},
    ],
)
def test_bad_input_shows_errors_and_creates_nothing(client, manager, data):
    login(client, manager)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not tokens_of(manager).exists()


def test_revoking_stops_the_token(client, manager, partner_a):
    token, raw = account_services.token_create(actor=manager, user=manager)
    login(client, manager)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert tokens_of(manager).get().revoked_at is not None
    html = client.get(URL).content.decode()
    assert "Revoked" in html
    api = Client(headers={"authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/partners").status_code == 401


def test_another_users_token_cannot_be_revoked(client, manager, admin_user):
    token, _raw = account_services.token_create(actor=admin_user, user=admin_user)
    login(client, manager)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    # Not even an admin revokes someone else's token from their own token page (admins
    # may see every token, so they are told "forbidden" rather than "not found").
    other, _raw = account_services.token_create(actor=manager, user=manager)
    login(client, admin_user)
    assert client.post(reverse("accounts:token_revoke", args=[other.pk])).status_code == 403
    assert all(t.revoked_at is None for t in access.unrestricted(ApiToken))


def test_revoking_needs_post(client, manager):
    token, _raw = account_services.token_create(actor=manager, user=manager)
    login(client, manager)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    assert tokens_of(manager).get().revoked_at is None


def test_analyst_sees_tokens_but_cannot_create_or_revoke(client, analyst):
    token, _raw = account_services.token_create(actor=None, user=analyst, scope="read")
    login(client, analyst)
    html = client.get(URL).content.decode()
    assert token.prefix in html
    assert "Create token" not in html
    assert client.post(URL, {"name": "x", "scope": "read", "days": "30"}).status_code == 403
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 403
    assert tokens_of(analyst).count() == 1
    assert tokens_of(analyst).get().revoked_at is None


def test_portal_user_manages_own_tokens(client, portal_user_a, portal_admin_a):
    account_services.token_create(actor=portal_admin_a, user=portal_admin_a, name="Admin token")
    login(client, portal_user_a)
    response = client.post(URL, {"name": "Portal sync", "scope": "write", "days": "7"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Portal sync" in html
    assert "Admin token" not in html
    assert tokens_of(portal_user_a).count() == 1


def test_staff_menu_links_to_the_page(client, manager):
    login(client, manager)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
