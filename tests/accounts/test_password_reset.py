"""Password reset by e-mail: the mail, its link, and the new password working."""

import re

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

NEW_PASSWORD = "a brand new secret 77"


def reset_link(message) -> str:
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_reset_email_is_sent_and_its_link_sets_a_new_password(client, manager):
    response = client.post(reverse("accounts:password_reset"), {"email": manager.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [manager.email]
    assert message.subject == "Choose a new password for PRM"
    assert manager.email in message.body

    response = client.get(reset_link(message))
    assert response.status_code == 302  # to the same page without the token in the URL
    form_url = response["Location"]
    assert "Choose a password" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    manager.refresh_from_db()
    assert manager.check_password(NEW_PASSWORD)

    response = client.post(
        reverse("accounts:login"), {"username": manager.email, "password": NEW_PASSWORD}
    )
    assert client.session[SESSION_KEY] == str(manager.pk)


def test_a_used_link_no_longer_works(client, manager):
    client.post(reverse("accounts:password_reset"), {"email": manager.email})
    link = reset_link(mail.outbox[0])
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(link)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
