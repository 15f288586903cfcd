"""Writes on contracts, their terms, negotiation rounds and comments, and on compliance
submissions.

Every service takes the acting user first, re-checks access inside its transaction, validates
with the model's rules (``full_clean``) before writing, and raises ``BusinessError`` for a
rule of the contract's life: a signed contract is not renegotiated, a terminated one is not
renewed, only a draft is deleted.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import STAFF_ROLES
from prm.contracts.compliance import expiry_of, refresh
from prm.contracts.models import (
    ComplianceRequirement,
    ComplianceSubmission,
    Contract,
    ContractTerm,
    NegotiationRound,
    RoundComment,
)
from prm.contracts.status import Status, status, term_end
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.core.events import emit
from prm.notifications.services import notify
from prm.partners import services as partner_services
from prm.partners.documents import check_upload
from prm.partners.models import DocumentKind, Partner

CONTRACT_FIELDS = (
    "type",
    "title",
    "value",
    "currency",
    "start_date",
    "end_date",
    "auto_renew",
    "renewal_term_months",
    "notice_days",
    "owner",
    "notes",
)
TERM_FIELDS = ("description", "metric", "target", "due_on")


def _apply(instance, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        setattr(instance, name, value)


def _check_owner(contract: Contract) -> None:
    if (
        contract.owner_id
        and not User.objects.filter(
            pk=contract.owner_id, role__in=list(STAFF_ROLES), is_active=True
        )
        .exclude(role="analyst")
        .exists()
    ):
        raise BusinessError(
            _("The owner must be an active partner manager or admin."), field="owner"
        )


def _changeable(actor: User, contract: Contract) -> Contract:
    return access.get_object(
        actor,
        access.scope(actor, Contract, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=contract.pk,
    )


def _today() -> date:
    return timezone.localdate()


@transaction.atomic
def contract_create(*, actor: User, partner: Partner, data: dict[str, Any]) -> Contract:
    """A new draft contract. Its owner defaults to the acting staff member."""
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if not access.can_add(actor, Contract, partner):
        raise PermissionDenied
    contract = Contract(partner=partner)
    _apply(contract, data, CONTRACT_FIELDS)
    if contract.owner_id is None and actor.is_staff_role and actor.role != "analyst":
        contract.owner = actor
    contract.full_clean()
    _check_owner(contract)
    contract.save()
    return contract


@transaction.atomic
def contract_update(*, actor: User, contract: Contract, data: dict[str, Any]) -> Contract:
    """Change a contract. Once signed, its type, value and dates are what was signed."""
    contract = _changeable(actor, contract)
    if contract.signed_on is not None:
        frozen = {"type", "value", "currency", "start_date", "end_date"} & set(data)
        changed = [n for n in frozen if getattr(contract, n) != data[n]]
        if changed:
            raise BusinessError(
                _("A signed contract keeps the terms it was signed with; renew it instead."),
                code="signed",
                field=sorted(changed)[0],
            )
    _apply(contract, data, CONTRACT_FIELDS)
    contract.full_clean()
    _check_owner(contract)
    contract.save()
    return contract


@transaction.atomic
def contract_delete(*, actor: User, contract: Contract) -> None:
    """Only a draft (never signed, no negotiation round) is deleted."""
    contract = access.get_object(actor, Contract, Action.DELETE, pk=contract.pk)
    if contract.signed_on is not None or contract.rounds.exists():
        raise BusinessError(
            _("Only a draft contract can be deleted; terminate it instead."), code="not_draft"
        )
    contract.delete()


# Terms -----------------------------------------------------------------------------


@transaction.atomic
def term_add(*, actor: User, contract: Contract, data: dict[str, Any]) -> ContractTerm:
    contract = _changeable(actor, contract)
    term = ContractTerm(contract=contract)
    _apply(term, data, TERM_FIELDS)
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def term_delete(*, actor: User, term: ContractTerm) -> None:
    term = access.get_object(actor, ContractTerm, Action.DELETE, pk=term.pk)
    term.delete()


# Negotiation -----------------------------------------------------------------------


def _require_open(contract: Contract) -> None:
    if contract.signed_on is not None:
        raise BusinessError(_("The contract is signed; negotiation is closed."), code="signed")
    if contract.terminated_on is not None:
        raise BusinessError(
            _("The contract is terminated; negotiation is closed."), code="terminated"
        )


@transaction.atomic
def round_add(*, actor: User, contract: Contract, upload, summary: str = "") -> NegotiationRound:
    """A new negotiation round with a version of the document (type and size checked)."""
    contract = _changeable(actor, contract)
    _require_open(contract)
    content_type = check_upload(upload, max_mb=settings.PRM_MAX_UPLOAD_MB)
    last = contract.rounds.order_by("-number").first()
    if last is not None and last.accepted_at is not None:
        raise BusinessError(
            _("A version was already accepted; sign the contract."),
            code="accepted",
        )
    round_ = NegotiationRound(
        contract=contract,
        number=(last.number + 1) if last else 1,
        summary=summary,
        filename=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    round_.file = upload
    round_.full_clean(exclude=["file"])
    round_.save()
    _notify_partner(
        contract,
        title=lambda: _("New version of %(title)s to review") % {"title": contract.title},
        url_name="contracts:portal_detail",
    )
    return round_


@transaction.atomic
def comment_add(*, actor: User, round: NegotiationRound, body: str) -> RoundComment:
    """A comment on the current (latest) round of an open negotiation."""
    round_ = access.get_object(actor, NegotiationRound, Action.VIEW, pk=round.pk)
    if not access.can_add(actor, RoundComment, round_.contract.partner):
        raise PermissionDenied
    contract = round_.contract
    _require_open(contract)
    if contract.rounds.filter(number__gt=round_.number).exists():
        raise BusinessError(
            _("Comment on the current round; this one was superseded."), code="superseded"
        )
    body = (body or "").strip()
    if not body:
        raise BusinessError(_("Write a comment."), field="body")
    comment = RoundComment(round=round_, author=actor, body=body)
    comment.full_clean()
    comment.save()
    if actor.is_portal_role:
        notify(
            [contract.owner],
            title=lambda: (
                _("%(partner)s commented on %(title)s")
                % {"partner": contract.partner.name, "title": contract.title}
            ),
            body=body,
            url=contract.get_absolute_url(),
        )
    else:
        _notify_partner(
            contract,
            title=lambda: _("New comment on %(title)s") % {"title": contract.title},
            body=body,
            url_name="contracts:portal_detail",
        )
    return comment


@transaction.atomic
def round_accept(*, actor: User, round: NegotiationRound) -> NegotiationRound:
    """Accept the current round's version: the one to be signed."""
    round_ = access.get_object(actor, NegotiationRound, Action.VIEW, pk=round.pk)
    contract = _changeable(actor, round_.contract)
    _require_open(contract)
    if contract.rounds.filter(number__gt=round_.number).exists():
        raise BusinessError(_("Only the current round can be accepted."), code="superseded")
    round_.accepted_at = timezone.now()
    round_.accepted_by = actor
    round_.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return round_


