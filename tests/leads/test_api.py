"""/api/v1/leads: staff CRUD and routing; partners list, accept and decline their leads."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from prm.accounts.roles import Role
from prm.core import access
from prm.leads.models import Lead, LeadRoutingRule, LeadSource, LeadStatus
from tests.conftest import api_client, make_partner, make_user

URL = "/api/v1/leads"


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def routed(db, manager):
    a = make_partner(name="Alpha Active", stage="active", owner=manager)
    b = make_partner(name="Bravo Active", stage="active")
    LeadRoutingRule.objects.create(name="All Korea", order=1, countries=["KR"], sla_hours=8)
    return a, b


def _create(admin, **body):
    body.setdefault("company_name", "Hanbit Soft")
    response = _post(api_client(admin), URL, body)
    assert response.status_code == 201, response.content
    return response.json()


def test_staff_create_read_change_and_delete(admin_user, routed):
    created = _create(admin_user, estimated_value="1500000.50", currency="krw")
    assert created["source"] == LeadSource.API
    assert created["status"] == "offered"
    assert created["partner"] in {p.pk for p in routed}
    assert created["estimated_value"] == "1500000.50"
    assert created["currency"] == "KRW"
    client = api_client(admin_user)
    url = f"{URL}/{created['id']}"
    assert client.get(url).json()["company_name"] == "Hanbit Soft"
    response = client.patch(url, json.dumps({"notes": "Hot"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["notes"] == "Hot"
    history = client.get(f"{url}/assignments").json()
    assert len(history) == 1 and "All Korea" in history[0]["explanation"]
    assert history[0]["seed"] and len(history[0]["candidates"]) == 2
    assert client.get(URL, {"status": "offered"}).json()["count"] == 1
    assert client.delete(url).status_code == 204
    assert not access.unrestricted(Lead).exists()


def test_unrouted_creation_and_manual_routing(admin_user, routed):
    created = _create(admin_user, route=False)
    assert created["status"] == "new" and created["partner"] is None
    response = _post(api_client(admin_user), f"{URL}/{created['id']}/route")
    assert response.status_code == 200 and response.json()["status"] == "offered"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"company_name": "X", "estimated_value": "-1"}, "estimated_value"),
        ({"company_name": "X", "currency": "ABC"}, "currency"),
        ({"company_name": "X", "country": "Korea"}, "country"),
        ({"company_name": "X", "status": "accepted"}, "status"),
        ({"company_name": "X", "partner": 1}, "partner"),
        ({"company_name": "X", "estimated_value": "lots"}, "estimated_value"),
        ({}, "company_name"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_stores_nothing(admin_user, body, field):
    response = _post(api_client(admin_user), URL, body)
    assert response.status_code in {400, 422}
    answer = response.json()
    assert answer["detail"]
    assert answer.get("field") == field or field in answer.get("errors", {})
    assert not access.unrestricted(Lead).exists()


def test_partners_see_only_their_leads_and_answer_them(admin_user, routed):
    a, b = routed
    leads = [_create(admin_user, company_name=f"Lead {n}") for n in range(6)]
    user_a = make_user(Role.PARTNER_USER, a)
    client = api_client(user_a)
    listed = client.get(URL).json()
    mine = {lead["id"] for lead in leads if lead["partner"] == a.pk}
    assert {lead["id"] for lead in listed["items"]} == mine
    assert listed["count"] == len(mine)
    theirs = [lead for lead in leads if lead["partner"] == b.pk]
    for lead in theirs:
        assert client.get(f"{URL}/{lead['id']}").status_code == 404
        assert _post(client, f"{URL}/{lead['id']}/accept").status_code == 404
        assert _post(client, f"{URL}/{lead['id']}/decline", {"reason": "x"}).status_code == 404
    # The assignment history is staff's: the portal gets none of it.
    for lead_id in mine:
        assert client.get(f"{URL}/{lead_id}/assignments").json() == []
    if mine:
        first, *rest = sorted(mine)
        response = _post(client, f"{URL}/{first}/accept")
        assert response.status_code == 200 and response.json()["status"] == "accepted"
        for lead_id in rest:
            response = _post(client, f"{URL}/{lead_id}/decline", {"reason": "Busy"})
            assert response.json() == {"id": lead_id, "status": "declined"}
            # Now B's; A no longer sees it.
            assert client.get(f"{URL}/{lead_id}").status_code == 404
            assert access.unrestricted(Lead).get(pk=lead_id).partner == b


def test_accepting_late_is_a_409_with_a_reason(admin_user, routed):
    lead = _create(admin_user)
    access.unrestricted(Lead).filter(pk=lead["id"]).update(
        sla_due=timezone.now() - timedelta(minutes=5)
    )
    partner = access.unrestricted(Lead).get(pk=lead["id"]).partner
    client = api_client(make_user(Role.PARTNER_ADMIN, partner))
    response = _post(client, f"{URL}/{lead['id']}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "sla_expired"
    assert "time to answer" in response.json()["detail"]
    assert access.unrestricted(Lead).get(pk=lead["id"]).status == LeadStatus.OFFERED


def test_declining_without_a_reason_is_refused(admin_user, routed):
    lead = _create(admin_user)
    partner = access.unrestricted(Lead).get(pk=lead["id"]).partner
    client = api_client(make_user(Role.PARTNER_USER, partner))
    response = _post(client, f"{URL}/{lead['id']}/decline", {"reason": " "})
    assert response.status_code == 400 and response.json()["field"] == "reason"
    assert _post(client, f"{URL}/{lead['id']}/decline").status_code == 422


def test_partners_create_and_change_nothing(admin_user, routed, analyst):
    lead = _create(admin_user)
    partner = access.unrestricted(Lead).get(pk=lead["id"]).partner
    portal = api_client(make_user(Role.PARTNER_ADMIN, partner))
    assert _post(portal, URL, {"company_name": "Mine"}).status_code == 403
    response = portal.patch(
        f"{URL}/{lead['id']}", json.dumps({"notes": "x"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert _post(portal, f"{URL}/{lead['id']}/route").status_code == 403
    assert _post(api_client(analyst), f"{URL}/{lead['id']}/accept").status_code == 403
    assert access.unrestricted(Lead).count() == 1


def test_convert_through_the_api(admin_user, routed):
    lead = _create(admin_user, estimated_value="5000")
    partner = access.unrestricted(Lead).get(pk=lead["id"]).partner
    client = api_client(make_user(Role.PARTNER_USER, partner))
    response = _post(client, f"{URL}/{lead['id']}/convert")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "converted" and body["deal"]
    assert client.get(f"/api/v1/deals/{body['deal']}").status_code == 200
    again = _post(client, f"{URL}/{lead['id']}/convert")
    assert again.status_code == 409 and again.json()["code"] == "not_accepted"
