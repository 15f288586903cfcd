"""/api/v1/commission-statements (partners read their own; staff approve and mark paid)
and /api/v1/commission-rules (staff only)."""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from prm.accounts.models import User
from prm.api.filters import query_schema, require_valid
from prm.api.pagination import PageNumberSizePagination
from prm.api.schemas import PathId, errors
from prm.commissions import selectors, services
from prm.commissions.filters import RuleFilter, StatementFilter
from prm.commissions.models import CommissionStatement, StatementStatus
from prm.commissions.schemas import (
    RuleIn,
    RuleOut,
    RulePatch,
    StatementDetailOut,
    StatementOut,
    StatementPatch,
)
from prm.core import access
from prm.core.errors import BusinessError
from prm.partners.models import Partner, Tier
from prm.sales.models import ProductCategory

router = Router()

StatementQuery = query_schema(StatementFilter)
RuleQuery = query_schema(RuleFilter)

READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _staff(user: User) -> None:
    # Rules are staff data: to a portal user they do not exist.
    if not user.is_staff_role:
        raise Http404


def _rule_data(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Request values → model values: ids and codes become the objects they name."""
    if data.get("partner") is not None:
        partner = access.scope(user, Partner).filter(pk=data["partner"]).first()
        if partner is None:
            raise BusinessError(
                _("Unknown partner."), code="not_found", status=404, field="partner"
            )
        data["partner"] = partner
    if data.get("tier"):
        tier = Tier.objects.filter(code=data["tier"]).first()
        if tier is None:
            raise BusinessError(_("Unknown tier %(tier)s.") % {"tier": data["tier"]}, field="tier")
        data["tier"] = tier
    elif "tier" in data:
        data["tier"] = None
    if data.get("product_category"):
        category = ProductCategory.objects.filter(code=data["product_category"]).first()
        if category is None:
            raise BusinessError(
                _("Unknown product category %(code)s.") % {"code": data["product_category"]},
                field="product_category",
            )
        data["product_category"] = category
    elif "product_category" in data:
        data["product_category"] = None
    for name in ("partner_type", "notes"):
        if name in data and data[name] is None:
            data[name] = ""
    return data


def _brackets(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    rows = data.pop("brackets", None)
    return None if rows is None else [dict(row) for row in rows]


# Statements -------------------------------------------------------------------------


@router.get(
    "/commission-statements",
    response=list[StatementOut],
    url_name="commission_statement_list",
    summary="List commission statements",
)
@paginate(PageNumberSizePagination)
def statement_list(request, filters: Query[StatementQuery]):
    """Statements you may see: a partner's users see their own company's only."""
    filterset, queryset = selectors.statement_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


def _detail(user: User, pk: int) -> CommissionStatement:
    statement = selectors.statement_get(user=user, pk=pk)
    statement.scoped_lines = list(selectors.statement_lines(user=user, statement=statement))
    return statement


@router.get(
    "/commission-statements/{statement_id}",
    response={200: StatementDetailOut, **READ_ERRORS},
    url_name="commission_statement_detail",
    summary="Read a commission statement with its lines",
)
def statement_detail(request, statement_id: PathId):
    return _detail(request.user, statement_id)


@router.patch(
    "/commission-statements/{statement_id}",
    response={200: StatementDetailOut, **WRITE_ERRORS},
    url_name="commission_statement_update",
    summary="Approve a statement or mark it paid",
)
def statement_update(request, statement_id: PathId, payload: StatementPatch):
    """`{"status": "approved"}` approves a draft (the statement is frozen from then on and
    the partner is notified); `{"status": "paid"}` marks an approved statement paid. 409
    when the statement is not in the state the change starts from (someone else decided
    first)."""
    statement = selectors.statement_get(user=request.user, pk=statement_id)
    decide = (
        services.statement_approve
        if payload.status == StatementStatus.APPROVED
        else services.statement_mark_paid
    )
    decide(actor=request.user, statement=statement)
    return _detail(request.user, statement_id)


# Rules ------------------------------------------------------------------------------


@router.get(
    "/commission-rules",
    response=list[RuleOut],
    url_name="commission_rule_list",
    summary="List commission rules",
)
@paginate(PageNumberSizePagination)
def rule_list(request, filters: Query[RuleQuery]):
    _staff(request.user)
    filterset, queryset = selectors.rule_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/commission-rules",
    response={201: RuleOut, **WRITE_ERRORS},
    url_name="commission_rule_create",
    summary="Create a commission rule",
)
def rule_create(request, payload: RuleIn):
    """A percentage rule needs `rate`; a tiered rule needs `brackets` (`bracket_mode`
    marginal pays each slice at its rate, whole pays the whole total at the reached rate)."""
    _staff(request.user)
    data = payload.model_dump()
    brackets = _brackets(data)
    rule = services.rule_create(
        actor=request.user, data=_rule_data(request.user, data), brackets=brackets
    )
    return Status(201, selectors.rule_get(user=request.user, pk=rule.pk))


@router.get(
    "/commission-rules/{rule_id}",
    response={200: RuleOut, **READ_ERRORS},
    url_name="commission_rule_detail",
    summary="Read a commission rule",
)
def rule_detail(request, rule_id: PathId):
    _staff(request.user)
    return selectors.rule_get(user=request.user, pk=rule_id)


@router.patch(
    "/commission-rules/{rule_id}",
    response={200: RuleOut, **WRITE_ERRORS},
    url_name="commission_rule_update",
    summary="Change a commission rule",
)
def rule_update(request, rule_id: PathId, payload: RulePatch):
    """Changes only the fields sent; `brackets`, when sent, replace all of them."""
    _staff(request.user)
    rule = selectors.rule_get(user=request.user, pk=rule_id)
    data = payload.model_dump(exclude_unset=True)
    brackets = _brackets(data)
    services.rule_update(
        actor=request.user, rule=rule, data=_rule_data(request.user, data), brackets=brackets
    )
    return selectors.rule_get(user=request.user, pk=rule_id)


@router.delete(
    "/commission-rules/{rule_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="commission_rule_delete",
    summary="Delete a commission rule",
)
def rule_delete(request, rule_id: PathId):
    _staff(request.user)
    services.rule_delete(actor=request.user, rule=selectors.rule_get(user=request.user, pk=rule_id))
    return Status(204, None)
