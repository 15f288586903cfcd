"""Writes on reviews, action items and joint business plans.

Every service takes the acting user first, re-checks access inside its transaction, validates
with the model's rules (``full_clean``) before writing, and raises ``BusinessError`` for a rule
of the workflow: a review goes planned → held → closed; the partner changes only the action
items its side owns; a plan's goals are fixed once both sides agreed the plan.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.metrics.models import Metric
from prm.notifications.services import notify
from prm.partners.models import Partner
from prm.reviews.models import (
    ActionComment,
    ActionItem,
    BusinessPlan,
    Goal,
    ItemStatus,
    OwnerSide,
    PlanComment,
    PlanStatus,
    Review,
    ReviewStatus,
)

REVIEW_FIELDS = (
    "title",
    "period_kind",
    "period_start",
    "meeting_date",
    "attendees",
    "shared_notes",
    "staff_notes",
    "owner",
)
ITEM_FIELDS = (
    "review",
    "title",
    "description",
    "owner_side",
    "owner_user",
    "owner_contact",
    "due_on",
    "external_id",
)
PLAN_FIELDS = ("title", "period_kind", "period_start", "summary", "owner")
GOAL_FIELDS = ("title", "metric", "target", "note")
MAX_COMMENT = 5000


def _apply(instance, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        setattr(instance, name, value)


def _locked(actor: User, model, pk: int, action: Action = Action.CHANGE):
    return access.get_object(
        actor,
        access.scope(actor, model, action).select_for_update(of=("self",)),
        action,
        pk=pk,
    )


def _check_staff_owner(user: User | None, field: str = "owner") -> None:
    if user is not None and (
        not user.is_active or user.role not in (Role.ADMIN, Role.PARTNER_MANAGER)
    ):
        raise BusinessError(_("The owner must be an active partner manager or admin."), field=field)


def _comment_text(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise BusinessError(_("Write a comment."), field="body")
    if len(body) > MAX_COMMENT:
        raise BusinessError(
            _("A comment has at most %(count)s characters.") % {"count": MAX_COMMENT},
            field="body",
        )
    return body


def _now():
    return timezone.now()


# Reviews ---------------------------------------------------------------------------------


def _check_unique_review(review: Review) -> None:
    clash = (
        access.unrestricted(Review)
        .filter(
            partner_id=review.partner_id,
            period_kind=review.period_kind,
            period_start=review.period_start,
        )
        .exclude(pk=review.pk)
        .exists()
    )
    if clash:
        raise BusinessError(
            _("This partner already has a review for %(period)s.")
            % {"period": review.period_label},
            code="duplicate",
            status=409,
            field="period_start",
        )


@transaction.atomic
def review_create(*, actor: User, partner: Partner, data: dict[str, Any]) -> Review:
    """A planned review of one partner for one period (one review per partner and period).
    Its owner defaults to the acting staff member."""
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if not access.can_add(actor, Review, partner):
        raise PermissionDenied
    review = Review(partner=partner)
    _apply(review, data, REVIEW_FIELDS)
    if review.owner_id is None and actor.role in (Role.ADMIN, Role.PARTNER_MANAGER):
        review.owner = actor
    _check_staff_owner(review.owner)
    review.full_clean(validate_constraints=False)
    _check_unique_review(review)
    review.save()
    return review


@transaction.atomic
def review_update(*, actor: User, review: Review, data: dict[str, Any]) -> Review:
    """Change a review; a closed review keeps its period."""
    review = _locked(actor, Review, review.pk)
    if review.status == ReviewStatus.CLOSED and (
        {"period_kind", "period_start"} & {k for k, v in data.items() if getattr(review, k) != v}
    ):
        raise BusinessError(
            _("A closed review keeps its period."), code="closed", field="period_start"
        )
    _apply(review, data, REVIEW_FIELDS)
    _check_staff_owner(review.owner)
    review.full_clean(validate_constraints=False)
    _check_unique_review(review)
    review.save()
    return review


# planned → held → closed; a closed review may be reopened (back to held).
TRANSITIONS = {
    ReviewStatus.PLANNED: {ReviewStatus.HELD},
    ReviewStatus.HELD: {ReviewStatus.CLOSED, ReviewStatus.PLANNED},
    ReviewStatus.CLOSED: {ReviewStatus.HELD},
}


@transaction.atomic
def review_set_status(*, actor: User, review: Review, status: str) -> Review:
    """Move a review along planned → held → closed (or back one step). Holding it dates
    the meeting today unless a date was entered; the partner is told when the notes of a
    held review are ready."""
    review = _locked(actor, Review, review.pk)
    if status not in ReviewStatus.values:
        raise BusinessError(_("Unknown status."), field="status")
    current = ReviewStatus(review.status)
    if status not in TRANSITIONS[current]:
        raise BusinessError(
            _("A review that is %(current)s cannot become %(status)s.")
            % {"current": current.label, "status": ReviewStatus(status).label},
            code="transition",
            status=409,
            field="status",
        )
    review.status = status
    if status == ReviewStatus.HELD:
        review.held_at = review.held_at or _now()
        review.meeting_date = review.meeting_date or timezone.localdate()
        review.closed_at = None
    elif status == ReviewStatus.CLOSED:
        review.closed_at = _now()
    else:
        review.held_at = None
    review.save()
    if status == ReviewStatus.HELD and current == ReviewStatus.PLANNED:
        _notify_partner_users(
            review.partner,
            title=lambda: (
                _("Review %(period)s: meeting notes and action items")
                % {"period": review.period_label}
            ),
            url=_portal_url("reviews:portal_detail", review.pk),
        )
    return review


@transaction.atomic
def review_delete(*, actor: User, review: Review) -> None:
    """Only a planned review is deleted; its action items stay with the partner."""
    review = _locked(actor, Review, review.pk, Action.DELETE)
    if review.status != ReviewStatus.PLANNED:
        raise BusinessError(
            _("Only a planned review can be deleted; close it instead."), code="not_planned"
        )
    review.delete()


# Action items ----------------------------------------------------------------------------


def _check_item_refs(actor: User, item: ActionItem) -> None:
    """References in an item's data must be visible to the actor."""
    if item.review_id and not access.scope(actor, Review).filter(pk=item.review_id).exists():
        raise BusinessError(_("Unknown review."), code="not_found", status=404, field="review")
    if item.owner_side == OwnerSide.COMPANY and item.owner_user_id:
        _check_staff_owner(item.owner_user, field="owner_user")


