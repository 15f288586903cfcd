"""/api/v1/tiers, /api/v1/tiers/proposals (approve, override), /api/v1/tiers/history."""

import json

import pytest

from prm.core import access
from prm.partners.models import Partner
from prm.tiers import services
from prm.tiers.models import TierProposal
from tests.conftest import api_client
from tests.tiers.factories import make_program, set_revenue

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(db):
    return make_program()


@pytest.fixture
def pending(program, partner_a):
    partner_a.stage = "active"
    partner_a.tier = program["silver"]
    partner_a.save()
    set_revenue(partner_a, 600_000_000)
    services.tier_review()
    return access.unrestricted(TierProposal).get()


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_tiers_with_requirements_and_benefits(program, portal_admin_a):
    body = api_client(portal_admin_a, "read").get("/api/v1/tiers").json()
    gold = next(t for t in body if t["code"] == "gold")
    assert gold["benefit"] == {
        "discount_percent": "10.00",
        "mdf_eligible": True,
        "lead_priority": 2,
    }
    assert gold["requirements"][0]["kind"] == "revenue"
    assert gold["requirements"][0]["threshold"] == "500000000.0000"


def test_list_approve_and_history(pending, manager, program, portal_admin_a, portal_admin_b):
    client = api_client(manager)
    listing = client.get("/api/v1/tiers/proposals?status=pending").json()
    assert listing["count"] == 1
    item = listing["items"][0]
    assert (item["current_tier"], item["proposed_tier"], item["direction"]) == (
        "silver",
        "gold",
        "upgrade",
    )
    assert any(r["tier"] == "gold" and r["met"] for r in item["reasons"])
    response = post(client, f"/api/v1/tiers/proposals/{pending.pk}/approve", {"note": "API"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    again = post(client, f"/api/v1/tiers/proposals/{pending.pk}/approve", {})
    assert again.status_code == 409 and "already been decided" in again.json()["detail"]
    own = api_client(portal_admin_a, "read").get("/api/v1/tiers/history").json()
    assert own["count"] == 1 and own["items"][0]["to_tier"] == "gold"
    assert api_client(portal_admin_b, "read").get("/api/v1/tiers/history").json()["count"] == 0


def test_override_checks_note_and_tier(pending, manager, program):
    client = api_client(manager)
    url = f"/api/v1/tiers/proposals/{pending.pk}/override"
    assert post(client, url, {"note": " "}).status_code == 400
    unknown = post(client, url, {"note": "x", "keep": False, "tier": "diamond"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "tier"
    assert post(client, url, {"note": "x", "bogus": 1}).status_code == 422
    assert access.unrestricted(TierProposal).get().status == "pending"
    ok = post(client, url, {"note": "Bronze year", "keep": False, "tier": "registered"})
    assert ok.status_code == 200 and ok.json()["decided_tier"] == "registered"
    assert access.unrestricted(Partner).get(pk=pending.partner_id).tier == program["registered"]


def test_portal_users_see_no_proposals(pending, portal_admin_a):
    client = api_client(portal_admin_a)
    assert client.get("/api/v1/tiers/proposals").json()["count"] == 0
    assert client.get(f"/api/v1/tiers/proposals/{pending.pk}").status_code == 404
    response = post(client, f"/api/v1/tiers/proposals/{pending.pk}/approve", {})
    assert response.status_code == 404
    assert access.unrestricted(TierProposal).get().status == "pending"
