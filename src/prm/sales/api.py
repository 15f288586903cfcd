"""/api/v1/deals: list, filter, read, register, change, delete; staff decisions
(approve, reject, request-info), stage moves, conflicts, and activities (partners log
theirs and read the shared ones; staff mark notes internal or shared).

Lists come from the selectors (the same FilterSet as the list page), objects from the access
layer, writes from ``prm.sales.services``. An id the caller may not see answers 404.
"""

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
from prm.partners.models import Partner
from prm.sales import selectors, services
from prm.sales.filters import DealFilter
from prm.sales.models import Deal, ProductCategory
from prm.sales.schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    ConflictOut,
    DealIn,
    DealOut,
    DealPatch,
    DecisionIn,
    ReasonIn,
)

router = Router()

DealQuery = query_schema(DealFilter)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _partner_ref(user: User, pk: int) -> Partner:
    partner = access.scope(user, Partner).filter(pk=pk).first()
    if partner is None:
        raise BusinessError(_("Unknown partner."), code="not_found", status=404, field="partner")
    return partner


def _deal_data(user: User, data: dict[str, Any]) -> dict[str, Any]:
    if "product_category" in data:
        code = data["product_category"]
        category = ProductCategory.objects.filter(code=code).first() if code else None
        if code and category is None:
            raise BusinessError(
                _("Unknown product category %(code)s; use one of: %(codes)s")
                % {
                    "code": code,
                    "codes": ", ".join(ProductCategory.objects.values_list("code", flat=True)),
                },
                field="product_category",
            )
        data["product_category"] = category
    if "owner" in data:
        if not user.is_staff_role:
            raise BusinessError(_("Only staff name the co-selling owner."), field="owner")
        owner = None
        if data["owner"] is not None:
            owner = User.objects.filter(
                pk=data["owner"], role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True
            ).first()
            if owner is None:
                raise BusinessError(_("Unknown user."), field="owner")
        data["owner"] = owner
    for name in ("title", "contact_name", "contact_email", "contact_phone", "products", "notes"):
        if name in data and data[name] is None:
            data[name] = ""
    return data


def _get(request, deal_id: int):
    return selectors.deal_get(user=request.user, pk=deal_id)


@router.get(
    "/deals",
    response=list[DealOut],
    tags=["deals"],
    url_name="deal_list",
    summary="List deals",
)
@paginate(PageNumberSizePagination)
def deal_list(request, filters: Query[DealQuery]):
    """Deals you may see: partners see their own registrations only."""
    filterset, queryset = selectors.deal_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/deals",
    response={201: DealOut, **WRITE_ERRORS},
    tags=["deals"],
    url_name="deal_create",
    summary="Register a deal",
)
def deal_create(request, payload: DealIn):
    """The customer is matched to an account (registration number, domain, name) or
    created; conflicts with other partners' registrations are checked at once."""
    role = access.role_of(request.user)
    if role is None or access.policy_of(Deal).filter(request.user, role, Action.ADD) is None:
        raise PermissionDenied
    partner = _partner_ref(request.user, payload.partner)
    customer = payload.model_dump(include=set(services.CUSTOMER_FIELDS))
    data = payload.model_dump(exclude={"partner", *services.CUSTOMER_FIELDS})
    if data.get("owner") is None:
        data.pop("owner", None)
    deal = services.deal_register(
        actor=request.user,
        partner=partner,
        customer=customer,
        data=_deal_data(request.user, data),
    )
    return Status(201, _get(request, deal.pk))


@router.get(
    "/deals/{deal_id}",
    response={200: DealOut, **READ_ERRORS},
    tags=["deals"],
    url_name="deal_detail",
    summary="Read a deal",
)
def deal_detail(request, deal_id: PathId):
    return _get(request, deal_id)


@router.patch(
    "/deals/{deal_id}",
    response={200: DealOut, **WRITE_ERRORS},
    tags=["deals"],
    url_name="deal_update",
    summary="Change a deal",
)
def deal_update(request, deal_id: PathId, payload: DealPatch):
    """Partners change their registrations while they are pending; conflicts are checked
    again. Changing a customer field names the customer anew. Staff move an approved deal
    through the pipeline with `stage` (and `close_reason` for won and lost)."""
    deal = _get(request, deal_id)
    data = payload.model_dump(exclude_unset=True)
    stage, close_reason = data.pop("stage", None), data.pop("close_reason", None) or ""
    if stage is not None and not request.user.is_staff_role:
        raise PermissionDenied
    customer = {k: data.pop(k) for k in services.CUSTOMER_FIELDS if k in data}
    if customer:
        current = {
            "customer_name": deal.customer_display,
            "customer_domain": deal.account.domain,
            "customer_registration_number": deal.account.registration_number,
        }
        customer = {**current, **{k: v or "" for k, v in customer.items()}}
    with transaction.atomic():  # both or neither
        if data or customer or stage is None:
            services.deal_update(
                actor=request.user,
                deal=deal,
                data=_deal_data(request.user, data),
                customer=customer or None,
            )
        if stage is not None:
            services.deal_move(actor=request.user, deal=deal, stage=stage, reason=close_reason)
    return _get(request, deal_id)


