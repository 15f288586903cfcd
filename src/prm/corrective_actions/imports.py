"""Corrective action requests as an import/export entity (see ``prm.imports.registry``).

The ``ID`` column, else the ``external_id``, finds the request to update; a row matching
none creates a draft. The status, the answer and the dates of each step are exported for
reading and ignored on import: they are recorded through the request's own steps.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.contracts.imports import parse_required_date
from prm.core import access
from prm.core.access import Action
from prm.corrective_actions import selectors, services
from prm.corrective_actions.models import CorrectiveActionRequest, Severity
from prm.imports.registry import (
    KEEP,
    Column,
    Context,
    Entity,
    Outcome,
    RowError,
    choice_lookup,
    header_key,
    register,
)
from prm.partners.imports import ID_COLUMN, partner_key, resolve_partner
from prm.risks.models import Risk

SEVERITIES = choice_lookup(
    (code, (str(label), {"minor": "경미", "major": "중대", "critical": "치명"}[code]))
    for code, label in Severity.choices
)


def parse_severity(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    code = SEVERITIES.get(header_key(value))
    if code is None:
        raise ValidationError(
            _("%(value)s is not a severity; use one of: %(choices)s")
            % {"value": value, "choices": ", ".join(Severity.values)}
        )
    return code


def parse_risk(value: str, ctx: Context) -> Any:
    if not value:
        return None
    if not value.strip().isdigit() or len(value.strip()) > 18:
        raise ValidationError(_("%(value)s is not a risk ID.") % {"value": value})
    risk = access.scope(ctx.actor, Risk).filter(pk=int(value.strip())).first()
    if risk is None:
        raise ValidationError(_("No risk has the ID %(id)s.") % {"id": value})
    return risk


def parse_text_keep(value: str, ctx: Context) -> Any:
    return value or KEEP


def _find(ctx: Context, pk, external_id: str) -> CorrectiveActionRequest | None:
    visible = access.scope(ctx.actor, CorrectiveActionRequest)
    if pk is not None:
        found = visible.filter(pk=pk).first()
        if found is None:
            raise RowError(_("No corrective action request has the ID %(id)s.") % {"id": pk}, "id")
        return found
    if external_id:
        return visible.filter(external_id=external_id).first()
    return None


def apply_request(ctx: Context, data: dict[str, Any]) -> Outcome:
    partner = data.pop("partner")
    pk = data.pop("id", None)
    data = {k: v for k, v in data.items() if v is not KEEP}
    existing = _find(ctx, pk, data.get("external_id") or "")
    if existing is None:
        if not access.can_add(ctx.actor, CorrectiveActionRequest, partner):
            raise RowError(
                _("You may not send requests to %(partner)s.") % {"partner": partner.name},
                "partner",
            )
        for name in ("title", "description", "due_on"):
            if data.get(name) in (None, ""):
                raise RowError(_("A new request needs this column filled."), name)
        services.request_create(actor=ctx.actor, partner=partner, data=data)
        return Outcome.CREATED
    if existing.partner_id != partner.pk:
        raise RowError(_("An import does not move a request to another partner."), "partner")
    if not access.can(ctx.actor, existing, Action.CHANGE):
        raise RowError(_("You may not change this request."), "id")
    changes = {k: v for k, v in data.items() if getattr(existing, k) != v}
    if not changes:
        return Outcome.UNCHANGED
    services.request_update(actor=ctx.actor, request=existing, data=changes)
    return Outcome.UPDATED


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _days(value) -> Any:
    return "" if value is None else round(value.total_seconds() / 86400, 2)


def export_request(car: CorrectiveActionRequest) -> dict[str, Any]:
    return {
        "id": car.pk,
        "reference": car.reference,
        "partner": partner_key(car.partner),
        "partner_name": car.partner.name,
        "risk": car.risk_id or "",
        "title": car.title,
        "description": car.description,
        "severity": car.severity,
        "status": str(car.get_status_display()),
        "due_on": car.due_on.isoformat() if car.due_on else "",
        "external_id": car.external_id,
        "requested_by": car.requested_by.email if car.requested_by else "",
        "sent_at": _when(car.sent_at),
        "answered_at": _when(car.answered_at),
        "accepted_at": _when(car.accepted_at),
        "return_count": car.return_count,
        "days_to_answer": _days(car.time_to_answer),
        "days_to_close": _days(car.time_to_close),
        "root_cause": car.root_cause,
        "containment": car.containment,
        "corrective_action": car.corrective_action,
        "preventive_action": car.preventive_action,
        "decision_comment": car.decision_comment,
    }


def requests_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        rows = access.unrestricted(CorrectiveActionRequest).select_related(*selectors.RELATED)
        return None, rows.order_by("-created_at", "-id")
    return selectors.request_list(user=user, params=params, request=request)


REQUESTS = register(
    Entity(
        name="corrective-actions",
        label=gettext_lazy("Corrective action requests"),
        model=CorrectiveActionRequest,
        natural_keys=("id", "external_id"),
        columns=(
            ID_COLUMN,
            Column("reference", "reference", "요청 번호", export_only=True),
            Column(
                "partner",
                "partner",
                "파트너",
                aliases=("협력사", "공급사", "사업자등록번호"),
                required=True,
                parse=resolve_partner,
            ),
            Column("partner_name", "partner_name", "파트너명", export_only=True),
            Column("risk", "risk", "리스크", aliases=("리스크 ID",), parse=parse_risk),
            Column("title", "title", "제목", aliases=("요청명",), parse=parse_text_keep),
            Column(
                "description",
                "nonconformity",
                "부적합 내용",
                aliases=("description", "내용"),
                parse=parse_text_keep,
            ),
            Column("severity", "severity", "심각도", parse=parse_severity),
            Column("status", "status", "상태", export_only=True),
            Column("due_on", "due_on", "회신 기한", aliases=("기한",), parse=parse_required_date),
            Column("external_id", "external_id", "외부 ID"),
            Column("requested_by", "requested_by", "요청자", export_only=True),
            Column("sent_at", "sent_at", "발송일시", export_only=True),
            Column("answered_at", "answered_at", "최초 회신일시", export_only=True),
            Column("accepted_at", "accepted_at", "승인일시", export_only=True),
            Column("return_count", "return_count", "반려 횟수", export_only=True),
            Column("days_to_answer", "days_to_answer", "회신 소요(일)", export_only=True),
            Column("days_to_close", "days_to_close", "종결 소요(일)", export_only=True),
            Column("root_cause", "root_cause", "근본 원인", export_only=True),
            Column("containment", "containment", "봉쇄 조치", export_only=True),
            Column("corrective_action", "corrective_action", "시정조치", export_only=True),
            Column("preventive_action", "preventive_action", "예방 조치", export_only=True),
            Column("decision_comment", "decision_comment", "검토 의견", export_only=True),
        ),
        apply=apply_request,
        export_queryset=requests_for_export,
        export_row=export_request,
        export_roles=frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST}),
    )
)
