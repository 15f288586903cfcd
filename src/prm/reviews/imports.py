"""Action items as an import/export entity (see ``prm.imports.registry``).

The ``ID`` column, else the ``external id`` column, finds the item to update; a row with
neither creates an open item. The review is named by its ID. The status column accepts
open, done or cancelled (in English or Korean); a changed status goes through the same
service as the button, so ``done`` records who and when.
"""

from __future__ import annotations

from datetime import date
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
from prm.imports.registry import (
    KEEP,
    Column,
    Context,
    Entity,
    Outcome,
    RowError,
    choice_lookup,
    header_key,
)
from prm.imports.registry import register as register_entity
from prm.partners.imports import ID_COLUMN, partner_key, resolve_partner
from prm.reviews import selectors, services
from prm.reviews.models import ActionItem, ItemStatus, OwnerSide, Review

STATUS_KO = {"open": "진행 중", "done": "완료", "cancelled": "취소"}
SIDE_KO = {"company": "당사", "partner": "파트너"}


def _choice(value: str, choices, korean: dict[str, str], what: str) -> str:
    table = choice_lookup((code, (str(label), korean[code])) for code, label in choices)
    code = table.get(header_key(value))
    if code is None:
        raise ValidationError(
            _("%(value)s is not a %(what)s; use one of: %(choices)s")
            % {"value": value, "what": what, "choices": ", ".join(code for code, _l in choices)}
        )
    return code


def parse_status(value: str, ctx: Context) -> Any:
    return KEEP if not value else _choice(value, ItemStatus.choices, STATUS_KO, _("status"))


def parse_side(value: str, ctx: Context) -> Any:
    return KEEP if not value else _choice(value, OwnerSide.choices, SIDE_KO, _("side"))


def parse_date(value: str, ctx: Context) -> Any:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise ValidationError(
            _("%(value)s is not a date; write it as YYYY-MM-DD.") % {"value": value}
        ) from exc


def parse_review(value: str, ctx: Context) -> Any:
    if not value:
        return None
    if not value.strip().isdigit() or len(value.strip()) > 18:
        raise ValidationError(_("A review is named by its ID, a whole number."))
    review = access.scope(ctx.actor, Review).filter(pk=int(value)).first()
    if review is None:
        raise ValidationError(_("No review has the ID %(id)s.") % {"id": value})
    return review


def parse_owner_email(value: str, ctx: Context) -> Any:
    if not value:
        return None
    owner = User.objects.filter(email__iexact=value.strip(), is_active=True).first()
    if owner is None:
        raise ValidationError(
            _("No active user has the e-mail address %(email)s.") % {"email": value}
        )
    return owner


def _find(ctx: Context, data: dict[str, Any]) -> ActionItem | None:
    pk = data.pop("id", None)
    visible = access.scope(ctx.actor, ActionItem)
    if pk is not None:
        item = visible.filter(pk=pk).first()
        if item is None:
            raise RowError(_("No action item has the ID %(id)s.") % {"id": pk}, "id")
        return item
    if data.get("external_id"):
        return visible.filter(external_id=data["external_id"]).first()
    return None


def apply_item(ctx: Context, data: dict[str, Any]) -> Outcome:
    partner = data.pop("partner")
    status = data.pop("status", None)
    item = _find(ctx, data)
    if data.get("review") is not None and data["review"].partner_id != partner.pk:
        raise RowError(_("The review belongs to another partner."), "review")
    if item is None:
        if not access.can_add(ctx.actor, ActionItem, partner):
            raise RowError(
                _("You may not add action items to %(partner)s.") % {"partner": partner.name},
                "partner",
            )
        if not data.get("title"):
            raise RowError(_("A new action item needs this column filled."), "title")
        review = data.pop("review", None)
        item = services.action_item_create(
            actor=ctx.actor, partner=partner, review=review, data=data
        )
        if status and status != ItemStatus.OPEN:
            services.action_item_set_status(actor=ctx.actor, item=item, status=status)
        return Outcome.CREATED
    if item.partner_id != partner.pk:
        raise RowError(_("An import does not move an action item to another partner."), "partner")
    if not access.can(ctx.actor, item, Action.CHANGE):
        raise RowError(_("You may not change this action item."), "id")
    changes = {k: v for k, v in data.items() if getattr(item, k) != v}
    if changes:
        services.action_item_update(actor=ctx.actor, item=item, data=changes)
    if status and status != item.status:
        services.action_item_set_status(actor=ctx.actor, item=item, status=status)
    return Outcome.UPDATED if changes or (status and status != item.status) else Outcome.UNCHANGED


def export_item(item: ActionItem) -> dict[str, Any]:
    owner = ""
    if item.owner_user_id:
        owner = item.owner_user.email
    return {
        "id": item.pk,
        "partner": partner_key(item.partner),
        "partner_name": item.partner.name,
        "review": item.review_id or "",
        "title": item.title,
        "description": item.description,
        "owner_side": item.owner_side,
        "owner_user": owner,
        "owner_contact": item.owner_contact.name if item.owner_contact_id else "",
        "due_on": item.due_on.isoformat() if item.due_on else "",
        "status": item.status,
        "overdue": str(_("Yes") if item.is_overdue(timezone.localdate()) else _("No")),
        "done_at": timezone.localtime(item.done_at).isoformat(timespec="minutes")
        if item.done_at
        else "",
        "external_id": item.external_id,
    }


def items_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        rows = access.unrestricted(ActionItem).select_related(
            "partner", "review", "owner_user", "owner_contact"
        )
        return None, rows.order_by("due_on", "id")
    return selectors.action_item_list(user=user, params=params, request=request)


ACTION_ITEMS = register_entity(
    Entity(
        name="action-items",
        label=gettext_lazy("Action items"),
        model=ActionItem,
        natural_keys=("id", "external_id"),
        columns=(
            ID_COLUMN,
            Column(
                "partner",
                "partner",
                "파트너",
                aliases=("사업자등록번호",),
                required=True,
                parse=resolve_partner,
            ),
            Column("partner_name", "partner_name", "파트너명", export_only=True),
            Column("review", "review", "정기 리뷰", aliases=("리뷰",), parse=parse_review),
            Column("title", "title", "후속 조치", aliases=("제목",)),
            Column("description", "description", "설명"),
            Column("owner_side", "owned by", "담당 측", aliases=("owner_side",), parse=parse_side),
            Column(
                "owner_user",
                "owner",
                "담당자 이메일",
                aliases=("owner_user",),
                parse=parse_owner_email,
            ),
            Column("owner_contact", "owner contact", "파트너 담당자", export_only=True),
            Column("due_on", "due", "기한", aliases=("due_on",), parse=parse_date),
            Column("status", "status", "상태", parse=parse_status),
            Column("overdue", "overdue", "기한 경과", export_only=True),
            Column("done_at", "done at", "완료 일시", export_only=True),
            Column("external_id", "external id", "외부 ID", aliases=("external_id",)),
        ),
        apply=apply_item,
        export_queryset=items_for_export,
        export_row=export_item,
        import_roles=frozenset({Role.ADMIN, Role.PARTNER_MANAGER}),
    )
)
