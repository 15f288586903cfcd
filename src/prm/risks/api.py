"""/api/v1/risks: the register (list, read, raise, change, close, delete), assessments and
mitigation actions of a risk; /api/v1/risk-signals and /api/v1/risk-rules. Staff only:
portal tokens see no risk. Lists come from the same FilterSets as the pages; writes go
through ``prm.risks.services``."""

from typing import Any

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
from prm.risks import engine, rules, selectors, services
from prm.risks.filters import ActionFilter, RiskFilter, SignalFilter
from prm.risks.models import ActionStatus, MitigationAction, Risk
from prm.risks.models import Status as RiskStatus
from prm.risks.schemas import (
    ActionIn,
    ActionOut,
    ActionPatch,
    AssessmentIn,
    AssessmentOut,
    RiskIn,
    RiskOut,
    RiskPatch,
    RuleOut,
    RulePatch,
    SignalOut,
)

router = Router()

RiskQuery = query_schema(RiskFilter)
ActionQuery = query_schema(ActionFilter)
SignalQuery = query_schema(SignalFilter)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _staff(request) -> None:
    """Risks are staff-only: a portal token finds nothing (404, as for a missing object)."""
    if access.role_of(request.user) not in (Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST):
        from django.http import Http404

        raise Http404


def _partner_ref(user: User, pk: int | None) -> Partner | None:
    if pk is None:
        return None
    partner = access.scope(user, Partner).filter(pk=pk).first()
    if partner is None:
        raise BusinessError(_("Unknown partner."), code="not_found", status=404, field="partner")
    return partner


def _owner_ref(pk: int | None) -> User | None:
    if pk is None:
        return None
    owner = User.objects.filter(
        pk=pk, role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True
    ).first()
    if owner is None:
        raise BusinessError(_("Unknown user."), field="owner")
    return owner


def _risk(user: User, pk: int, action: Action = Action.VIEW) -> Risk:
    return access.get_object(user, Risk, action, pk=pk)


@router.get("/risks", response=list[RiskOut], url_name="risk_list", summary="List risks")
@paginate(PageNumberSizePagination)
def risk_list(request, filters: Query[RiskQuery]):
    """Risks you may see (staff only), most severe first; filter by status, category, level,
    partner, partner type, tier, region, owner, strategy or origin (signal or manual)."""
    filterset, queryset = selectors.risk_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.post(
    "/risks",
    response={201: RiskOut, **WRITE_ERRORS},
    url_name="risk_create",
    summary="Raise a risk",
)
def risk_create(request, payload: RiskIn):
    """A new open risk about a partner (or program-wide without `partner`); with
    `likelihood` and `impact` (1..5) it gets its inherent assessment at once."""
    _staff(request)
    risk = services.risk_raise(
        actor=request.user,
        partner=_partner_ref(request.user, payload.partner),
        category_code=payload.category,
        title=payload.title,
        description=payload.description,
        cause=payload.cause,
        consequence=payload.consequence,
        owner=_owner_ref(payload.owner),
        likelihood=payload.likelihood,
        impact=payload.impact,
        external_id=payload.external_id,
    )
    return Status(201, selectors.risk_get(user=request.user, pk=risk.pk))


@router.get(
    "/risks/{risk_id}",
    response={200: RiskOut, **READ_ERRORS},
    url_name="risk_detail",
    summary="Read a risk",
)
def risk_detail(request, risk_id: PathId):
    return selectors.risk_get(user=request.user, pk=risk_id)


@router.patch(
    "/risks/{risk_id}",
    response={200: RiskOut, **WRITE_ERRORS},
    url_name="risk_update",
    summary="Change, respond to, close or reopen a risk",
)
def risk_update(request, risk_id: PathId, payload: RiskPatch):
    """Change the text, category or owner; set the response `strategy` (accepting needs
    `acceptance_reason`, a future `review_on` and a role allowed to accept); `status:
    closed` closes it (only when its actions are done or the risk was accepted)."""
    user = request.user
    risk = _risk(user, risk_id, Action.CHANGE)
    data: dict[str, Any] = payload.model_dump(exclude_unset=True)
    strategy = data.pop("strategy", None)
    reason = data.pop("acceptance_reason", None)
    review_on = data.pop("review_on", None)
    status = data.pop("status", None)
    close_note = data.pop("close_note", "") or ""
    if "owner" in data:
        data["owner"] = _owner_ref(data["owner"])
    with transaction.atomic():
        if data:
            risk = services.risk_update(actor=user, risk=risk, data=data)
        if strategy is not None:
            risk = services.risk_set_strategy(
                actor=user, risk=risk, strategy=strategy, reason=reason or "", review_on=review_on
            )
        if status == RiskStatus.CLOSED:
            risk = services.risk_close(actor=user, risk=risk, note=close_note)
        elif status == RiskStatus.OPEN:
            risk = services.risk_reopen(actor=user, risk=risk)
        elif status is not None:
            raise BusinessError(_("The status is open or closed."), field="status")
    return selectors.risk_get(user=user, pk=risk.pk)


@router.delete(
    "/risks/{risk_id}",
    response={204: None, **WRITE_ERRORS},
    url_name="risk_delete",
    summary="Delete a risk",
)
def risk_delete(request, risk_id: PathId):
    services.risk_delete(actor=request.user, risk=_risk(request.user, risk_id, Action.DELETE))
    return Status(204, None)


