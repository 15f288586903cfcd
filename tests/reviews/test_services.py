"""The rules of reviews, action items and business plans, and their refusals."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from prm.core import access
from prm.core.errors import BusinessError
from prm.metrics.models import Direction
from prm.notifications.models import Notification
from prm.reviews import reminders, selectors, services
from prm.reviews.models import ActionItem, ItemStatus, OwnerSide, PlanStatus, Review, ReviewStatus
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _notes(user):
    return list(access.unrestricted(Notification).filter(user=user).values_list("title", flat=True))


def test_review_create_sets_period_and_owner(manager, partner_a):
    review = services.review_create(
        actor=manager,
        partner=partner_a,
        data={"period_kind": "quarter", "period_start": f.day("2026-07-01"), "title": "Q3 QBR"},
    )
    assert review.period_label == "2026-Q3"
    assert review.owner == manager
    assert review.status == ReviewStatus.PLANNED


def test_review_period_must_start_on_its_first_day(manager, partner_a):
    with pytest.raises(ValidationError) as exc:
        services.review_create(
            actor=manager,
            partner=partner_a,
            data={"period_kind": "quarter", "period_start": f.day("2026-08-01")},
        )
    assert "2026-07-01" in str(exc.value)
    assert not access.unrestricted(Review).exists()


def test_one_review_per_partner_and_period(manager, partner_a):
    f.review(partner_a, "2026-Q3")
    with pytest.raises(BusinessError) as exc:
        services.review_create(
            actor=manager,
            partner=partner_a,
            data={"period_kind": "quarter", "period_start": f.day("2026-07-01")},
        )
    assert exc.value.status == 409
    assert "2026-Q3" in str(exc.value.message)
    assert access.unrestricted(Review).count() == 1


def test_manager_cannot_review_a_partner_they_do_not_own(manager, partner_b):
    with pytest.raises(PermissionDenied):
        services.review_create(
            actor=manager,
            partner=partner_b,
            data={"period_kind": "year", "period_start": f.day("2026-01-01")},
        )


def test_status_goes_planned_held_closed_and_tells_the_partner(
    manager, partner_a, portal_admin_a, django_capture_on_commit_callbacks
):
    review = f.review(partner_a, owner=manager)
    with pytest.raises(BusinessError):
        services.review_set_status(actor=manager, review=review, status=ReviewStatus.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_set_status(actor=manager, review=review, status=ReviewStatus.HELD)
    review.refresh_from_db()
    assert review.status == ReviewStatus.HELD and review.meeting_date is not None
    assert any("2026-Q3" in t for t in _notes(portal_admin_a))
    services.review_set_status(actor=manager, review=review, status=ReviewStatus.CLOSED)
    review.refresh_from_db()
    assert review.closed_at is not None
    with pytest.raises(BusinessError):
        services.review_delete(actor=manager, review=review)


def test_analyst_changes_nothing(analyst, partner_a):
    review = f.review(partner_a)
    with pytest.raises((PermissionDenied, Http404)):
        services.review_update(actor=analyst, review=review, data={"title": "x"})
    with pytest.raises(PermissionDenied):
        services.action_item_create(actor=analyst, partner=partner_a, data={"title": "x"})


def test_item_for_the_partner_notifies_its_users(manager, partner_a, portal_admin_a):
    review = f.review(partner_a)
    item = services.action_item_create(
        actor=manager,
        partner=partner_a,
        review=review,
        data={"title": "Send forecast", "owner_side": OwnerSide.PARTNER},
    )
    assert item.owner_user is None
    assert "New action item for you: Send forecast" in _notes(portal_admin_a)


def test_company_item_defaults_to_the_acting_manager(manager, partner_a):
    item = services.action_item_create(actor=manager, partner=partner_a, data={"title": "Quote"})
    assert item.owner_user == manager


def test_item_owner_must_fit_its_side(manager, partner_a, portal_user_a, portal_admin_b):
    with pytest.raises(ValidationError) as exc:
        services.action_item_create(
            actor=manager,
            partner=partner_a,
            data={"title": "x", "owner_side": OwnerSide.PARTNER, "owner_user": portal_admin_b},
        )
    assert "one of its users" in str(exc.value)
    with pytest.raises(BusinessError, match="partner manager or admin"):
        services.action_item_create(
            actor=manager,
            partner=partner_a,
            data={"title": "x", "owner_side": OwnerSide.COMPANY, "owner_user": portal_user_a},
        )
    assert not access.unrestricted(ActionItem).exists()


def test_review_of_another_partner_is_refused(manager, partner_a, partner_b):
    other = f.review(partner_b)
    with pytest.raises(ValidationError) as exc:
        services.action_item_create(
            actor=manager, partner=partner_a, review=other, data={"title": "x"}
        )
    assert "another partner" in str(exc.value)


def test_partner_marks_its_own_item_done_not_ours(manager, partner_a, portal_user_a):
    theirs = f.item(partner_a, owner_side=OwnerSide.PARTNER)
    ours = f.item(partner_a, owner_side=OwnerSide.COMPANY, owner_user=manager)
    services.action_item_set_status(actor=portal_user_a, item=theirs, status=ItemStatus.DONE)
    theirs.refresh_from_db()
    assert theirs.status == ItemStatus.DONE and theirs.done_by == portal_user_a
    assert any("Action item done" in t for t in _notes(manager))
    with pytest.raises(BusinessError) as exc:
        services.action_item_set_status(actor=portal_user_a, item=ours, status=ItemStatus.DONE)
    assert exc.value.status == 403
    with pytest.raises(BusinessError):
        services.action_item_set_status(
            actor=portal_user_a, item=theirs, status=ItemStatus.CANCELLED
        )
    ours.refresh_from_db()
    assert ours.status == ItemStatus.OPEN


def test_partner_cannot_touch_another_partners_item(partner_b, portal_user_a):
    item = f.item(partner_b, owner_side=OwnerSide.PARTNER)
    with pytest.raises(Http404):
        services.action_item_set_status(actor=portal_user_a, item=item, status=ItemStatus.DONE)
    with pytest.raises(Http404):
        services.action_comment_add(actor=portal_user_a, item=item, body="hi")


def test_partner_comments_and_staff_hear(manager, partner_a, portal_user_a):
    item = f.item(partner_a, owner_side=OwnerSide.COMPANY, owner_user=manager)
    services.action_comment_add(actor=portal_user_a, item=item, body="  Working on it ")
    assert item.comments.get().body == "Working on it"
    assert any("New comment" in t for t in _notes(manager))
    with pytest.raises(BusinessError):
        services.action_comment_add(actor=portal_user_a, item=item, body="   ")


def test_overdue_reminders_once_a_week(manager, partner_a, portal_admin_a):
    late = f.item(partner_a, owner_side=OwnerSide.PARTNER, due_on=f.day("2026-11-01"))
    f.item(partner_a, owner_side=OwnerSide.COMPANY, owner_user=manager, due_on=f.day("2026-12-31"))
    f.item(partner_a, status=ItemStatus.DONE, due_on=f.day("2026-10-01"))
    report = reminders.send_reminders(f.day("2026-11-10"))
    assert (report.items, report.notifications) == (1, 1)
    assert any(late.title in t for t in _notes(portal_admin_a))
    assert reminders.send_reminders(f.day("2026-11-12")).items == 0
    assert reminders.send_reminders(f.day("2026-11-17")).items == 1


def test_goal_progress_from_observations(manager, partner_a):
    revenue = f.metric("t_revenue", unit="KRW")
    defects = f.metric("t_defect_rate", unit="%", direction=Direction.LOWER, rollup="average")
    plan = f.plan(partner_a, "2026")
    f.goal(plan, revenue, 1000)
    f.goal(plan, defects, 2)
    for month, value in (("2026-01", 300), ("2026-02", 200)):
        f.observe(revenue, partner_a, month, value)
    f.observe(defects, partner_a, "2026-03", 4)
    progress = {p.goal.metric.code: p for p in selectors.plan_progress(plan)}
    assert progress["t_revenue"].actual == Decimal("500")
    assert progress["t_revenue"].percent == Decimal("50.0")
    assert progress["t_defect_rate"].percent == Decimal("50.0")
    assert selectors.overall_percent(list(progress.values())) == Decimal("50.0")


def test_goal_without_data_is_no_data_not_zero(partner_a):
    plan = f.plan(partner_a, "2026")
    f.goal(plan, f.metric(), 10)
    (progress,) = selectors.plan_progress(plan)
    assert progress.actual is None and progress.percent is None
    assert selectors.overall_percent([progress]) is None


def test_partner_proposes_goal_staff_agrees_then_goals_are_fixed(manager, partner_a, portal_user_a):
    metric = f.metric()
    plan = f.plan(partner_a, owner=manager)
    with pytest.raises(BusinessError):
        services.plan_set_status(actor=manager, plan=plan, status=PlanStatus.AGREED)
    goal = services.goal_add(
        actor=portal_user_a, plan=plan, data={"title": "More", "metric": metric, "target": 5}
    )
    assert goal.proposed_by == portal_user_a
    assert any("proposed a goal" in t for t in _notes(manager))
    with pytest.raises((PermissionDenied, Http404)):
        services.plan_set_status(actor=portal_user_a, plan=plan, status=PlanStatus.AGREED)
    services.plan_set_status(actor=manager, plan=plan, status=PlanStatus.AGREED)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED and plan.agreed_by == manager
    with pytest.raises(BusinessError):
        services.goal_add(
            actor=manager, plan=plan, data={"title": "x", "metric": metric, "target": 1}
        )
    assert plan.goals.count() == 1


def test_unknown_metric_is_refused(manager, partner_a):
    plan = f.plan(partner_a)
    with pytest.raises(BusinessError) as exc:
        services.goal_add(
            actor=manager, plan=plan, data={"title": "x", "metric": 999999, "target": 1}
        )
    assert exc.value.field == "metric"