@transaction.atomic
def contract_sign(
    *, actor: User, contract: Contract, signed_on: date, signatories: list[str]
) -> Contract:
    """Record the signing: the date and who signed. Needs an accepted version when the
    contract was negotiated."""
    contract = _changeable(actor, contract)
    _require_open(contract)
    if contract.rounds.exists() and not contract.rounds.filter(accepted_at__isnull=False).exists():
        raise BusinessError(_("Accept a version before signing the contract."), code="not_accepted")
    names = [s.strip() for s in signatories if s and s.strip()]
    if not names:
        raise BusinessError(_("Name at least one signatory."), field="signatories")
    if signed_on is None:
        raise BusinessError(_("Give the date of signing."), field="signed_on")
    if signed_on > _today():
        raise BusinessError(_("The signing date cannot be in the future."), field="signed_on")
    contract.signed_on = signed_on
    contract.signatories = names
    contract.full_clean()
    contract.save()
    emit("contract.signed", contract_id=contract.pk, partner_id=contract.partner_id)
    return contract


@transaction.atomic
def contract_renew(
    *, actor: User, contract: Contract, data: dict[str, Any] | None = None
) -> Contract:
    """A successor contract starting the day after this one ends, for the renewal term (or
    as long as this one ran); a draft to negotiate and sign like any other. A terminated
    contract, one not signed yet, or one already renewed is not renewed."""
    contract = _changeable(actor, contract)
    if contract.terminated_on is not None:
        raise BusinessError(
            _("A terminated contract cannot be renewed."), code="terminated", status=409
        )
    if contract.signed_on is None:
        raise BusinessError(
            _("Only a signed contract can be renewed."), code="not_signed", status=409
        )
    if Contract._base_manager.filter(predecessor=contract).exists():
        raise BusinessError(_("This contract was already renewed."), code="renewed", status=409)
    start = contract.end_date + timedelta(days=1)
    months = contract.renewal_term_months
    span = contract.end_date - contract.start_date
    end = term_end(start, months) if months else start + span
    successor = Contract(
        partner=contract.partner,
        type=contract.type,
        title=contract.title,
        value=contract.value,
        currency=contract.currency,
        start_date=start,
        end_date=end,
        auto_renew=contract.auto_renew,
        renewal_term_months=contract.renewal_term_months,
        notice_days=contract.notice_days,
        owner=contract.owner,
        predecessor=contract,
    )
    _apply(successor, data or {}, CONTRACT_FIELDS)
    successor.full_clean()
    successor.save()
    for term in contract.terms.all():
        ContractTerm.objects.create(
            contract=successor,
            description=term.description,
            metric=term.metric,
            target=term.target,
        )
    return successor


