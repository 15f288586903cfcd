"""The API: /reviews, /reviews/{id}/action-items, /action-items, /business-plans."""

import json

import pytest

from prm.core import access
from prm.reviews.models import ActionItem, ItemStatus, OwnerSide, Review
from tests.conftest import api_client
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


def test_create_list_and_move_a_review(manager, partner_a):
    client = api_client(manager)
    created = _post(
        client,
        "/api/v1/reviews",
        {
            "partner": partner_a.pk,
            "period_kind": "quarter",
            "period_start": "2026-08-14",
            "attendees": ["Kim", "Lee"],
            "staff_notes": "internal",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["period"], body["period_end"], body["status"]) == (
        "2026-Q3",
        "2026-09-30",
        "planned",
    )
    assert body["attendees"] == ["Kim", "Lee"] and body["staff_notes"] == "internal"
    listing = client.get("/api/v1/reviews", {"partner": partner_a.pk}).json()
    assert listing["count"] == 1
    moved = _patch(client, f"/api/v1/reviews/{body['id']}", {"status": "held"})
    assert moved.status_code == 200 and moved.json()["status"] == "held"
    back = _patch(
        client, f"/api/v1/reviews/{body['id']}", {"status": "planned", "period_kind": "year"}
    )
    assert back.status_code == 200
    assert (back.json()["status"], back.json()["period"]) == ("planned", "2026")


def test_bad_review_input_is_a_json_4xx_and_changes_nothing(manager, partner_a, partner_b):
    client = api_client(manager)
    year = {"period_kind": "year", "period_start": "2026-05-05"}
    bad_kind = _post(
        client,
        "/api/v1/reviews",
        {"partner": partner_a.pk, "period_kind": "day", "period_start": "2026-05-05"},
    )
    assert bad_kind.status_code == 422 and "detail" in bad_kind.json()
    unknown = _post(client, "/api/v1/reviews", {"partner": partner_a.pk, **year, "x": 1})
    assert unknown.status_code == 422
    not_owned = _post(client, "/api/v1/reviews", {"partner": partner_b.pk, **year})
    assert not_owned.status_code == 403
    f.review(partner_a, "2026")
    duplicate = _post(client, "/api/v1/reviews", {"partner": partner_a.pk, **year})
    assert duplicate.status_code == 409
    assert access.unrestricted(Review).count() == 1


def test_portal_reads_own_reviews_without_staff_notes(portal_user_a, partner_a, partner_b):
    mine = f.review(partner_a, staff_notes="internal")
    other = f.review(partner_b)
    client = api_client(portal_user_a)
    listing = client.get("/api/v1/reviews").json()
    assert [r["id"] for r in listing["items"]] == [mine.pk]
    assert listing["items"][0]["staff_notes"] is None
    assert client.get(f"/api/v1/reviews/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/reviews/{other.pk}/action-items").status_code == 404


def test_review_action_items_and_the_item_endpoints(manager, partner_a, portal_user_a):
    review = f.review(partner_a)
    client = api_client(manager)
    created = _post(
        client,
        f"/api/v1/reviews/{review.pk}/action-items",
        {"title": "Send PO", "owner_side": "partner", "due_on": "2020-01-31"},
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["review"] == review.pk and item["partner"] == partner_a.pk and item["overdue"]
    listing = client.get(f"/api/v1/reviews/{review.pk}/action-items").json()
    assert listing["count"] == 1
    assert client.get("/api/v1/action-items", {"overdue": "true"}).json()["count"] == 1

    portal = api_client(portal_user_a)
    refused = _patch(portal, f"/api/v1/action-items/{item['id']}", {"title": "Mine now"})
    assert refused.status_code == 403
    done = _patch(portal, f"/api/v1/action-items/{item['id']}", {"status": "done"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    comment = _post(portal, f"/api/v1/action-items/{item['id']}/comments", {"body": "Sent"})
    assert comment.status_code == 201
    assert portal.get(f"/api/v1/action-items/{item['id']}/comments").json()[0]["body"] == "Sent"


def test_portal_cannot_close_our_items_or_see_others(manager, partner_a, partner_b, portal_user_a):
    ours = f.item(partner_a, owner_side=OwnerSide.COMPANY, owner_user=manager)
    theirs = f.item(partner_b, owner_side=OwnerSide.PARTNER)
    client = api_client(portal_user_a)
    answer = _patch(client, f"/api/v1/action-items/{ours.pk}", {"status": "done"})
    assert answer.status_code == 403 and "detail" in answer.json()
    assert (
        _patch(client, f"/api/v1/action-items/{theirs.pk}", {"status": "done"}).status_code == 404
    )
    assert client.get("/api/v1/action-items", {"partner": partner_b.pk}).status_code in (200, 422)
    assert access.unrestricted(ActionItem).filter(status=ItemStatus.DONE).count() == 0


def test_create_item_with_a_review_of_another_partner_is_refused(manager, partner_a, partner_b):
    other = f.review(partner_b)
    client = api_client(manager)
    answer = _post(
        client, "/api/v1/action-items", {"partner": partner_a.pk, "review": other.pk, "title": "x"}
    )
    assert answer.status_code == 422
    assert "another partner" in answer.content.decode()
    assert not access.unrestricted(ActionItem).exists()


def test_business_plan_with_goals_and_progress(manager, partner_a, portal_user_a):
    metric = f.metric("t_won_amount", unit="KRW")
    f.observe(metric, partner_a, "2026-03", 400)
    client = api_client(manager)
    created = _post(
        client,
        "/api/v1/business-plans",
        {
            "partner": partner_a.pk,
            "title": "JBP 2026",
            "period_kind": "year",
            "period_start": "2026-01-01",
            "goals": [{"title": "Revenue", "metric": metric.pk, "target": "1000"}],
        },
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    (goal,) = plan["goals"]
    assert goal["metric_code"] == "t_won_amount"
    assert [float(goal["actual"]), float(goal["percent"]), float(plan["progress"])] == [
        400.0,
        40.0,
        40.0,
    ]
    portal = api_client(portal_user_a)
    proposed = _post(
        portal,
        f"/api/v1/business-plans/{plan['id']}/goals",
        {"title": "Certify", "metric": metric.pk, "target": "5"},
    )
    assert proposed.status_code == 201 and len(proposed.json()["goals"]) == 2
    assert (
        _patch(portal, f"/api/v1/business-plans/{plan['id']}", {"status": "agreed"}).status_code
        == 403
    )
    agreed = _patch(client, f"/api/v1/business-plans/{plan['id']}", {"status": "agreed"})
    assert agreed.status_code == 200 and agreed.json()["status"] == "agreed"
    late = _post(
        portal,
        f"/api/v1/business-plans/{plan['id']}/goals",
        {"title": "Late", "metric": metric.pk, "target": "1"},
    )
    assert late.status_code == 409
    listing = client.get("/api/v1/business-plans").json()
    assert listing["count"] == 1 and listing["items"][0]["progress"] is not None


def test_unknown_metric_is_refused(manager, partner_a):
    client = api_client(manager)
    answer = _post(
        client,
        "/api/v1/business-plans",
        {
            "partner": partner_a.pk,
            "title": "x",
            "period_kind": "year",
            "period_start": "2026-01-01",
            "goals": [{"title": "x", "metric": 99999999, "target": "1"}],
        },
    )
    assert answer.status_code == 400 and answer.json()["field"] == "metric"
    assert client.get("/api/v1/business-plans").json()["count"] == 0


def test_plan_list_queries_do_not_grow_with_plans(
    manager, partner_a, django_assert_max_num_queries
):
    metric = f.metric()
    for year in range(2019, 2027):
        f.goal(f.plan(partner_a, str(year)), metric, 10)
    client = api_client(manager)
    with django_assert_max_num_queries(25):
        assert client.get("/api/v1/business-plans").json()["count"] == 8
