"""Logging in and out, the lock-out after repeated failures, and changing a password."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from prm.accounts.roles import Role
from tests.conftest import login, make_user

PASSWORD = "correct horse battery"


def post_login(client, email, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_the_login_page_offers_password_reset_and_the_language_switch(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'type="email"' in html
    assert reverse("accounts:password_reset") in html
    assert 'data-testid="language-switch"' in html


def test_the_login_page_is_korean_for_a_korean_browser(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "ko"})
    assert '<html lang="ko">' in response.content.decode()


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.ADMIN, "/"),
        (Role.PARTNER_MANAGER, "/"),
        (Role.ANALYST, "/"),
        (Role.PARTNER_ADMIN, "/portal/"),
        (Role.PARTNER_USER, "/portal/"),
    ],
)
def test_after_login_staff_go_to_the_back_office_and_partners_to_the_portal(
    client, partner_a, role, landing
):
    user = make_user(role, partner_a if role in {Role.PARTNER_ADMIN, Role.PARTNER_USER} else None)
    response = post_login(client, user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:after_login")
    assert client.session[SESSION_KEY] == str(user.pk)
    response = client.get(response["Location"])
    assert response["Location"] == landing


def test_a_wrong_password_is_refused_with_a_message(client, manager):
    response = post_login(client, manager.email, "wrong password")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "The e-mail address or the password is not right." in response.content.decode()


def test_an_inactive_user_cannot_log_in(client, manager):
    manager.is_active = False
    manager.save()
    post_login(client, manager.email)
    assert SESSION_KEY not in client.session


def test_five_failed_logins_lock_the_account_out_with_a_clear_page(client, manager):
    for _attempt in range(4):
        assert post_login(client, manager.email, "wrong").status_code == 200
    response = post_login(client, manager.email, "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed log-ins" in html
    assert f"The account {manager.email} has been locked after 5 failed log-ins" in html
    assert "Please wait 15 minutes before you try again." in html
    # Even the right password is refused while the lock holds.
    response = post_login(client, manager.email, PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_lock_out_is_per_account(client, manager, analyst):
    for _attempt in range(5):
        post_login(client, manager.email, "wrong")
    response = post_login(client, analyst.email)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(analyst.pk)


def test_logout_needs_a_post(client, manager):
    login(client, manager)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert SESSION_KEY not in client.session


def test_staff_change_their_password_in_the_back_office_layout(client, manager):
    login(client, manager)
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 200
    assert "prm-portal" not in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a whole new secret 42",
            "new_password2": "a whole new secret 42",
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    manager.refresh_from_db()
    assert manager.check_password("a whole new secret 42")
    assert "Password changed" in client.get(response["Location"]).content.decode()


def test_portal_users_change_their_password_in_the_portal_layout(client, portal_user_a):
    login(client, portal_user_a)
    response = client.get(reverse("accounts:password_change"))
    html = response.content.decode()
    assert 'class="prm-portal"' in html
    assert reverse("portal:contacts") in html


def test_a_wrong_old_password_changes_nothing(client, manager):
    login(client, manager)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "not it",
            "new_password1": "a whole new secret 42",
            "new_password2": "a whole new secret 42",
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)
