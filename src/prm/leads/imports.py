"""Leads as an import/export entity (see ``prm.imports.registry``).

Which existing lead a row updates: the ``ID`` column when filled, else the external ID;
otherwise the row creates a lead, which is routed to a partner at once like any new lead.
The status and the partner are written on export for people to read; an import never
changes them (routing does).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.imports.registry import Column, Context, Entity, Outcome, RowError, register
from prm.leads import selectors, services
from prm.leads.models import CURRENCIES, Lead, LeadSource
from prm.partners.imports import ID_COLUMN, parse_country, parse_email


def parse_amount(value: str, ctx: Context) -> Any:
    cleaned = (value or "").replace(",", "").replace(" ", "").replace("₩", "")
    if not cleaned:
        return Decimal(0)
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValidationError(_("%(value)s is not a number.") % {"value": value}) from exc
    if not amount.is_finite():
        raise ValidationError(_("%(value)s is not a number.") % {"value": value})
    return amount


def parse_currency(value: str, ctx: Context) -> str:
    code = (value or "KRW").strip().upper()
    if code in {"원", "₩"}:
        code = "KRW"
    if code not in CURRENCIES:
        raise ValidationError(
            _("Unknown currency %(code)s; use one of: %(codes)s")
            % {"code": value, "codes": ", ".join(CURRENCIES)}
        )
    return code


def _find(data: dict[str, Any]) -> Lead | None:
    everyone = access.unrestricted(Lead)
    if "id" in data:
        found = everyone.filter(pk=data["id"]).first()
        if found is None:
            raise RowError(_("No lead has the ID %(id)s.") % {"id": data["id"]}, "id")
        return found
    if data.get("external_id"):
        matches = list(everyone.filter(external_id=data["external_id"])[:2])
        if len(matches) > 1:
            raise RowError(
                _("Several leads have the external ID %(id)s.") % {"id": data["external_id"]},
                "external_id",
            )
        return matches[0] if matches else None
    return None


def apply_lead(ctx: Context, data: dict[str, Any]) -> Outcome:
    lead = _find(data)
    data = {k: v for k, v in data.items() if k in services.LEAD_FIELDS}
    if lead is None:
        services.lead_create(actor=ctx.actor, data=data, source=LeadSource.IMPORTED)
        return Outcome.CREATED
    if not access.can(ctx.actor, lead, Action.CHANGE):
        raise RowError(_("You may not change this lead."))
    changes = {}
    for name, value in data.items():
        stored = lead.country.code if name == "country" else getattr(lead, name)
        if stored != value:
            changes[name] = value
    if not changes:
        return Outcome.UNCHANGED
    services.lead_update(actor=ctx.actor, lead=lead, data=changes)
    return Outcome.UPDATED


def export_lead(lead: Lead) -> dict[str, Any]:
    return {
        "id": lead.pk,
        "company_name": lead.company_name,
        "contact_name": lead.contact_name,
        "contact_email": lead.contact_email,
        "contact_phone": lead.contact_phone,
        "country": lead.country.code,
        "region": lead.region,
        "industry": lead.industry,
        "product_interest": lead.product_interest,
        "estimated_value": lead.estimated_value,
        "currency": lead.currency,
        "status": str(lead.get_status_display()),
        "partner": lead.partner.name if lead.partner_id else "",
        "external_id": lead.external_id,
        "notes": lead.notes,
    }


def leads_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        return None, access.unrestricted(Lead).select_related("partner").order_by("-id")
    return selectors.lead_list(user=user, params=params, request=request)


LEADS = register(
    Entity(
        name="leads",
        label=gettext_lazy("Leads"),
        model=Lead,
        natural_keys=("id", "external_id"),
        columns=(
            ID_COLUMN,
            Column(
                "company_name",
                "company_name",
                "고객사",
                aliases=("company", "회사", "회사명", "고객사명"),
                required=True,
            ),
            Column("contact_name", "contact_name", "담당자", aliases=("contact", "담당자명")),
            Column(
                "contact_email",
                "contact_email",
                "이메일",
                aliases=("email", "e-mail"),
                parse=parse_email,
            ),
            Column("contact_phone", "contact_phone", "전화번호", aliases=("phone", "연락처")),
            Column("country", "country", "국가", parse=parse_country),
            Column("region", "region", "지역"),
            Column("industry", "industry", "산업", aliases=("업종",)),
            Column(
                "product_interest",
                "product_interest",
                "관심 제품",
                aliases=("product", "제품"),
            ),
            Column(
                "estimated_value",
                "estimated_value",
                "예상 금액",
                aliases=("value", "amount", "금액"),
                parse=parse_amount,
            ),
            Column("currency", "currency", "통화", parse=parse_currency),
            Column("status", "status", "상태", export_only=True),
            Column("partner", "partner", "파트너", export_only=True),
            Column("external_id", "external_id", "외부 ID", aliases=("외부 코드",)),
            Column("notes", "notes", "메모", aliases=("비고",)),
        ),
        apply=apply_lead,
        export_queryset=leads_for_export,
        export_row=export_lead,
        # Staff's view of every lead: partners follow theirs in the portal and the API.
        export_roles=frozenset({"admin", "partner_manager", "analyst"}),
    )
)
