"""/api/v1/reviews, /api/v1/reviews/{id}/action-items, /api/v1/action-items and
/api/v1/business-plans (with the goals' progress). Lists come from the same FilterSets as the
list pages; writes go through ``prm.reviews.services``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.metrics.models import Metric
from prm.metrics.periods import Period
from prm.partners.models import Contact, Partner
from prm.reviews import selectors, services
from prm.reviews.filters import ActionItemFilter, BusinessPlanFilter, ReviewFilter
from prm.reviews.models import ActionComment, ActionItem, BusinessPlan, Goal, Review
from prm.reviews.schemas import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    BusinessPlanIn,
    BusinessPlanOut,
    BusinessPlanPatch,
    CommentIn,
    CommentOut,
    GoalIn,
    ReviewIn,
    ReviewItemIn,
    ReviewOut,
    ReviewPatch,
)

router = Router()

ReviewQuery = query_schema(ReviewFilter)
ActionItemQuery = query_schema(ActionItemFilter)
BusinessPlanQuery = query_schema(BusinessPlanFilter)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


class PlanPagination(PageNumberSizePagination):
    """Pages of plans with every goal's progress computed for the page at once."""

    def paginate_queryset(self, queryset, pagination, **params):
        page = super().paginate_queryset(queryset, pagination, **params)
        plans = list(page["items"])
        progress = selectors.progress_for(plans)
        for plan in plans:
            plan.goal_progress = progress[plan.pk]
        page["items"] = plans
        return page


def _partner_ref(user: User, pk: int) -> Partner:
    partner = access.scope(user, Partner).filter(pk=pk).first()
    if partner is None:
        raise BusinessError(_("Unknown partner."), code="not_found", status=404, field="partner")
    return partner


def _may_add(user: User, model, partner: Partner) -> None:
    """Refuse before reading the body: who may not add answers 403 whatever they sent."""
    if not access.can_add(user, model, partner):
        raise PermissionDenied


def _user_ref(pk: int | None, field: str, partner: Partner | None = None) -> User | None:
    if pk is None:
        return None
    users = User.objects.filter(pk=pk, is_active=True)
    staff = users.filter(role__in=[Role.ADMIN, Role.PARTNER_MANAGER])
    found = staff.first()
    if found is None and partner is not None:
        found = users.filter(partner_id=partner.pk).first()
    if found is None:
        raise BusinessError(_("Unknown user."), code="not_found", field=field)
    return found


def _period(data: dict[str, Any], current=None) -> None:
    """``period_kind`` and any day of the period (``period_start``) → the period's kind and
    first day; a PATCH may send one of them and keep the other."""
    kind = data.get("period_kind") or (current.period_kind if current else None)
    start = data.get("period_start") or (current.period_start if current else None)
    if not ({"period_kind", "period_start"} & set(data)) or kind is None or start is None:
        data.pop("period_kind", None)
        data.pop("period_start", None)
        return
    period = Period.containing(kind, start)
    data["period_kind"] = period.kind
    data["period_start"] = period.start


def _review_data(data: dict[str, Any], current=None) -> dict[str, Any]:
    _period(data, current)
    if "attendees" in data:
        data["attendees"] = "\n".join(a.strip() for a in data["attendees"] or [] if a.strip())
    if "owner" in data:
        data["owner"] = _user_ref(data["owner"], "owner")
    return data


def _item_data(user: User, partner: Partner, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("review") is not None:
        review = access.scope(user, Review).filter(pk=data["review"]).first()
        if review is None:
            raise BusinessError(_("Unknown review."), code="not_found", status=404, field="review")
        data["review"] = review
    if "owner_user" in data:
        data["owner_user"] = _user_ref(data["owner_user"], "owner_user", partner)
    if data.get("owner_contact") is not None:
        contact = access.scope(user, Contact).filter(pk=data["owner_contact"]).first()
        if contact is None:
            raise BusinessError(_("Unknown contact."), code="not_found", field="owner_contact")
        data["owner_contact"] = contact
    return data


def _goal_data(user: User, data: dict[str, Any]) -> dict[str, Any]:
    metric = access.scope(user, Metric).filter(pk=data["metric"], active=True).first()
    if metric is None:
        raise BusinessError(
            _("Unknown metric."),
            code="not_found",
            field="metric",
        )
    return {**data, "metric": metric}


# Reviews ---------------------------------------------------------------------------------


@router.get("/reviews", response=list[ReviewOut], url_name="review_list", summary="List reviews")
@paginate(PageNumberSizePagination)
def review_list(request, filters: Query[ReviewQuery]):
    """Periodic reviews (QBR) you may see. Portal users see their own partner's, without
    the staff notes."""
    filterset, queryset = selectors.review_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/reviews",
    response={201: ReviewOut, **WRITE_ERRORS},
    url_name="review_create",
    summary="Create a review",
)
def review_create(request, payload: ReviewIn):
    """A planned review of a partner for a period; one per partner and period."""
    partner = _partner_ref(request.user, payload.partner)
    _may_add(request.user, Review, partner)
    data = _review_data(payload.model_dump(exclude={"partner"}))
    review = services.review_create(actor=request.user, partner=partner, data=data)
    return Status(201, selectors.review_get(user=request.user, pk=review.pk))


