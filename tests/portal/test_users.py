"""A partner admin invites, re-invites, deactivates and removes the company's users."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from prm.accounts.models import User
from prm.accounts.roles import Role
from tests.conftest import login

PASSWORD = "our portal secret 2024"


@pytest.fixture
def invite(client, portal_admin_a, django_capture_on_commit_callbacks):
    def send(**fields):
        data = {"email": "new.user@alpha.kr", "first_name": "Jiwoo", "role": Role.PARTNER_USER}
        data.update(fields)
        login(client, portal_admin_a)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("portal:user_invite"), data)

    return send


def invitation_link(message) -> str:
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_an_invitation_creates_the_user_and_emails_a_set_password_link(
    client, invite, partner_a, portal_admin_a
):
    response = invite()
    assert response["Location"] == reverse("portal:users")
    user = User.objects.get(email="new.user@alpha.kr")
    assert (user.role, user.partner_id, user.has_usable_password()) == (
        Role.PARTNER_USER,
        partner_a.pk,
        False,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.user@alpha.kr"]
    assert message.subject == "You are invited to the Alpha Systems partner portal"
    assert portal_admin_a.email in message.body

    html = client.get(reverse("portal:users")).content.decode()
    assert "new.user@alpha.kr" in html and "Invited" in html


def test_the_invitation_link_activates_the_account(client, invite):
    invite()
    client.logout()
    form_url = client.get(invitation_link(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")

    response = client.post(
        reverse("accounts:login"), {"username": "new.user@alpha.kr", "password": PASSWORD}
    )
    user = User.objects.get(email="new.user@alpha.kr")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get(reverse("accounts:after_login"))["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_an_existing_email_is_refused_and_nothing_is_sent(invite, portal_user_a):
    response = invite(email=portal_user_a.email.upper())
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["email"][0]
    assert mail.outbox == []


def test_only_portal_roles_can_be_invited(invite):
    response = invite(role=Role.ADMIN)
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert not User.objects.filter(email="new.user@alpha.kr").exists()


def test_a_partner_user_cannot_invite(client, portal_user_a, django_capture_on_commit_callbacks):
    login(client, portal_user_a)
    assert "invite-user" not in client.get(reverse("portal:users")).content.decode()
    assert client.get(reverse("portal:user_invite")).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:user_invite"), {"email": "x@alpha.kr", "role": Role.PARTNER_USER}
        )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@alpha.kr").exists()
    assert mail.outbox == []


def test_a_pending_invitation_is_sent_again_with_a_working_link(
    client, invite, django_capture_on_commit_callbacks
):
    invite()
    user = User.objects.get(email="new.user@alpha.kr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:user_resend", args=[user.pk]), follow=True)
    assert "The invitation has been sent again" in response.content.decode()
    assert len(mail.outbox) == 2
    assert client.get(invitation_link(mail.outbox[1])).status_code == 302


def test_an_accepted_invitation_is_not_sent_again(
    client, portal_admin_a, portal_user_a, django_capture_on_commit_callbacks
):
    login(client, portal_admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:user_resend", args=[portal_user_a.pk]), follow=True)
    assert "has already accepted the invitation" in response.content.decode()
    assert mail.outbox == []


def test_a_partner_admin_deactivates_reactivates_and_removes_a_user(
    client, portal_admin_a, portal_user_a
):
    login(client, portal_admin_a)
    client.post(reverse("portal:user_deactivate", args=[portal_user_a.pk]))
    portal_user_a.refresh_from_db()
    assert not portal_user_a.is_active
    assert "Deactivated" in client.get(reverse("portal:users")).content.decode()

    client.post(reverse("portal:user_reactivate", args=[portal_user_a.pk]))
    portal_user_a.refresh_from_db()
    assert portal_user_a.is_active

    assert client.get(reverse("portal:user_remove", args=[portal_user_a.pk])).status_code == 200
    client.post(reverse("portal:user_remove", args=[portal_user_a.pk]))
    assert not User.objects.filter(pk=portal_user_a.pk).exists()


def test_a_deactivated_user_can_no_longer_log_in(client, portal_admin_a, portal_user_a):
    login(client, portal_admin_a)
    client.post(reverse("portal:user_deactivate", args=[portal_user_a.pk]))
    client.logout()
    client.post(
        reverse("accounts:login"),
        {"username": portal_user_a.email, "password": "correct horse battery"},
    )
    assert SESSION_KEY not in client.session


def test_a_partner_admin_cannot_deactivate_or_remove_themselves(client, portal_admin_a):
    login(client, portal_admin_a)
    response = client.post(reverse("portal:user_deactivate", args=[portal_admin_a.pk]), follow=True)
    assert "You cannot do this to your own account." in response.content.decode()
    client.post(reverse("portal:user_remove", args=[portal_admin_a.pk]))
    portal_admin_a.refresh_from_db()
    assert portal_admin_a.is_active


def test_a_partner_user_sees_the_list_but_changes_nobody(client, portal_admin_a, portal_user_a):
    login(client, portal_user_a)
    html = client.get(reverse("portal:users")).content.decode()
    assert portal_admin_a.email in html
    assert reverse("portal:user_deactivate", args=[portal_admin_a.pk]) not in html
    for name in ("user_deactivate", "user_remove", "user_resend"):
        response = client.post(reverse(f"portal:{name}", args=[portal_admin_a.pk]))
        assert response.status_code == 403, name
    portal_admin_a.refresh_from_db()
    assert portal_admin_a.is_active


def test_the_user_list_shows_only_the_companys_users(
    client, portal_admin_a, portal_admin_b, manager
):
    login(client, portal_admin_a)
    html = client.get(reverse("portal:users")).content.decode()
    assert portal_admin_a.email in html
    assert portal_admin_b.email not in html
    assert manager.email not in html.split('data-testid="users"')[1]