@transaction.atomic
def action_item_create(
    *, actor: User, partner: Partner, data: dict[str, Any], review: Review | None = None
) -> ActionItem:
    """A new open action item; staff add them (the partner updates the ones it owns). The
    partner's users are told about an item their side owns."""
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if not access.can_add(actor, ActionItem, partner):
        raise PermissionDenied
    item = ActionItem(partner=partner, review=review)
    _apply(item, data, ITEM_FIELDS)
    if (
        item.owner_side == OwnerSide.COMPANY
        and item.owner_user_id is None
        and actor.role in (Role.ADMIN, Role.PARTNER_MANAGER)
    ):
        item.owner_user = actor
    _check_item_refs(actor, item)
    item.full_clean()
    item.save()
    if item.owner_side == OwnerSide.PARTNER:
        _notify_item_owner(
            item,
            title=lambda: _("New action item for you: %(title)s") % {"title": item.title},
        )
    return item


def _portal_may_change(actor: User, item: ActionItem) -> None:
    if actor.is_portal_role and item.owner_side != OwnerSide.PARTNER:
        raise BusinessError(
            _("Only our company changes the items it owns; add a comment instead."),
            code="not_owner",
            status=403,
        )


@transaction.atomic
def action_item_update(*, actor: User, item: ActionItem, data: dict[str, Any]) -> ActionItem:
    """Change an item's content (staff). The status changes through
    :func:`action_item_set_status`."""
    item = _locked(actor, ActionItem, item.pk)
    if actor.is_portal_role:
        raise PermissionDenied
    before_side = item.owner_side
    _apply(item, data, ITEM_FIELDS)
    if "owner_side" in data and item.owner_side != before_side:
        # The owner moves to the other side: an owner of the old side no longer fits.
        if "owner_user" not in data:
            item.owner_user = None
        if item.owner_side == OwnerSide.COMPANY and "owner_contact" not in data:
            item.owner_contact = None
    _check_item_refs(actor, item)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_set_status(*, actor: User, item: ActionItem, status: str) -> ActionItem:
    """Mark an item done, reopen it, or (staff only) cancel it. The partner does this for
    the items its side owns; the other side is told when an item is done."""
    item = _locked(actor, ActionItem, item.pk)
    _portal_may_change(actor, item)
    if status not in ItemStatus.values:
        raise BusinessError(_("Unknown status."), field="status")
    if status == ItemStatus.CANCELLED and actor.is_portal_role:
        raise BusinessError(
            _("Only our company cancels an action item."), code="not_owner", status=403
        )
    if status == item.status:
        return item
    item.status = status
    if status == ItemStatus.DONE:
        item.done_at = _now()
        item.done_by = actor
    else:
        item.done_at = None
        item.done_by = None
    item.save()
    if status == ItemStatus.DONE:
        title = lambda: _("Action item done: %(title)s") % {"title": item.title}  # noqa: E731
        if actor.is_portal_role:
            _notify_staff(item, title=title)
        elif item.owner_side == OwnerSide.PARTNER:
            _notify_item_owner(item, title=title)
    return item


