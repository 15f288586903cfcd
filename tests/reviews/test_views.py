"""Back-office and portal pages of reviews, action items and business plans."""

import pytest
from django.urls import reverse
from django.utils import timezone

from prm.core import access
from prm.reviews.models import ActionItem, BusinessPlan, ItemStatus, OwnerSide, Review
from tests.conftest import login
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


def test_create_review_from_a_period_label(client, manager, partner_a):
    login(client, manager)
    response = client.post(
        reverse("reviews:create"),
        {"partner": partner_a.pk, "period": "2026-Q3", "title": "Q3 QBR", "owner": manager.pk},
    )
    review = access.unrestricted(Review).get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert (review.period_kind, str(review.period_start)) == ("quarter", "2026-07-01")
    page = client.get(review.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Q3 QBR" in text and "No scorecard was computed for this period." in text


def test_bad_period_shows_error_and_saves_nothing(client, manager, partner_a):
    login(client, manager)
    response = client.post(
        reverse("reviews:create"), {"partner": partner_a.pk, "period": "2026-13-45"}
    )
    assert response.status_code == 400
    assert "is not a period" in response.content.decode()
    assert not access.unrestricted(Review).exists()


def test_duplicate_period_shows_error(client, manager, partner_a):
    f.review(partner_a, "2026-Q3")
    login(client, manager)
    response = client.post(
        reverse("reviews:create"), {"partner": partner_a.pk, "period": "2026-Q3"}
    )
    assert response.status_code == 400
    assert "already has a review for 2026-Q3" in response.content.decode()
    assert access.unrestricted(Review).count() == 1


def test_list_filters_and_counts_open_items(client, manager, partner_a, partner_b):
    mine = f.review(partner_a, "2026-Q3", title="Alpha QBR")
    f.review(partner_b, "2026-Q3", title="Bravo QBR")
    f.item(partner_a, review=mine, due_on=f.day("2020-01-01"))
    login(client, manager)
    text = client.get(reverse("reviews:list"), {"partner": partner_a.pk}).content.decode()
    assert "Alpha QBR" in text and "Bravo QBR" not in text
    assert "1 overdue" in text
    bad = client.get(reverse("reviews:list"), {"status": "nonsense"})
    assert bad.status_code == 200 and "Some filters could not be applied" in bad.content.decode()


def test_list_query_count_does_not_grow(client, manager, partner_a, django_assert_max_num_queries):
    for label in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"):
        f.review(partner_a, label, owner=manager)
    login(client, manager)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reviews:list")).status_code == 200


def test_add_item_on_the_review_page_and_mark_done(client, manager, partner_a, portal_user_a):
    review = f.review(partner_a)
    login(client, manager)
    response = client.post(
        reverse("reviews:item_add", args=[review.pk]),
        {
            "title": "Share the forecast",
            "owner_side": OwnerSide.PARTNER,
            "owner_user": portal_user_a.pk,
            "due_on": "2026-12-15",
        },
    )
    assert response.status_code == 302
    item = access.unrestricted(ActionItem).get()
    assert (item.review, item.owner_user, item.partner) == (review, portal_user_a, partner_a)
    client.post(reverse("reviews:item_status", args=[item.pk]), {"status": "done"})
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.done_by == manager


def test_item_without_title_shows_error(client, manager, partner_a):
    review = f.review(partner_a)
    login(client, manager)
    response = client.post(
        reverse("reviews:item_add", args=[review.pk]), {"title": "", "owner_side": "company"}
    )
    assert response.status_code == 400
    assert not access.unrestricted(ActionItem).exists()


def test_board_groups_overdue_open_and_done(client, manager, partner_a):
    f.item(partner_a, title="Late one", due_on=f.day("2020-01-01"))
    f.item(partner_a, title="Fresh one", due_on=timezone.localdate())
    f.item(partner_a, title="Finished", status=ItemStatus.DONE)
    login(client, manager)
    text = client.get(reverse("reviews:items")).content.decode()
    overdue = text[
        text.index('data-testid="column-overdue"') : text.index('data-testid="column-open"')
    ]
    assert "Late one" in overdue and "Fresh one" not in overdue
    assert "Finished" in text[text.index('data-testid="column-done"') :]


def test_report_downloads(client, manager, partner_a):
    review = f.review(partner_a)
    login(client, manager)
    pdf = client.get(reverse("reviews:report_pdf", args=[review.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    xlsx = client.get(reverse("reviews:report_xlsx", args=[review.pk]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_plan_pages_goal_and_agree(client, manager, partner_a):
    metric = f.metric()
    login(client, manager)
    response = client.post(
        reverse("reviews:plan_create"),
        {"partner": partner_a.pk, "title": "JBP 2026", "period": "2026", "owner": manager.pk},
    )
    plan = access.unrestricted(BusinessPlan).get()
    assert response.status_code == 302
    client.post(
        reverse("reviews:goal_add", args=[plan.pk]),
        {"title": "Grow", "metric": metric.pk, "target": "100"},
    )
    f.observe(metric, partner_a, "2026-02", 25)
    text = client.get(plan.get_absolute_url()).content.decode()
    assert "Grow" in text and "25.0%" in text
    client.post(reverse("reviews:plan_status", args=[plan.pk]), {"status": "agreed"})
    plan.refresh_from_db()
    assert plan.status == "agreed"


def test_portal_sees_shared_notes_never_staff_notes(client, portal_user_a, partner_a, partner_b):
    mine = f.review(partner_a, shared_notes="Agreed on Q4 targets", staff_notes="Churn risk")
    other = f.review(partner_b, shared_notes="Bravo notes")
    login(client, portal_user_a)
    listing = client.get(reverse("reviews:portal_list")).content.decode()
    assert str(mine) in listing and "Bravo" not in listing
    page = client.get(reverse("reviews:portal_detail", args=[mine.pk]))
    text = page.content.decode()
    assert "Agreed on Q4 targets" in text and "Churn risk" not in text
    assert client.get(reverse("reviews:portal_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("reviews:portal_report_pdf", args=[other.pk])).status_code == 404
    assert client.get(reverse("reviews:list")).status_code == 404


def test_portal_marks_own_item_done_and_comments(client, portal_user_a, partner_a, manager):
    theirs = f.item(partner_a, title="Send PO", owner_side=OwnerSide.PARTNER)
    ours = f.item(partner_a, title="Send quote", owner_side=OwnerSide.COMPANY, owner_user=manager)
    login(client, portal_user_a)
    page = client.get(reverse("reviews:portal_item", args=[theirs.pk])).content.decode()
    assert 'data-testid="mark-done"' in page
    assert (
        'data-testid="mark-done"'
        not in client.get(reverse("reviews:portal_item", args=[ours.pk])).content.decode()
    )
    client.post(reverse("reviews:portal_item_status", args=[theirs.pk]), {"status": "done"})
    client.post(reverse("reviews:portal_item_status", args=[ours.pk]), {"status": "done"})
    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert theirs.status == ItemStatus.DONE and ours.status == ItemStatus.OPEN
    client.post(reverse("reviews:portal_item_comment", args=[ours.pk]), {"body": "On it"})
    assert ours.comments.get().author == portal_user_a


def test_portal_proposes_goal_on_draft_plan(client, portal_user_a, partner_a):
    metric = f.metric()
    plan = f.plan(partner_a)
    login(client, portal_user_a)
    response = client.post(
        reverse("reviews:portal_goal_add", args=[plan.pk]),
        {"title": "Certify 3 engineers", "metric": metric.pk, "target": "3"},
    )
    assert response.status_code == 302
    assert plan.goals.get().proposed_by == portal_user_a
    bad = client.post(
        reverse("reviews:portal_goal_add", args=[plan.pk]),
        {"title": "x", "metric": metric.pk, "target": "lots"},
    )
    assert bad.status_code == 400 and plan.goals.count() == 1
