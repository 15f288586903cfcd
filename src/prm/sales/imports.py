"""Import and export of deals (registry entity "deals").

An import row registers a deal for the partner it names (by registration number, external
ID or exact name), through the same service as the portal: the customer is matched to an
account, conflicts are detected and the rules applied. A row with an ``id`` changes that
deal through the update service. Exports list the deals the user may see, filtered like the
list page.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.imports.registry import KEEP, Column, Context, Entity, Outcome, RowError, register
from prm.partners.imports import ID_COLUMN, partner_key, resolve_partner
from prm.sales import selectors, services
from prm.sales.models import Deal, ProductCategory

CUSTOMER = ("customer_name", "customer_domain", "customer_registration_number")


def parse_amount(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    try:
        return Decimal(value.replace(",", "").replace(" ", ""))
    except InvalidOperation as exc:
        raise ValidationError(_("%(value)s is not an amount.") % {"value": value}) from exc


def parse_currency(value: str, ctx: Context) -> Any:
    return value.strip().upper() if value else KEEP


def parse_date(value: str, ctx: Context) -> Any:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise ValidationError(
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}
        ) from exc


def parse_category(value: str, ctx: Context) -> Any:
    if not value:
        return None
    key = value.strip().lower()
    for category in ProductCategory.objects.all():
        if key in {category.code, category.name_en.lower(), category.name_ko.lower()}:
            return category
    raise ValidationError(
        _("Unknown product category %(value)s; use one of: %(codes)s")
        % {
            "value": value,
            "codes": ", ".join(ProductCategory.objects.values_list("code", flat=True)),
        }
    )


def apply_deal(ctx: Context, data: dict[str, Any]) -> Outcome:
    pk = data.pop("id", None)
    partner = data.pop("partner", None)
    customer = {k: data.pop(k) for k in CUSTOMER if k in data}
    if pk is None:
        if partner is None:
            raise RowError(_("Name the registering partner."), "partner")
        if "amount" not in data:
            raise RowError(_("Enter the amount."), "amount")
        services.deal_register(actor=ctx.actor, partner=partner, customer=customer, data=data)
        return Outcome.CREATED
    deal = access.scope(ctx.actor, Deal).filter(pk=pk).select_related("account").first()
    if deal is None:
        raise RowError(_("The record to change was not found."), "id")
    if partner is not None and partner.pk != deal.partner_id:
        raise RowError(_("An import does not move a deal to another partner."), "partner")
    if not access.can(ctx.actor, deal, Action.CHANGE):
        raise RowError(_("You may not make this change."))
    stored_customer = {
        "customer_name": deal.customer_display,
        "customer_domain": deal.account.domain,
        "customer_registration_number": deal.account.registration_number,
    }
    changed_customer = {
        k: v for k, v in customer.items() if (v or "") != (stored_customer.get(k) or "")
    }
    changes = {}
    for name, value in data.items():
        stored = getattr(deal, f"{name}_id" if name == "product_category" else name)
        given = value.pk if name == "product_category" and value is not None else value
        if stored != given:
            changes[name] = value
    if not changes and not changed_customer:
        return Outcome.UNCHANGED
    services.deal_update(
        actor=ctx.actor,
        deal=deal,
        data=changes,
        customer={**stored_customer, **customer} if changed_customer else None,
    )
    return Outcome.UPDATED


def export_deal(deal: Deal) -> dict[str, Any]:
    return {
        "id": deal.pk,
        "partner": partner_key(deal.partner),
        "partner_name": deal.partner.name,
        "customer_name": deal.customer_display,
        "customer_domain": deal.account.domain,
        "customer_registration_number": deal.account.registration_number,
        "title": deal.title,
        "contact_name": deal.contact_name,
        "contact_email": deal.contact_email,
        "contact_phone": deal.contact_phone,
        "product_category": deal.product_category.code if deal.product_category_id else "",
        "products": deal.products,
        "amount": deal.amount,
        "currency": deal.currency,
        "expected_close_date": deal.expected_close_date.isoformat()
        if deal.expected_close_date
        else "",
        "notes": deal.notes,
        "status": deal.get_status_display(),
        "stage": str(deal.stage),
        "probability": deal.stage.probability,
        "protection_until": deal.protection_until.isoformat() if deal.protection_until else "",
        "registered_at": deal.registered_at.isoformat(),
    }


def deals_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        rows = access.unrestricted(Deal).select_related(
            "partner", "account", "stage", "product_category"
        )
        return None, rows.order_by("-registered_at", "-id")
    return selectors.deal_list(user=user, params=params, request=request)


DEALS = register(
    Entity(
        name="deals",
        label=_("Deals"),
        model=Deal,
        natural_keys=("id",),
        columns=(
            ID_COLUMN,
            Column(
                "partner",
                "partner",
                "파트너",
                aliases=("협력사", "registering partner"),
                parse=resolve_partner,
            ),
            Column("partner_name", "partner_name", "파트너명", export_only=True),
            Column(
                "customer_name",
                "customer_name",
                "고객사",
                aliases=("고객", "customer", "고객명", "account"),
                required=True,
            ),
            Column("customer_domain", "customer_domain", "고객 도메인", aliases=("domain",)),
            Column(
                "customer_registration_number",
                "customer_registration_number",
                "고객 사업자등록번호",
                aliases=("customer brn",),
            ),
            Column("title", "title", "딜명", aliases=("deal name", "건명")),
            Column("contact_name", "contact_name", "고객 담당자", aliases=("contact",)),
            Column("contact_email", "contact_email", "담당자 이메일"),
            Column("contact_phone", "contact_phone", "담당자 전화번호"),
            Column(
                "product_category",
                "product_category",
                "제품군",
                aliases=("category",),
                parse=parse_category,
            ),
            Column("products", "products", "제품", aliases=("solution", "솔루션")),
            Column("amount", "amount", "금액", required=True, parse=parse_amount),
            Column("currency", "currency", "통화", parse=parse_currency),
            Column(
                "expected_close_date",
                "expected_close_date",
                "예상 계약일",
                aliases=("close date", "예상 종료일"),
                parse=parse_date,
            ),
            Column("notes", "notes", "메모"),
            Column("status", "status", "등록 상태", export_only=True),
            Column("stage", "stage", "단계", export_only=True),
            Column("probability", "probability", "확률", export_only=True),
            Column("protection_until", "protection_until", "보호 기한", export_only=True),
            Column("registered_at", "registered_at", "등록 일시", export_only=True),
        ),
        apply=apply_deal,
        export_queryset=deals_for_export,
        export_row=export_deal,
    )
)