@transaction.atomic
def action_item_delete(*, actor: User, item: ActionItem) -> None:
    item = _locked(actor, ActionItem, item.pk, Action.DELETE)
    item.delete()


@transaction.atomic
def action_comment_add(*, actor: User, item: ActionItem, body: str) -> ActionComment:
    """A comment on an item, by staff or by the partner's users."""
    item = access.get_object(actor, ActionItem, Action.VIEW, pk=item.pk)
    if not access.can_add(actor, ActionComment, item.partner):
        raise PermissionDenied
    comment = ActionComment(item=item, author=actor, body=_comment_text(body))
    comment.full_clean()
    comment.save()
    if actor.is_portal_role:
        _notify_staff(item, title=lambda: _("New comment on %(title)s") % {"title": item.title})
    return comment


# Business plans --------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: User, partner: Partner, data: dict[str, Any]) -> BusinessPlan:
    """A draft joint business plan for one period."""
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if not access.can_add(actor, BusinessPlan, partner):
        raise PermissionDenied
    plan = BusinessPlan(partner=partner)
    _apply(plan, data, PLAN_FIELDS)
    if plan.owner_id is None and actor.role in (Role.ADMIN, Role.PARTNER_MANAGER):
        plan.owner = actor
    _check_staff_owner(plan.owner)
    plan.full_clean()
    plan.save()
    return plan