@router.delete(
    "/deals/{deal_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["deals"],
    url_name="deal_delete",
    summary="Delete a deal",
)
def deal_delete(request, deal_id: PathId):
    services.deal_delete(actor=request.user, deal=_get(request, deal_id))
    return Status(204, None)


def _decide(request, deal_id: int, decision: str, payload: DecisionIn | ReasonIn):
    deal = _get(request, deal_id)
    if not request.user.is_staff_role:
        raise PermissionDenied
    services.deal_decide(actor=request.user, deal=deal, decision=decision, reason=payload.reason)
    return _get(request, deal_id)


@router.post(
    "/deals/{deal_id}/approve",
    response={200: DealOut, **WRITE_ERRORS},
    tags=["deals"],
    url_name="deal_approve",
    summary="Approve a registration (staff)",
)
def deal_approve(request, deal_id: PathId, payload: DecisionIn):
    """Sets the protection period. 409 when the deal was already decided."""
    return _decide(request, deal_id, "approve", payload)


@router.post(
    "/deals/{deal_id}/reject",
    response={200: DealOut, **WRITE_ERRORS},
    tags=["deals"],
    url_name="deal_reject",
    summary="Reject a registration with a reason (staff)",
)
def deal_reject(request, deal_id: PathId, payload: ReasonIn):
    return _decide(request, deal_id, "reject", payload)


@router.post(
    "/deals/{deal_id}/request-info",
    response={200: DealOut, **WRITE_ERRORS},
    tags=["deals"],
    url_name="deal_request_info",
    summary="Ask the partner for more information (staff)",
)
def deal_request_info(request, deal_id: PathId, payload: ReasonIn):
    return _decide(request, deal_id, "request_info", payload)


@router.get(
    "/deals/{deal_id}/conflicts",
    response={200: list[ConflictOut], **READ_ERRORS, **errors(403)},
    tags=["deals"],
    url_name="deal_conflicts",
    summary="The possible conflicts of a registration (staff)",
)
def deal_conflicts(request, deal_id: PathId):
    deal = _get(request, deal_id)
    if not request.user.is_staff_role:
        raise PermissionDenied
    return list(selectors.deal_conflicts(user=request.user, deal=deal))


@router.get(
    "/deals/{deal_id}/activities",
    response=list[ActivityOut],
    tags=["deals"],
    url_name="deal_activities",
    summary="Activities and notes of a deal",
)
@paginate(PageNumberSizePagination)
def deal_activities(request, deal_id: PathId):
    """Newest first. Partners see their own deal's shared activities (what they wrote and
    what staff shared), never staff-internal notes."""
    deal = _get(request, deal_id)
    return access.scope(request.user, deal.activities.all()).select_related("user", "deal")


@router.post(
    "/deals/{deal_id}/activities",
    response={201: ActivityOut, **WRITE_ERRORS},
    tags=["deals"],
    url_name="deal_activity_create",
    summary="Log an activity or note on a deal",
)
def deal_activity_create(request, deal_id: PathId, payload: ActivityIn):
    """`shared` is for staff (internal by default); what a partner writes is shared."""
    deal = _get(request, deal_id)
    data = payload.model_dump(exclude_unset=True)
    if "shared" in data and not request.user.is_staff_role:
        raise BusinessError(_("Only staff mark a note internal or shared."), field="shared")
    activity = services.activity_add(
        actor=request.user,
        deal=deal,
        kind=payload.kind,
        text=payload.text,
        shared=payload.shared,
    )
    return Status(201, activity)


@router.patch(
    "/deals/{deal_id}/activities/{activity_id}",
    response={200: ActivityOut, **WRITE_ERRORS},
    tags=["deals"],
    url_name="deal_activity_update",
    summary="Mark a note internal or shared (staff)",
)
def deal_activity_update(request, deal_id: PathId, activity_id: PathId, payload: ActivityPatch):
    deal = _get(request, deal_id)
    activity = access.get_object(request.user, deal.activities.all(), Action.VIEW, pk=activity_id)
    return services.activity_share(actor=request.user, activity=activity, shared=payload.shared)
