"""/api/v1/risks, assessments, actions, signals and rules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from prm.core import access
from prm.risks.models import Assessment, Risk, SignalRule
from tests.conftest import api_client
from tests.risks.factories import add_action, raise_risk, reload

pytestmark = pytest.mark.django_db


def test_create_read_list_and_filter(manager, partner_a, partner_b):
    api = api_client(manager)
    response = api.post(
        "/api/v1/risks",
        {
            "partner": partner_a.pk,
            "category": "quality",
            "title": "Defects",
            "likelihood": 3,
            "impact": 4,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["partner"], body["inherent_score"], body["level"]) == (partner_a.pk, 12, "high")
    raise_risk(manager, partner_b, likelihood=1, impact=1, title="Minor")
    listed = api.get("/api/v1/risks", {"partner": partner_a.pk}).json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "Defects"
    assert api.get("/api/v1/risks", {"level": "low"}).json()["count"] == 1
    assert api.get(f"/api/v1/risks/{body['id']}").json()["category"] == "quality"
    partner = api.get(f"/api/v1/partners/{partner_a.pk}").json()
    assert partner["risk_level"] == "high"


@pytest.mark.parametrize("likelihood", [0, 6])
def test_assessment_out_of_range_is_422_or_400_and_changes_nothing(manager, partner_a, likelihood):
    risk = raise_risk(manager, partner_a, likelihood=2, impact=2)
    response = api_client(manager).post(
        f"/api/v1/risks/{risk.pk}/assessments",
        {"kind": "residual", "likelihood": likelihood, "impact": 2},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Likelihood must be a whole number from 1 to 5."
    assert access.unrestricted(Assessment).filter(risk=risk).count() == 1


def test_assessment_history_and_actions(manager, partner_a):
    risk = raise_risk(manager, partner_a, likelihood=4, impact=4)
    api = api_client(manager)
    created = api.post(
        f"/api/v1/risks/{risk.pk}/assessments",
        {"likelihood": 2, "impact": 2, "note": "After audit"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["score"] == 4
    history = api.get(f"/api/v1/risks/{risk.pk}/assessments").json()
    assert [a["kind"] for a in history] == ["residual", "inherent"]
    due = (timezone.localdate() - timedelta(days=1)).isoformat()
    action = api.post(
        f"/api/v1/risks/{risk.pk}/actions",
        {"title": "Second source", "due_on": due},
        content_type="application/json",
    )
    assert action.status_code == 201 and action.json()["overdue"] is True
    assert api.get("/api/v1/risk-actions", {"overdue": "true"}).json()["count"] == 1
    closing = api.patch(
        f"/api/v1/risks/{risk.pk}", {"status": "closed"}, content_type="application/json"
    )
    assert closing.status_code == 400 and closing.json()["code"] == "open_actions"
    api.patch(
        f"/api/v1/risk-actions/{action.json()['id']}",
        {"status": "done"},
        content_type="application/json",
    )
    closed = api.patch(
        f"/api/v1/risks/{risk.pk}", {"status": "closed"}, content_type="application/json"
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_accept_needs_reason_and_role(manager, admin_user, partner_a):
    risk = raise_risk(manager, partner_a, likelihood=3, impact=3)
    review = (timezone.localdate() + timedelta(days=60)).isoformat()
    refused = api_client(manager).patch(
        f"/api/v1/risks/{risk.pk}",
        {"strategy": "accept", "acceptance_reason": "fine", "review_on": review},
        content_type="application/json",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "accept_role"
    no_reason = api_client(admin_user).patch(
        f"/api/v1/risks/{risk.pk}",
        {"strategy": "accept", "review_on": review},
        content_type="application/json",
    )
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    assert reload(risk).strategy == ""
    ok = api_client(admin_user).patch(
        f"/api/v1/risks/{risk.pk}",
        {"strategy": "accept", "acceptance_reason": "Within appetite", "review_on": review},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["accepted_by"] == admin_user.pk


def test_portal_tokens_see_no_risk(portal_admin_a, manager, partner_a):
    risk = raise_risk(manager, partner_a, likelihood=3, impact=3)
    api = api_client(portal_admin_a)
    assert api.get("/api/v1/risks").json()["count"] == 0
    assert api.get(f"/api/v1/risks/{risk.pk}").status_code == 404
    assert api.get(f"/api/v1/risks/{risk.pk}/assessments").status_code == 404
    assert api.get("/api/v1/risk-rules").status_code == 404
    created = api.post(
        "/api/v1/risks",
        {"partner": partner_a.pk, "category": "quality", "title": "Mine"},
        content_type="application/json",
    )
    assert created.status_code == 404
    assert access.unrestricted(Risk).count() == 1
    assert api.get(f"/api/v1/partners/{partner_a.pk}").json()["risk_level"] is None


def test_rules_list_and_tune(admin_user, manager):
    api = api_client(admin_user)
    rules = {r["code"]: r for r in api.get("/api/v1/risk-rules").json()}
    assert {"contract_expiry", "compliance_document"} <= set(rules)
    bad = api.patch(
        "/api/v1/risk-rules/spend_concentration",
        {"params": {"hhi": 20000}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "hhi"
    assert not SignalRule.objects.exists()
    good = api.patch(
        "/api/v1/risk-rules/spend_concentration",
        {"enabled": False, "params": {"hhi": 1800}},
        content_type="application/json",
    )
    assert good.status_code == 200
    assert good.json()["enabled"] is False
    assert {p["name"]: p["value"] for p in good.json()["params"]}["hhi"] == 1800
    assert (
        api_client(manager)
        .patch(
            "/api/v1/risk-rules/spend_concentration",
            {"enabled": True},
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_signals_list(admin_user, partner_a):
    from prm.risks import engine
    from tests.contracts.factories import requirement

    partner_a.stage = "active"
    partner_a.save()
    requirement("reseller", expires=True)
    engine.sweep()
    body = api_client(admin_user).get("/api/v1/risk-signals", {"status": "open"}).json()
    assert body["count"] == 1
    signal = body["items"][0]
    assert signal["rule"] == "compliance_document" and signal["partner"] == partner_a.pk
    assert signal["risk"] is not None and signal["evidence_url"]


def test_overdue_add_action_via_factory(manager, partner_a):
    risk = raise_risk(manager, partner_a)
    add_action(manager, risk)
    assert api_client(manager).get(f"/api/v1/risks/{risk.pk}/actions").json()[0]["status"] == (
        "planned"
    )
