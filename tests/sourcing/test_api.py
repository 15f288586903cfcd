"""/api/v1/evaluations."""

import json

from prm.core import access
from prm.sourcing.models import ProjectCandidate, Score
from tests.conftest import api_client
from tests.sourcing.conftest import criteria_of


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_list_and_detail_with_rankings(manager, manager2, analyst, evaluation, candidates):
    client = api_client(manager)
    listing = client.get("/api/v1/evaluations").json()
    assert listing["count"] == 1 and listing["items"][0]["name"] == "Round 1"
    criteria = criteria_of(evaluation.template)
    url = f"/api/v1/evaluations/{evaluation.pk}/scores"
    scores = [
        {"candidate": c.pk, "criterion": k.pk, "value": v}
        for c, v in zip(candidates, (5, 3, 1), strict=True)
        for k in criteria
    ]
    response = _post(client, url, {"scores": scores, "submit": True})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["submitted"] and body["results_visible"]
    assert body["rankings"][0]["partner_name"] == "Alpha Systems"
    assert len(body["rankings"][0]["weighted_sum_contributions"]) == 2
    assert {p["evaluator_id"]: p["missing"] for p in body["progress"]} == {
        manager.pk: 0,
        manager2.pk: 6,
    }
    # The second evaluator sees neither rankings nor the first's scores before submitting.
    other = api_client(manager2).get(f"/api/v1/evaluations/{evaluation.pk}").json()
    assert other["is_evaluator"] and not other["results_visible"]
    assert other["rankings"] is None and other["my_scores"] == []
    # A non-evaluator analyst reads the ranking but cannot score.
    seen = api_client(analyst).get(f"/api/v1/evaluations/{evaluation.pk}").json()
    assert seen["rankings"] and seen["progress"] is None
    response = _post(api_client(analyst), url, {"scores": scores})
    assert response.status_code == 403


def test_scores_outside_the_scale_are_refused(manager2, evaluation, candidates):
    criteria = criteria_of(evaluation.template)
    url = f"/api/v1/evaluations/{evaluation.pk}/scores"
    body = {
        "scores": [
            {"candidate": candidates[0].pk, "criterion": criteria[0].pk, "value": 4},
            {"candidate": candidates[0].pk, "criterion": criteria[1].pk, "value": 0},
        ]
    }
    response = _post(api_client(manager2), url, body)
    assert response.status_code == 400
    assert response.json()["code"] == "out_of_scale"
    assert "from 1 to 10" in response.json()["detail"]
    assert not access.unrestricted(Score).exists()
    response = _post(api_client(manager2), url, {"scores": [], "extra": 1})
    assert response.status_code == 422


def test_portal_tokens_see_no_evaluations(portal_admin_a, evaluation):
    client = api_client(portal_admin_a)
    assert client.get("/api/v1/evaluations").json() == {"items": [], "count": 0}
    assert client.get(f"/api/v1/evaluations/{evaluation.pk}").status_code == 404
    response = _post(client, f"/api/v1/evaluations/{evaluation.pk}/scores", {"scores": []})
    assert response.status_code == 404


def test_decide_on_candidates(manager, manager2, portal_admin_a, candidates):
    client = api_client(manager)
    first, second = candidates[0], candidates[1]
    url = f"/api/v1/evaluations/candidates/{first.pk}/decision"

    def post(c, u, body):
        return c.post(u, body, content_type="application/json")

    no_reason = post(client, url, {"decision": "rejected"})
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    assert post(client, url, {"decision": "maybe"}).status_code == 422
    assert access.unrestricted(ProjectCandidate).get(pk=first.pk).decision == "pending"
    # Portal tokens never reach a candidate; a manager who does not own it may not decide.
    assert post(api_client(portal_admin_a), url, {"decision": "hold"}).status_code == 404
    assert post(api_client(manager2), url, {"decision": "hold"}).status_code == 403

    selected = post(client, url, {"decision": "selected"})
    assert selected.status_code == 200
    assert (selected.json()["decision"], selected.json()["partner_stage"]) == (
        "selected",
        "onboarding",
    )
    assert post(client, url, {"decision": "hold"}).status_code == 409
    held = post(
        client, f"/api/v1/evaluations/candidates/{second.pk}/decision", {"decision": "hold"}
    )
    assert held.status_code == 200 and held.json()["decision"] == "hold"
