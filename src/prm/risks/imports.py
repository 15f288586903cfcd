"""The risk register as an import/export entity (see ``prm.imports.registry``).

The ``ID`` column, else ``external_id``, finds the risk to update; a row with neither raises
a new risk. A blank partner means a program-wide risk. Inherent and residual likelihood and
impact (1..5) record an assessment when they differ from the risk's latest one, so the
history stays whole. Level, status, strategy and dates are exported for reading only.
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
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.imports.registry import (
    KEEP,
    Column,
    Context,
    Entity,
    Outcome,
    RowError,
    header_key,
    register,
)
from prm.partners.imports import ID_COLUMN, parse_owner, partner_key, resolve_partner
from prm.risks import selectors, services
from prm.risks.models import AssessmentKind, Risk, RiskCategory


def parse_partner(value: str, ctx: Context) -> Any:
    return None if not value.strip() else resolve_partner(value.strip(), ctx)


def parse_category(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    key = header_key(value)
    for category in RiskCategory.objects.all():
        if key in {
            header_key(category.code),
            header_key(category.name_ko),
            header_key(category.name_en),
        }:
            return category
    raise ValidationError(
        _("%(value)s is not a risk category; use one of: %(choices)s")
        % {
            "value": value,
            "choices": ", ".join(RiskCategory.objects.values_list("code", flat=True)),
        }
    )


def parse_scale(value: str, ctx: Context) -> Any:
    if not value.strip():
        return None
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise ValidationError(_("%(value)s is not a whole number from 1 to 5.") % {"value": value})
    return int(text)


def parse_title(value: str, ctx: Context) -> Any:
    return value.strip() if value.strip() else KEEP


TEXT_FIELDS = ("title", "description", "cause", "consequence")


def _find(ctx: Context, data: dict[str, Any]) -> Risk | None:
    pk = data.get("id")
    visible = access.scope(ctx.actor, Risk)
    if pk is not None:
        risk = visible.filter(pk=pk).first()
        if risk is None:
            raise RowError(_("No risk has the ID %(id)s.") % {"id": pk}, "id")
        return risk
    if data.get("external_id"):
        return visible.filter(external_id=data["external_id"]).first()
    return None


def _assess_if_changed(ctx, risk: Risk, kind: str, likelihood, impact) -> bool:
    if likelihood is None and impact is None:
        return False
    if likelihood is None or impact is None:
        field = "likelihood" if kind == AssessmentKind.INHERENT else "residual_likelihood"
        raise RowError(_("Give both the likelihood and the impact, or neither."), field)
    prefix = "inherent" if kind == AssessmentKind.INHERENT else "residual"
    current = (getattr(risk, f"{prefix}_likelihood"), getattr(risk, f"{prefix}_impact"))
    if current == (likelihood, impact):
        return False
    services.risk_assess(
        actor=ctx.actor,
        risk=risk,
        kind=kind,
        likelihood=likelihood,
        impact=impact,
        note=_("Imported"),
    )
    return True


def apply_risk(ctx: Context, data: dict[str, Any]) -> Outcome:
    risk = _find(ctx, data)
    partner = data.get("partner")
    category = data.get("category")
    owner = data.get("owner")
    try:
        if risk is None:
            if category in (None, KEEP) or data.get("title") in (None, KEEP):
                raise RowError(
                    _("A new risk needs this column filled."),
                    "category" if category in (None, KEEP) else "title",
                )
            risk = services.risk_raise(
                actor=ctx.actor,
                partner=partner,
                category_code=category,
                title=data["title"],
                description=data.get("description") or "",
                cause=data.get("cause") or "",
                consequence=data.get("consequence") or "",
                owner=None if owner is KEEP else owner,
                likelihood=data.get("likelihood"),
                impact=data.get("impact"),
                external_id=data.get("external_id") or "",
            )
            _assess_if_changed(
                ctx,
                risk,
                AssessmentKind.RESIDUAL,
                data.get("residual_likelihood"),
                data.get("residual_impact"),
            )
            return Outcome.CREATED
        if not access.can(ctx.actor, risk, Action.CHANGE):
            raise RowError(_("You may not change this risk."), "id")
        if (partner.pk if partner else None) != risk.partner_id:
            raise RowError(_("An import does not move a risk to another partner."), "partner")
        changes: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            value = data.get(name)
            if value is not None and value != KEEP and value != getattr(risk, name):
                changes[name] = value
        if category not in (None, KEEP) and category.pk != risk.category_id:
            changes["category"] = category
        if owner not in (None, KEEP) and owner.pk != risk.owner_id:
            changes["owner"] = owner
        changed = False
        if changes:
            risk = services.risk_update(actor=ctx.actor, risk=risk, data=changes)
            changed = True
        changed |= _assess_if_changed(
            ctx, risk, AssessmentKind.INHERENT, data.get("likelihood"), data.get("impact")
        )
        risk = access.unrestricted(Risk).get(pk=risk.pk)
        changed |= _assess_if_changed(
            ctx,
            risk,
            AssessmentKind.RESIDUAL,
            data.get("residual_likelihood"),
            data.get("residual_impact"),
        )
    except BusinessError as exc:
        raise RowError(exc.message, exc.field) from exc
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


def export_risk(risk: Risk) -> dict[str, Any]:
    return {
        "id": risk.pk,
        "external_id": risk.external_id,
        "partner": partner_key(risk.partner),
        "partner_name": risk.partner.name if risk.partner else "",
        "category": risk.category_id,
        "title": risk.title,
        "description": risk.description,
        "cause": risk.cause,
        "consequence": risk.consequence,
        "owner": risk.owner.email if risk.owner else "",
        "likelihood": risk.inherent_likelihood or "",
        "impact": risk.inherent_impact or "",
        "residual_likelihood": risk.residual_likelihood or "",
        "residual_impact": risk.residual_impact or "",
        "level": str(risk.get_level_display()) if risk.level else "",
        "strategy": str(risk.get_strategy_display()) if risk.strategy else "",
        "status": str(risk.get_status_display()),
        "raised_at": timezone.localtime(risk.raised_at).date().isoformat(),
        "signal": risk.signal_key,
    }


def risks_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        rows = access.unrestricted(Risk).select_related("partner", "category", "owner")
        return None, rows.order_by("id")
    return selectors.risk_list(user=user, params=params, request=request)


RISKS = register(
    Entity(
        name="risks",
        label=gettext_lazy("Risks"),
        model=Risk,
        natural_keys=("id", "external_id"),
        columns=(
            ID_COLUMN,
            Column("external_id", "external_id", "외부 ID"),
            Column("partner", "partner", "파트너", aliases=("협력사",), parse=parse_partner),
            Column("partner_name", "partner_name", "파트너명", export_only=True),
            Column("category", "category", "분류", aliases=("리스크 분류",), parse=parse_category),
            Column("title", "title", "제목", aliases=("리스크",), parse=parse_title),
            Column("description", "description", "설명"),
            Column("cause", "cause", "원인"),
            Column("consequence", "consequence", "결과", aliases=("영향",)),
            Column("owner", "owner", "담당자", parse=parse_owner),
            Column("likelihood", "likelihood", "발생 가능성", parse=parse_scale),
            Column("impact", "impact", "영향도", parse=parse_scale),
            Column(
                "residual_likelihood", "residual_likelihood", "잔여 발생 가능성", parse=parse_scale
            ),
            Column("residual_impact", "residual_impact", "잔여 영향도", parse=parse_scale),
            Column("level", "level", "리스크 수준", export_only=True),
            Column("strategy", "strategy", "대응 전략", export_only=True),
            Column("status", "status", "상태", export_only=True),
            Column("raised_at", "raised_at", "등록일", export_only=True),
            Column("signal", "signal", "리스크 신호", export_only=True),
        ),
        apply=apply_risk,
        export_queryset=risks_for_export,
        export_row=export_risk,
        export_roles=frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST}),
    )
)