@router.get(
    "/reviews/{review_id}",
    response={200: ReviewOut, **READ_ERRORS},
    url_name="review_detail",
    summary="Read a review",
)
def review_detail(request, review_id: PathId):
    return selectors.review_get(user=request.user, pk=review_id)


@router.patch(
    "/reviews/{review_id}",
    response={200: ReviewOut, **WRITE_ERRORS},
    url_name="review_update",
    summary="Change a review",
)
def review_update(request, review_id: PathId, payload: ReviewPatch):
    """Changes the fields sent; `status` moves the review one step (planned → held →
    closed, or back one step)."""
    review = access.get_object(request.user, Review, Action.CHANGE, pk=review_id)
    data = _review_data(payload.model_dump(exclude_unset=True), review)
    status = data.pop("status", None)
    with transaction.atomic():
        if data:
            services.review_update(actor=request.user, review=review, data=data)
        if status is not None and status != review.status:
            services.review_set_status(actor=request.user, review=review, status=status)
    return selectors.review_get(user=request.user, pk=review_id)


@router.delete(
    "/reviews/{review_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="review_delete",
    summary="Delete a planned review",
)
def review_delete(request, review_id: PathId):
    review = selectors.review_get(user=request.user, pk=review_id)
    services.review_delete(actor=request.user, review=review)
    return Status(204, None)


@router.get(
    "/reviews/{review_id}/action-items",
    response={200: list[ActionItemOut], **READ_ERRORS},
    url_name="review_item_list",
    summary="List a review's action items",
)
@paginate(PageNumberSizePagination)
def review_item_list(request, review_id: PathId, filters: Query[ActionItemQuery]):
    review = selectors.review_get(user=request.user, pk=review_id)
    filterset, queryset = selectors.action_item_list(
        user=request.user,
        params=request.GET,
        request=request,
        base=review.action_items.all(),
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/reviews/{review_id}/action-items",
    response={201: ActionItemOut, **WRITE_ERRORS},
    url_name="review_item_create",
    summary="Add an action item to a review",
)
def review_item_create(request, review_id: PathId, payload: ReviewItemIn):
    review = selectors.review_get(user=request.user, pk=review_id)
    _may_add(request.user, ActionItem, review.partner)
    data = _item_data(request.user, review.partner, payload.model_dump())
    item = services.action_item_create(
        actor=request.user, partner=review.partner, review=review, data=data
    )
    return Status(201, selectors.action_item_get(user=request.user, pk=item.pk))


# Action items ----------------------------------------------------------------------------


@router.get(
    "/action-items",
    response=list[ActionItemOut],
    url_name="action_item_list",
    summary="List action items",
)
@paginate(PageNumberSizePagination)
def action_item_list(request, filters: Query[ActionItemQuery]):
    """Action items both sides track; `overdue=true` keeps the open ones past their due
    date."""
    filterset, queryset = selectors.action_item_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/action-items",
    response={201: ActionItemOut, **WRITE_ERRORS},
    url_name="action_item_create",
    summary="Create an action item",
)
def action_item_create(request, payload: ActionItemIn):
    partner = _partner_ref(request.user, payload.partner)
    _may_add(request.user, ActionItem, partner)
    data = _item_data(request.user, partner, payload.model_dump(exclude={"partner"}))
    review = data.pop("review", None)
    item = services.action_item_create(
        actor=request.user, partner=partner, review=review, data=data
    )
    return Status(201, selectors.action_item_get(user=request.user, pk=item.pk))


@router.get(
    "/action-items/{action_item_id}",
    response={200: ActionItemOut, **READ_ERRORS},
    url_name="action_item_detail",
    summary="Read an action item",
)
def action_item_detail(request, action_item_id: PathId):
    return selectors.action_item_get(user=request.user, pk=action_item_id)


@router.patch(
    "/action-items/{action_item_id}",
    response={200: ActionItemOut, **WRITE_ERRORS},
    url_name="action_item_update",
    summary="Change an action item",
)
def action_item_update(request, action_item_id: PathId, payload: ActionItemPatch):
    """Staff change any field. The partner's users change only `status` (open or done) of
    the items their side owns."""
    item = access.get_object(request.user, ActionItem, Action.CHANGE, pk=action_item_id)
    data = _item_data(request.user, item.partner, payload.model_dump(exclude_unset=True))
    status = data.pop("status", None)
    if data and request.user.is_portal_role:
        raise PermissionDenied
    with transaction.atomic():
        if data:
            services.action_item_update(actor=request.user, item=item, data=data)
        if status is not None:
            services.action_item_set_status(actor=request.user, item=item, status=status)
    return selectors.action_item_get(user=request.user, pk=action_item_id)


