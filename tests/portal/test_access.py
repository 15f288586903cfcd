"""Who gets into the portal, and that a partner only ever reaches its own objects."""

import pytest
from django.urls import reverse

from prm.accounts.roles import Role
from tests.conftest import login, make_user

PAGES = ["home", "profile", "contacts", "users", "documents"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_login(client, db, page):
    response = client.get(reverse(f"portal:{page}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST])
@pytest.mark.parametrize("page", PAGES)
def test_staff_get_404_in_the_portal(client, db, role, page):
    login(client, make_user(role))
    assert client.get(reverse(f"portal:{page}")).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_both_portal_roles_see_every_page(client, portal_admin_a, portal_user_a, page):
    for user in (portal_admin_a, portal_user_a):
        login(client, user)
        response = client.get(reverse(f"portal:{page}"))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="prm-portal"' in html
        assert "Alpha Systems" in html


def test_the_portal_nav_has_every_section(client, portal_user_a):
    login(client, portal_user_a)
    html = client.get(reverse("portal:home")).content.decode()
    for name in (*PAGES, "tokens"):
        url = reverse("accounts:tokens") if name == "tokens" else reverse(f"portal:{name}")
        assert f'href="{url}"' in html


def other_partner_routes(populated, portal_admin_b):
    contact, document = populated["b"]["contact"], populated["b"]["document"]
    return [
        ("get", reverse("portal:contact_edit", args=[contact.pk])),
        ("post", reverse("portal:contact_edit", args=[contact.pk])),
        ("get", reverse("portal:contact_delete", args=[contact.pk])),
        ("post", reverse("portal:contact_delete", args=[contact.pk])),
        ("get", reverse("portal:document_download", args=[document.pk])),
        ("post", reverse("portal:user_resend", args=[portal_admin_b.pk])),
        ("post", reverse("portal:user_deactivate", args=[portal_admin_b.pk])),
        ("post", reverse("portal:user_reactivate", args=[portal_admin_b.pk])),
        ("get", reverse("portal:user_remove", args=[portal_admin_b.pk])),
        ("post", reverse("portal:user_remove", args=[portal_admin_b.pk])),
    ]


def test_another_partners_ids_answer_404(client, populated, portal_admin_a, portal_admin_b):
    login(client, portal_admin_a)
    for method, url in other_partner_routes(populated, portal_admin_b):
        response = getattr(client, method)(url, {"name": "Taken over"})
        assert response.status_code == 404, (method, url)
    contact = populated["b"]["contact"]
    contact.refresh_from_db()
    assert contact.name == "Contact b"
    portal_admin_b.refresh_from_db()
    assert portal_admin_b.is_active


def test_missing_ids_answer_404(client, portal_admin_a):
    login(client, portal_admin_a)
    assert client.get(reverse("portal:contact_edit", args=[999999])).status_code == 404
    assert client.get(reverse("portal:document_download", args=[999999])).status_code == 404
