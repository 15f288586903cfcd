"""/api/v1/commission-statements and /api/v1/commission-rules."""

from decimal import Decimal

import pytest

from prm.commissions import engine, services
from prm.commissions.models import CommissionRule, CommissionStatement
from prm.core import access
from tests.commissions.conftest import make_deal, seoul
from tests.conftest import api_client

OCT = engine.parse_period("2026-10")


@pytest.fixture
def both(partner_a, partner_b, base_rule):
    make_deal(partner_a, "1000000", seoul(2026, 10, 5))
    make_deal(partner_b, "3000000", seoul(2026, 10, 6))
    services.statements_generate(actor=None, period=OCT)
    rows = access.unrestricted(CommissionStatement)
    return rows.get(partner=partner_a), rows.get(partner=partner_b)


def test_portal_users_list_only_their_approved_statements(portal_user_a, admin_user, both):
    a, b = both
    client = api_client(portal_user_a)
    assert client.get("/api/v1/commission-statements").json()["count"] == 0
    assert client.get(f"/api/v1/commission-statements/{a.pk}").status_code == 404
    services.statement_approve(actor=admin_user, statement=a)
    services.statement_approve(actor=admin_user, statement=b)
    # Another partner is not a choice: refused, and nothing of it shown.
    response = client.get(f"/api/v1/commission-statements?partner={b.partner_id}")
    assert response.status_code == 422 and "Bravo" not in response.content.decode()
    body = client.get("/api/v1/commission-statements").json()
    assert [s["id"] for s in body["items"]] == [a.pk]
    assert body["items"][0]["period"] == "2026-10"
    detail = client.get(f"/api/v1/commission-statements/{a.pk}").json()
    assert Decimal(detail["total"]) == Decimal(50000)
    assert Decimal(detail["lines"][0]["amount"]) == Decimal(50000)
    assert client.get(f"/api/v1/commission-statements/{b.pk}").status_code == 404
    assert (
        client.patch(
            f"/api/v1/commission-statements/{a.pk}", {"status": "approved"}, "application/json"
        ).status_code
        == 403
    )
    assert client.get("/api/v1/commission-rules").status_code == 404


def test_staff_approve_then_pay(manager, both):
    a, _b = both
    client = api_client(manager)
    url = f"/api/v1/commission-statements/{a.pk}"
    response = client.patch(url, {"status": "paid"}, "application/json")
    assert response.status_code == 409 and "approved" in response.json()["detail"]
    assert (
        client.patch(url, {"status": "approved"}, "application/json").json()["status"] == "approved"
    )
    assert client.patch(url, {"status": "approved"}, "application/json").status_code == 409
    assert client.patch(url, {"status": "paid"}, "application/json").json()["status"] == "paid"
    assert client.patch(url, {"status": "draft"}, "application/json").status_code == 422


def test_rules_round_trip(admin_user):
    client = api_client(admin_user)
    body = {
        "name": "Volume",
        "kind": "tiered",
        "bracket_mode": "marginal",
        "brackets": [
            {"from_amount": "0", "to_amount": "1000000", "rate": "1"},
            {"from_amount": "1000000", "rate": "2.5"},
        ],
        "tier": "gold",
        "effective_from": "2026-01-01",
    }
    created = client.post("/api/v1/commission-rules", body, "application/json")
    assert created.status_code == 201, created.content
    rule = created.json()
    assert rule["tier"] == "gold" and len(rule["brackets"]) == 2
    patched = client.patch(
        f"/api/v1/commission-rules/{rule['id']}", {"name": "Volume 2"}, "application/json"
    ).json()
    assert patched["name"] == "Volume 2" and len(patched["brackets"]) == 2
    assert client.get("/api/v1/commission-rules").json()["count"] == 1
    assert client.delete(f"/api/v1/commission-rules/{rule['id']}").status_code == 204


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"rate": "-1"}, "rate"),
        ({"rate": "101"}, "rate"),
        ({"kind": "tiered"}, "brackets"),
        ({"effective_to": "2020-01-01"}, "effective_to"),
        ({"tier": "diamond"}, "tier"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_rules_are_refused(admin_user, change, field):
    client = api_client(admin_user)
    body = {"name": "R", "rate": "5", "effective_from": "2026-01-01", **change}
    response = client.post("/api/v1/commission-rules", body, "application/json")
    assert 400 <= response.status_code < 500, response.content
    assert field in response.content.decode()
    assert not access.unrestricted(CommissionRule).exists()


def test_a_manager_cannot_make_a_rule_for_a_partner_they_do_not_own(manager, partner_b):
    client = api_client(manager)
    body = {"name": "R", "rate": "5", "effective_from": "2026-01-01", "partner": partner_b.pk}
    assert client.post("/api/v1/commission-rules", body, "application/json").status_code == 403
