"""Bearer tokens, browser sessions, and who the audit log says made an API change."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from prm.accounts import services as account_services
from prm.accounts.models import ApiToken
from prm.audit.models import AuditEntry
from prm.core import access
from prm.partners.models import Partner
from tests.api.conftest import api_for
from tests.conftest import login

pytestmark = pytest.mark.django_db


def bearer(token: str) -> Client:
    return Client(headers={"authorization": f"Bearer {token}"})


def assert_401(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Missing, invalid, expired or revoked API token."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_credentials_answer_401_json(client, partner_a):
    assert_401(client.get("/api/v1/partners"))
    assert_401(client.post("/api/v1/partners", {"name": "X"}, content_type="application/json"))


def test_wrong_token_answers_401_json(partner_a):
    assert_401(bearer("prm_not-a-real-token").get("/api/v1/partners"))
    assert_401(bearer("prm_not-a-real-token").delete(f"/api/v1/partners/{partner_a.pk}"))
    assert_401(Client(headers={"authorization": "Bearer "}).get("/api/v1/partners"))
    assert access.unrestricted(Partner).filter(pk=partner_a.pk).exists()


def test_revoked_and_expired_tokens_answer_401(admin_user, partner_a):
    token, raw = account_services.token_create(actor=admin_user, user=admin_user)
    assert bearer(raw).get("/api/v1/partners").status_code == 200
    account_services.token_revoke(actor=admin_user, token=token)
    assert_401(bearer(raw).get("/api/v1/partners"))

    token, raw = account_services.token_create(actor=admin_user, user=admin_user)
    access.unrestricted(ApiToken).filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert_401(bearer(raw).get("/api/v1/partners"))


def test_token_of_a_deactivated_user_answers_401(manager, partner_a):
    _token, raw = account_services.token_create(actor=manager, user=manager)
    manager.is_active = False
    manager.save()
    assert_401(bearer(raw).get("/api/v1/partners"))


def test_read_only_token_cannot_write(manager, partner_a):
    api = api_for(manager, scope="read")
    assert api.get(f"/partners/{partner_a.pk}").status_code == 200
    response = api.patch(f"/partners/{partner_a.pk}", {"region": "Jeju"})
    assert response.status_code == 403
    assert response.json()["detail"] == "This API token may only read."
    assert api.post("/partners", {"name": "Mike", "types": ["oem"]}).status_code == 403
    assert api.delete(f"/partners/{partner_a.pk}").status_code == 403
    assert access.unrestricted(Partner).get(pk=partner_a.pk).region == ""


def test_using_a_token_records_when_it_was_last_used(manager, partner_a):
    token, raw = account_services.token_create(actor=manager, user=manager)
    assert token.last_used_at is None
    bearer(raw).get("/api/v1/partners")
    assert access.unrestricted(ApiToken).get(pk=token.pk).last_used_at is not None


def test_changes_through_the_api_are_attributed_to_the_token_user(as_manager, manager, partner_a):
    response = as_manager.patch(f"/partners/{partner_a.pk}", {"industry": "Robotics"})
    assert response.status_code == 200
    entry = (
        access.unrestricted(AuditEntry)
        .filter(object_id=str(partner_a.pk), action="update")
        .latest("timestamp")
    )
    assert entry.channel == "api"
    assert entry.actor == manager
    assert entry.changes["industry"] == ["", "Robotics"]
    assert entry.partner_id == partner_a.pk


def test_creates_and_deletes_through_the_api_are_recorded_as_api(as_admin, admin_user):
    created = as_admin.post("/partners", {"name": "November", "types": ["referral"]})
    pk = created.json()["id"]
    as_admin.delete(f"/partners/{pk}")
    entries = access.unrestricted(AuditEntry).filter(
        object_id=str(pk), content_type__model="partner"
    )
    assert {e.action for e in entries} >= {"create", "delete"}
    assert {(e.channel, e.actor_id) for e in entries} == {("api", admin_user.pk)}


def test_a_signed_in_browser_session_may_use_the_api(client, manager, partner_a):
    login(client, manager)
    assert client.get("/api/v1/partners").json()["count"] == 1


def test_session_writes_need_the_csrf_token(manager, partner_a):
    client = Client(enforce_csrf_checks=True)
    login(client, manager)
    response = client.patch(
        f"/api/v1/partners/{partner_a.pk}", {"region": "Ulsan"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert access.unrestricted(Partner).get(pk=partner_a.pk).region == ""


def test_session_changes_are_recorded_as_api(client, manager, partner_a):
    login(client, manager)
    response = client.patch(
        f"/api/v1/partners/{partner_a.pk}", {"region": "Ulsan"}, content_type="application/json"
    )
    assert response.status_code == 200
    entry = access.unrestricted(AuditEntry).filter(action="update").latest("timestamp")
    assert (entry.channel, entry.actor) == ("api", manager)


def test_error_messages_follow_the_callers_language(partner_a):
    response = bearer("prm_wrong").get("/api/v1/partners", headers={"accept-language": "ko"})
    assert response.status_code == 401
    assert response["Content-Language"] == "ko"