@transaction.atomic
def contract_terminate(
    *, actor: User, contract: Contract, reason: str, terminated_on: date | None = None
) -> Contract:
    """End a contract early (or give notice for its end) with a reason."""
    contract = _changeable(actor, contract)
    if contract.terminated_on is not None:
        raise BusinessError(_("The contract is already terminated."), code="terminated")
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(_("Give the reason for the termination."), field="reason")
    contract.terminated_on = terminated_on or _today()
    contract.termination_reason = reason
    if contract.terminated_on < contract.start_date and contract.signed_on is not None:
        raise BusinessError(
            _("A contract cannot be terminated before it starts."), field="terminated_on"
        )
    contract.full_clean()
    contract.save()
    return contract


def _partner_users(partner: Partner) -> list[User]:
    return list(access.unrestricted(User).filter(partner=partner, is_active=True))


def _notify_partner(contract: Contract, *, title, url_name: str, body="") -> None:
    notify(
        _partner_users(contract.partner),
        title=title,
        body=body,
        url=reverse(url_name, args=[contract.pk]),
    )


# Compliance --------------------------------------------------------------------------


KIND_FOR_REQUIREMENT = DocumentKind.CERTIFICATE


@transaction.atomic
def compliance_submit(
    *,
    actor: User,
    partner: Partner,
    requirement: ComplianceRequirement,
    upload,
    expires_on: date | None = None,
    title: str = "",
) -> ComplianceSubmission:
    """Store a document for a requirement of the partner (through the partners' document
    upload: same type and size checks) and link it to the requirement."""
    partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
    if not access.can_add(actor, ComplianceSubmission, partner):
        raise PermissionDenied
    if not requirement.active or requirement.partner_type_id not in partner.type_codes:
        raise BusinessError(
            _("This document is not required of %(partner)s.") % {"partner": partner.name},
            field="requirement",
        )
    if requirement.expires and expires_on is None and not requirement.validity_days:
        raise BusinessError(
            _("Give the date this document expires."), field="expires_on", code="required"
        )
    if expires_on is not None and expires_on < _today():
        raise BusinessError(_("This document has already expired."), field="expires_on")
    document = partner_services.document_upload(
        actor=actor,
        partner=partner,
        upload=upload,
        title=title or str(requirement),
        kind=KIND_FOR_REQUIREMENT,
        expires_on=expires_on,
    )
    submission = ComplianceSubmission(
        partner=partner,
        requirement=requirement,
        document=document,
        expires_on=expiry_of(requirement, expires_on, _today()),
        submitted_by=actor,
    )
    submission.full_clean()
    submission.save()
    refresh([partner.pk])
    if actor.is_portal_role and partner.owner_id:
        notify(
            [partner.owner],
            title=lambda: (
                _("%(partner)s submitted %(requirement)s")
                % {"partner": partner.name, "requirement": requirement}
            ),
            url=reverse("contracts:compliance_partner", args=[partner.pk]),
        )
    return submission


def contract_status(contract: Contract, today: date | None = None) -> Status:
    return status(contract, today or _today())


@transaction.atomic
def requirement_save(*, actor: User, requirement: ComplianceRequirement) -> ComplianceRequirement:
    """Create or change a compliance requirement: admins only (reference data)."""
    if access.role_of(actor) != "admin":
        raise PermissionDenied
    requirement.full_clean()
    requirement.save()
    return requirement