def _require_draft(plan: BusinessPlan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise BusinessError(
            _("The plan is agreed; reopen it to change its goals."), code="agreed", status=409
        )


@transaction.atomic
def plan_update(*, actor: User, plan: BusinessPlan, data: dict[str, Any]) -> BusinessPlan:
    plan = _locked(actor, BusinessPlan, plan.pk)
    if {"period_kind", "period_start"} & set(data):
        _require_draft(plan)
    _apply(plan, data, PLAN_FIELDS)
    _check_staff_owner(plan.owner)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_set_status(*, actor: User, plan: BusinessPlan, status: str) -> BusinessPlan:
    """Staff agree a draft plan that has goals (both sides then track it), or reopen it."""
    plan = _locked(actor, BusinessPlan, plan.pk)
    if status not in PlanStatus.values:
        raise BusinessError(_("Unknown status."), field="status")
    if status == plan.status:
        return plan
    if status == PlanStatus.AGREED:
        if not plan.goals.exists():
            raise BusinessError(
                _("Add at least one goal before agreeing the plan."), code="no_goals"
            )
        plan.agreed_at = _now()
        plan.agreed_by = actor
    else:
        plan.agreed_at = None
        plan.agreed_by = None
    plan.status = status
    plan.save()
    if status == PlanStatus.AGREED:
        _notify_partner_users(
            plan.partner,
            title=lambda: _("Business plan agreed: %(title)s") % {"title": plan.title},
            url=_portal_url("reviews:portal_plan", plan.pk),
        )
    return plan


@transaction.atomic
def plan_delete(*, actor: User, plan: BusinessPlan) -> None:
    plan = _locked(actor, BusinessPlan, plan.pk, Action.DELETE)
    _require_draft(plan)
    plan.delete()


def _metric_ref(actor: User, metric: Metric | int | None) -> Metric:
    pk = getattr(metric, "pk", metric)
    found = access.scope(actor, Metric).filter(pk=pk, active=True).first() if pk else None
    if found is None:
        raise BusinessError(_("Unknown metric."), code="not_found", field="metric")
    return found


@transaction.atomic
def goal_add(*, actor: User, plan: BusinessPlan, data: dict[str, Any]) -> Goal:
    """A goal of a draft plan, proposed by staff or by the partner."""
    plan = access.get_object(
        actor, access.scope(actor, BusinessPlan).select_for_update(of=("self",)), pk=plan.pk
    )
    if not access.can_add(actor, Goal, plan.partner):
        raise PermissionDenied
    _require_draft(plan)
    goal = Goal(plan=plan, proposed_by=actor)
    data = dict(data)
    metric = _metric_ref(actor, data.pop("metric", None))
    _apply(goal, data, GOAL_FIELDS)
    goal.metric = metric
    goal.full_clean()
    goal.save()
    if actor.is_portal_role:
        recipients = [u for u in (plan.owner, plan.partner.owner) if u is not None]
        notify(
            recipients,
            title=lambda: (
                _("%(partner)s proposed a goal: %(title)s")
                % {"partner": plan.partner.name, "title": goal.title}
            ),
            url=plan.get_absolute_url(),
        )
    return goal


@transaction.atomic
def goal_update(*, actor: User, goal: Goal, data: dict[str, Any]) -> Goal:
    goal = _locked(actor, Goal, goal.pk)
    _require_draft(goal.plan)
    data = dict(data)
    if "metric" in data:
        data["metric"] = _metric_ref(actor, data["metric"])
    _apply(goal, data, GOAL_FIELDS)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_delete(*, actor: User, goal: Goal) -> None:
    goal = _locked(actor, Goal, goal.pk, Action.DELETE)
    _require_draft(goal.plan)
    goal.delete()


@transaction.atomic
def plan_comment_add(*, actor: User, plan: BusinessPlan, body: str) -> PlanComment:
    plan = access.get_object(actor, BusinessPlan, Action.VIEW, pk=plan.pk)
    if not access.can_add(actor, PlanComment, plan.partner):
        raise PermissionDenied
    comment = PlanComment(plan=plan, author=actor, body=_comment_text(body))
    comment.full_clean()
    comment.save()
    return comment


# Notifications ---------------------------------------------------------------------------


def _portal_url(name: str, pk: int) -> str:
    from django.urls import reverse

    return reverse(name, args=[pk])


def partner_recipients(partner: Partner) -> list[User]:
    """Who hears about a partner's side: its partner admins, else all its portal users."""
    users = list(
        User.objects.filter(partner_id=partner.pk, is_active=True, role=Role.PARTNER_ADMIN)
    )
    if not users:
        users = list(
            User.objects.filter(partner_id=partner.pk, is_active=True, role=Role.PARTNER_USER)
        )
    return users


def item_owners(item: ActionItem) -> list[User]:
    """Who owns an item: its owner user, else the review's or partner's owner (our side),
    else the partner's admins (their side)."""
    if item.owner_user_id and item.owner_user.is_active:
        return [item.owner_user]
    if item.owner_side == OwnerSide.PARTNER:
        return partner_recipients(item.partner)
    owners = [item.review.owner if item.review_id else None, item.partner.owner]
    return [u for u in owners if u is not None][:1]


def _notify_partner_users(partner: Partner, *, title, url: str) -> None:
    notify(partner_recipients(partner), title=title, url=url)


def _notify_item_owner(item: ActionItem, *, title) -> None:
    url = (
        _portal_url("reviews:portal_item", item.pk)
        if item.owner_side == OwnerSide.PARTNER
        else item.get_absolute_url()
    )
    notify(item_owners(item), title=title, url=url)


def _notify_staff(item: ActionItem, *, title) -> None:
    owners = [
        item.owner_user if item.owner_side == OwnerSide.COMPANY else None,
        item.review.owner if item.review_id else None,
        item.partner.owner,
    ]
    notify([u for u in owners if u is not None], title=title, url=item.get_absolute_url())
