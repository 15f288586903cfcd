"""Contracts and compliance requirements as import/export entities (see
``prm.imports.registry``).

- contracts: the ``ID`` column updates that contract; a row without it creates a draft.
  The status, signing and termination are exported for reading and ignored on import (they
  are recorded through the contract's own actions).
- compliance requirements: the ``ID`` column, else the partner type and English name, find
  the row to update; only admins import them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.contracts import selectors, services
from prm.contracts.compliance import ComplianceStatus, item_status
from prm.contracts.models import (
    CURRENCIES,
    ComplianceRequirement,
    ComplianceSubmission,
    Contract,
    ContractType,
)
from prm.contracts.status import with_status_data
from prm.core import access
from prm.core.access import Action
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
from prm.partners.imports import (
    ID_COLUMN,
    parse_bool,
    parse_owner,
    partner_key,
    resolve_partner,
)
from prm.partners.models import PartnerType, TypeCode


def parse_date(value: str, ctx: Context) -> Any:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise ValidationError(
            _("%(value)s is not a date; write it as YYYY-MM-DD.") % {"value": value}
        ) from exc


def parse_required_date(value: str, ctx: Context) -> Any:
    return KEEP if not value else parse_date(value, ctx)


def parse_decimal(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    try:
        number = Decimal(value.replace(",", "").strip())
    except InvalidOperation as exc:
        raise ValidationError(_("%(value)s is not a number.") % {"value": value}) from exc
    if not number.is_finite():
        raise ValidationError(_("%(value)s is not a number.") % {"value": value})
    return number


def parse_int(value: str, ctx: Context) -> Any:
    if not value:
        return None
    if not value.strip().isdigit() or len(value.strip()) > 6:
        raise ValidationError(_("%(value)s is not a whole number.") % {"value": value})
    return int(value.strip())


def parse_int_keep(value: str, ctx: Context) -> Any:
    return KEEP if not value else parse_int(value, ctx)


def parse_currency(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    code = value.strip().upper()
    if code not in dict(CURRENCIES):
        raise ValidationError(
            _("%(value)s is not a currency; use one of: %(choices)s")
            % {"value": value, "choices": ", ".join(c for c, _label in CURRENCIES)}
        )
    return code


def parse_contract_type(value: str, ctx: Context) -> Any:
    if not value:
        return KEEP
    key = header_key(value)
    for kind in ContractType.objects.all():
        if key in {header_key(kind.code), header_key(kind.name_ko), header_key(kind.name_en)}:
            return kind
    raise ValidationError(
        _("%(value)s is not a contract type; use one of: %(choices)s")
        % {
            "value": value,
            "choices": ", ".join(ContractType.objects.values_list("code", flat=True)),
        }
    )


def parse_bool_keep(value: str, ctx: Context) -> Any:
    return KEEP if not value else parse_bool(value, ctx)


def apply_contract(ctx: Context, data: dict[str, Any]) -> Outcome:
    partner = data.pop("partner")
    pk = data.pop("id", None)
    if pk is None:
        if not access.can_add(ctx.actor, Contract, partner):
            raise RowError(
                _("You may not add contracts to %(partner)s.") % {"partner": partner.name},
                "partner",
            )
        for name in ("type", "title", "start_date", "end_date"):
            if data.get(name) in (None, ""):
                raise RowError(_("A new contract needs this column filled."), name)
        services.contract_create(actor=ctx.actor, partner=partner, data=data)
        return Outcome.CREATED
    contract = access.scope(ctx.actor, Contract).filter(pk=pk).first()
    if contract is None:
        raise RowError(_("No contract has the ID %(id)s.") % {"id": pk}, "id")
    if contract.partner_id != partner.pk:
        raise RowError(_("An import does not move a contract to another partner."), "partner")
    if not access.can(ctx.actor, contract, Action.CHANGE):
        raise RowError(_("You may not change this contract."), "id")
    changes = {k: v for k, v in data.items() if getattr(contract, k) != v}
    if not changes:
        return Outcome.UNCHANGED
    services.contract_update(actor=ctx.actor, contract=contract, data=changes)
    return Outcome.UPDATED


def export_contract(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.pk,
        "partner": partner_key(contract.partner),
        "partner_name": contract.partner.name,
        "type": contract.type.code,
        "title": contract.title,
        "status": str(contract.status_on(timezone.localdate()).label),
        "value": contract.value,
        "currency": contract.currency,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "auto_renew": str(_("Yes") if contract.auto_renew else _("No")),
        "renewal_term_months": contract.renewal_term_months or "",
        "notice_days": contract.notice_days,
        "owner": contract.owner.email if contract.owner else "",
        "signed_on": contract.signed_on.isoformat() if contract.signed_on else "",
        "signatories": "; ".join(contract.signatories),
        "terminated_on": contract.terminated_on.isoformat() if contract.terminated_on else "",
        "termination_reason": contract.termination_reason,
        "notes": contract.notes,
    }


def contracts_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        rows = with_status_data(
            access.unrestricted(Contract).select_related("partner", "type", "owner")
        ).order_by("end_date", "id")
        return None, rows
    return selectors.contract_list(user=user, params=params, request=request)


CONTRACTS = register(
    Entity(
        name="contracts",
        label=gettext_lazy("Contracts"),
        model=Contract,
        natural_keys=("id",),
        columns=(
            ID_COLUMN,
            Column(
                "partner",
                "partner",
                "파트너",
                aliases=("협력사", "사업자등록번호"),
                required=True,
                parse=resolve_partner,
            ),
            Column("partner_name", "partner_name", "파트너명", export_only=True),
            Column("type", "type", "계약 유형", aliases=("유형",), parse=parse_contract_type),
            Column("title", "title", "계약명", aliases=("제목",)),
            Column("status", "status", "상태", export_only=True),
            Column("value", "value", "계약 금액", aliases=("금액",), parse=parse_decimal),
            Column("currency", "currency", "통화", parse=parse_currency),
            Column("start_date", "start_date", "시작일", parse=parse_required_date),
            Column("end_date", "end_date", "종료일", parse=parse_required_date),
            Column("auto_renew", "auto_renew", "자동 갱신", parse=parse_bool_keep),
            Column(
                "renewal_term_months",
                "renewal_term_months",
                "갱신 기간(개월)",
                parse=parse_int,
            ),
            Column("notice_days", "notice_days", "해지 통보 기간(일)", parse=parse_int_keep),
            Column("owner", "owner", "파트너 매니저", aliases=("담당자",), parse=parse_owner),
            Column("signed_on", "signed_on", "서명일", export_only=True),
            Column("signatories", "signatories", "서명자", export_only=True),
            Column("terminated_on", "terminated_on", "해지일", export_only=True),
            Column("termination_reason", "termination_reason", "해지 사유", export_only=True),
            Column("notes", "notes", "메모", aliases=("비고",)),
        ),
        apply=apply_contract,
        export_queryset=contracts_for_export,
        export_row=export_contract,
        export_roles=frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST}),
    )
)


# Compliance requirements ------------------------------------------------------------------


def parse_partner_type(value: str, ctx: Context) -> Any:
    key = header_key(value)
    for code, label in TypeCode.choices:
        if key in {header_key(code), header_key(str(label))}:
            return PartnerType.objects.get(code=code)
    raise ValidationError(
        _("%(value)s is not a partner type; use one of: %(choices)s")
        % {"value": value, "choices": ", ".join(TypeCode.values)}
    )


def apply_requirement(ctx: Context, data: dict[str, Any]) -> Outcome:
    pk = data.pop("id", None)
    if pk is not None:
        requirement = ComplianceRequirement.objects.filter(pk=pk).first()
        if requirement is None:
            raise RowError(_("No requirement has the ID %(id)s.") % {"id": pk}, "id")
    else:
        requirement = ComplianceRequirement.objects.filter(
            partner_type=data["partner_type"], name_en=data.get("name_en", "")
        ).first()
    created = requirement is None
    requirement = requirement or ComplianceRequirement()
    changed = created
    for name, value in data.items():
        if name == "partner_type":
            current, given = requirement.partner_type_id, value.pk
        else:
            current, given = getattr(requirement, name), value
        if current != given:
            setattr(requirement, name, value)
            changed = True
    if not changed:
        return Outcome.UNCHANGED
    services.requirement_save(actor=ctx.actor, requirement=requirement)
    return Outcome.CREATED if created else Outcome.UPDATED


def export_requirement(requirement: ComplianceRequirement) -> dict[str, Any]:
    return {
        "id": requirement.pk,
        "partner_type": requirement.partner_type_id,
        "name_ko": requirement.name_ko,
        "name_en": requirement.name_en,
        "expires": str(_("Yes") if requirement.expires else _("No")),
        "validity_days": requirement.validity_days or "",
        "warning_days": requirement.warning_days,
        "active": str(_("Yes") if requirement.active else _("No")),
    }


def requirements_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    if user is None:
        return None, ComplianceRequirement.objects.select_related("partner_type")
    return selectors.requirement_list(user=user, params=params, request=request)


REQUIREMENTS = register(
    Entity(
        name="compliance-requirements",
        label=gettext_lazy("Compliance requirements"),
        model=ComplianceRequirement,
        natural_keys=("id", "partner_type+name_en"),
        columns=(
            ID_COLUMN,
            Column(
                "partner_type",
                "partner_type",
                "파트너 유형",
                aliases=("유형",),
                required=True,
                parse=parse_partner_type,
            ),
            Column("name_ko", "name_ko", "서류명", aliases=("이름",), required=True),
            Column("name_en", "name_en", "서류명(영문)", aliases=("name",), required=True),
            Column("expires", "expires", "만료 여부", parse=parse_bool_keep),
            Column("validity_days", "validity_days", "유효 기간(일)", parse=parse_int),
            Column("warning_days", "warning_days", "만료 알림(일 전)", parse=parse_int_keep),
            Column("active", "active", "사용", parse=parse_bool_keep),
        ),
        apply=apply_requirement,
        export_queryset=requirements_for_export,
        export_row=export_requirement,
        import_roles=frozenset({Role.ADMIN}),
        export_roles=frozenset({Role.ADMIN, Role.PARTNER_MANAGER, Role.ANALYST}),
    )
)


# Compliance documents: what each partner submitted for which requirement, with its status
# today. Documents are files, so they are uploaded (portal, back office, API), not imported.


def _refuse_documents(ctx: Context, data: dict[str, Any]) -> Outcome:
    raise RowError(_("Compliance documents are uploaded as files, not imported."))


def export_submission(submission: ComplianceSubmission) -> dict[str, Any]:
    status = item_status(submission.requirement, submission, timezone.localdate())
    return {
        "id": submission.pk,
        "partner": partner_key(submission.partner),
        "partner_name": submission.partner.name,
        "requirement": str(submission.requirement),
        "file": submission.document.filename,
        "uploaded_on": timezone.localtime(submission.created_at).date(),
        "expires_on": submission.expires_on or "",
        "status": str(ComplianceStatus(status).label),
    }


def submissions_for_export(user: User | None, params, request) -> tuple[Any, QuerySet]:
    rows = (
        access.unrestricted(ComplianceSubmission)
        if user is None
        else access.scope(user, ComplianceSubmission)
    )
    rows = rows.select_related("partner", "requirement", "document")
    return None, rows.order_by("partner__name", "requirement__name_en", "-created_at", "id")


COMPLIANCE_DOCUMENTS = register(
    Entity(
        name="compliance-documents",
        label=gettext_lazy("Compliance documents"),
        model=ComplianceSubmission,
        natural_keys=("id",),
        columns=(
            Column("id", "id", "ID", export_only=True),
            Column("partner", "partner", "파트너", export_only=True),
            Column("partner_name", "partner_name", "파트너명", export_only=True),
            Column("requirement", "requirement", "필수 서류", export_only=True),
            Column("file", "file", "파일명", export_only=True),
            Column("uploaded_on", "uploaded_on", "제출일", export_only=True),
            Column("expires_on", "expires_on", "만료일", export_only=True),
            Column("status", "status", "상태", export_only=True),
        ),
        apply=_refuse_documents,
        export_queryset=submissions_for_export,
        export_row=export_submission,
        import_roles=frozenset(),
    )
)