@router.delete(
    "/action-items/{action_item_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="action_item_delete",
    summary="Delete an action item",
)
def action_item_delete(request, action_item_id: PathId):
    item = selectors.action_item_get(user=request.user, pk=action_item_id)
    services.action_item_delete(actor=request.user, item=item)
    return Status(204, None)


@router.get(
    "/action-items/{action_item_id}/comments",
    response={200: list[CommentOut], **READ_ERRORS},
    url_name="action_item_comments",
    summary="List an action item's comments",
)
def action_item_comments(request, action_item_id: PathId):
    item = selectors.action_item_get(user=request.user, pk=action_item_id)
    return list(access.scope(request.user, ActionComment).filter(item=item))


@router.post(
    "/action-items/{action_item_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    url_name="action_item_comment",
    summary="Comment on an action item",
)
def action_item_comment(request, action_item_id: PathId, payload: CommentIn):
    item = selectors.action_item_get(user=request.user, pk=action_item_id)
    _may_add(request.user, ActionComment, item.partner)
    comment = services.action_comment_add(actor=request.user, item=item, body=payload.body)
    return Status(201, comment)


# Business plans --------------------------------------------------------------------------


@router.get(
    "/business-plans",
    response=list[BusinessPlanOut],
    url_name="business_plan_list",
    summary="List joint business plans",
)
@paginate(PlanPagination)
def business_plan_list(request, filters: Query[BusinessPlanQuery]):
    """Plans with their goals; each goal's `actual` is its metric over the plan's period
    and `percent` the attainment of its target."""
    filterset, queryset = selectors.plan_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/business-plans",
    response={201: BusinessPlanOut, **WRITE_ERRORS},
    url_name="business_plan_create",
    summary="Create a joint business plan",
)
def business_plan_create(request, payload: BusinessPlanIn):
    """A draft plan, with its goals (each names a metric by its id)."""
    partner = _partner_ref(request.user, payload.partner)
    _may_add(request.user, BusinessPlan, partner)
    data = payload.model_dump(exclude={"partner", "goals"})
    _period(data)
    if "owner" in data:
        data["owner"] = _user_ref(data["owner"], "owner")
    with transaction.atomic():
        plan = services.plan_create(actor=request.user, partner=partner, data=data)
        for goal in payload.goals:
            services.goal_add(
                actor=request.user, plan=plan, data=_goal_data(request.user, goal.model_dump())
            )
    return Status(201, selectors.plan_get(user=request.user, pk=plan.pk))


@router.get(
    "/business-plans/{business_plan_id}",
    response={200: BusinessPlanOut, **READ_ERRORS},
    url_name="business_plan_detail",
    summary="Read a joint business plan with its progress",
)
def business_plan_detail(request, business_plan_id: PathId):
    return selectors.plan_get(user=request.user, pk=business_plan_id)


@router.patch(
    "/business-plans/{business_plan_id}",
    response={200: BusinessPlanOut, **WRITE_ERRORS},
    url_name="business_plan_update",
    summary="Change a joint business plan",
)
def business_plan_update(request, business_plan_id: PathId, payload: BusinessPlanPatch):
    """`status: agreed` records that both sides agreed the plan (it needs a goal); `draft`
    reopens it."""
    plan = access.get_object(request.user, BusinessPlan, Action.CHANGE, pk=business_plan_id)
    data = payload.model_dump(exclude_unset=True)
    _period(data, plan)
    if "owner" in data:
        data["owner"] = _user_ref(data["owner"], "owner")
    status = data.pop("status", None)
    with transaction.atomic():
        if data:
            services.plan_update(actor=request.user, plan=plan, data=data)
        if status is not None:
            services.plan_set_status(actor=request.user, plan=plan, status=status)
    return selectors.plan_get(user=request.user, pk=business_plan_id)


@router.delete(
    "/business-plans/{business_plan_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="business_plan_delete",
    summary="Delete a draft business plan",
)
def business_plan_delete(request, business_plan_id: PathId):
    plan = selectors.plan_get(user=request.user, pk=business_plan_id)
    services.plan_delete(actor=request.user, plan=plan)
    return Status(204, None)


@router.post(
    "/business-plans/{business_plan_id}/goals",
    response={201: BusinessPlanOut, **WRITE_ERRORS},
    url_name="business_plan_goal_add",
    summary="Add or propose a goal",
)
def business_plan_goal_add(request, business_plan_id: PathId, payload: GoalIn):
    """Staff add goals to a draft plan; the partner's users propose them."""
    plan = selectors.plan_get(user=request.user, pk=business_plan_id)
    _may_add(request.user, Goal, plan.partner)
    services.goal_add(
        actor=request.user, plan=plan, data=_goal_data(request.user, payload.model_dump())
    )
    return Status(201, selectors.plan_get(user=request.user, pk=business_plan_id))