@router.get(
    "/risks/{risk_id}/assessments",
    response={200: list[AssessmentOut], **READ_ERRORS},
    url_name="risk_assessments",
    summary="A risk's assessment history",
)
def assessment_list(request, risk_id: PathId):
    """Every assessment, newest first: the trend of the inherent and residual scores."""
    risk = _risk(request.user, risk_id)
    return list(risk.assessments.order_by("-assessed_at", "-id"))


@router.post(
    "/risks/{risk_id}/assessments",
    response={201: AssessmentOut, **WRITE_ERRORS},
    url_name="risk_assess",
    summary="Assess a risk",
)
def assessment_create(request, risk_id: PathId, payload: AssessmentIn):
    """Record an inherent or residual assessment; likelihood and impact are 1..5, the score
    is their product and the level follows the configured bands."""
    risk = _risk(request.user, risk_id, Action.CHANGE)
    assessment = services.risk_assess(
        actor=request.user,
        risk=risk,
        kind=payload.kind,
        likelihood=payload.likelihood,
        impact=payload.impact,
        note=payload.note,
    )
    return Status(201, assessment)


@router.get(
    "/risks/{risk_id}/actions",
    response={200: list[ActionOut], **READ_ERRORS},
    url_name="risk_actions",
    summary="A risk's mitigation actions",
)
def action_list(request, risk_id: PathId):
    risk = _risk(request.user, risk_id)
    return list(risk.actions.order_by("due_on", "id"))


def _action_data(data: dict[str, Any]) -> dict[str, Any]:
    if "owner" in data:
        data["owner"] = _owner_ref(data["owner"])
    if "status" in data and data["status"] not in ActionStatus.values:
        raise BusinessError(
            _("Unknown status; use one of: %(choices)s")
            % {"choices": ", ".join(ActionStatus.values)},
            field="status",
        )
    return data


@router.post(
    "/risks/{risk_id}/actions",
    response={201: ActionOut, **WRITE_ERRORS},
    url_name="risk_action_create",
    summary="Add a mitigation action",
)
def action_create(request, risk_id: PathId, payload: ActionIn):
    risk = _risk(request.user, risk_id, Action.CHANGE)
    action = services.action_create(
        actor=request.user, risk=risk, data=_action_data(payload.model_dump())
    )
    return Status(201, action)


@router.get(
    "/risk-actions",
    response=list[ActionOut],
    url_name="risk_action_list",
    summary="List mitigation actions",
)
@paginate(PageNumberSizePagination)
def action_all(request, filters: Query[ActionQuery]):
    """Mitigation actions you may see; `overdue=true` keeps those past their due date."""
    filterset, queryset = selectors.action_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


@router.patch(
    "/risk-actions/{mitigation_action_id}",
    response={200: ActionOut, **WRITE_ERRORS},
    url_name="risk_action_update",
    summary="Change a mitigation action",
)
def action_update(request, mitigation_action_id: PathId, payload: ActionPatch):
    action = access.get_object(
        request.user, MitigationAction, Action.CHANGE, pk=mitigation_action_id
    )
    return services.action_update(
        actor=request.user,
        action=action,
        data=_action_data(payload.model_dump(exclude_unset=True)),
    )


@router.get(
    "/risk-signals",
    response=list[SignalOut],
    url_name="risk_signal_list",
    summary="List risk signals",
)
@paginate(PageNumberSizePagination)
def signal_list(request, filters: Query[SignalQuery]):
    """Causes found by the signal rules: open while the cause lasts, then resolved. Each
    links to its evidence (`evidence_url`) and to the risk it raised or updated."""
    filterset, queryset = selectors.signal_list(
        user=request.user, params=request.GET, request=request
    )
    require_valid(filterset)
    return queryset


def _rule_out(rule) -> dict:
    enabled, params = engine.settings_of(rule)
    return {
        "code": rule.code,
        "name": str(rule.name),
        "description": str(rule.description),
        "category": rule.category,
        "events": list(rule.events),
        "enabled": enabled,
        "params": [
            {
                "name": p.name,
                "label": str(p.label),
                "value": params[p.name],
                "min": p.min,
                "max": p.max,
                "kind": p.kind,
            }
            for p in rule.params
        ],
    }


@router.get(
    "/risk-rules",
    response={200: list[RuleOut], **READ_ERRORS},
    url_name="risk_rule_list",
    summary="List signal rules",
)
def rule_list(request):
    """The signal rules kept in code whose sources exist, with their settings."""
    _staff(request)
    return [_rule_out(rule) for rule in rules.available_rules()]


@router.patch(
    "/risk-rules/{rule_code}",
    response={200: RuleOut, **WRITE_ERRORS},
    url_name="risk_rule_update",
    summary="Switch or tune a signal rule",
)
def rule_update(request, rule_code: str, payload: RulePatch):
    """Admins only. Parameters must be whole numbers within the rule's range; nothing is
    saved when one is not."""
    _staff(request)
    data = payload.model_dump(exclude_unset=True)
    services.rule_update(
        actor=request.user, code=rule_code, enabled=data.get("enabled"), params=data.get("params")
    )
    return _rule_out(rules.RULES[rule_code])
