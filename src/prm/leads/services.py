"""Writes on leads: create, edit, delete, route, accept, decline, expire, convert.

Every service takes the acting user first, re-checks access inside its transaction with the
lead locked, and validates before writing. Routing itself is ``prm.leads.routing``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.leads import routing
from prm.leads.models import (
    ROUTABLE_STATUSES,
    AssignmentResponse,
    Lead,
    LeadAssignment,
    LeadSource,
    LeadStatus,
)
from prm.sales import services as sales_services

logger = logging.getLogger(__name__)

LEAD_FIELDS = (
    "company_name",
    "contact_name",
    "contact_email",
    "contact_phone",
    "country",
    "region",
    "industry",
    "product_interest",
    "estimated_value",
    "currency",
    "external_id",
    "notes",
)
REASON_MAX = 1000


def _apply(lead: Lead, data: dict[str, Any]) -> None:
    unknown = set(data) - set(LEAD_FIELDS)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "currency" and isinstance(value, str):
            value = value.upper()
        if name == "country" and isinstance(value, str):
            value = value.upper()
        setattr(lead, name, value)


def _require_add(actor: User) -> None:
    role = access.role_of(actor)
    if role is None or access.policy_of(Lead).filter(actor, role, Action.ADD) is None:
        raise PermissionDenied


def _locked(actor: User, lead: Lead, action: Action) -> Lead:
    rows = access.scope(actor, Lead, action).select_for_update(of=("self",))
    return access.get_object(actor, rows, action, pk=lead.pk)


@transaction.atomic
def lead_create(
    *,
    actor: User,
    data: dict[str, Any],
    source: str = LeadSource.CREATED,
    route: bool = True,
) -> Lead:
    """A new lead of the company; routed at once unless ``route`` is false."""
    _require_add(actor)
    lead = Lead(source=source)
    _apply(lead, data)
    lead.full_clean()
    lead.save()
    if route:
        routing.route(lead)
    return lead


@transaction.atomic
def lead_update(*, actor: User, lead: Lead, data: dict[str, Any]) -> Lead:
    lead = _locked(actor, lead, Action.CHANGE)
    _apply(lead, data)
    lead.full_clean()
    lead.save()
    return lead


@transaction.atomic
def lead_delete(*, actor: User, lead: Lead) -> None:
    lead = _locked(actor, lead, Action.DELETE)
    lead.delete()


def _close_pending(lead: Lead, response: str, actor: User | None, reason: str = "") -> None:
    now = timezone.now()
    for assignment in access.unrestricted(LeadAssignment).filter(
        lead=lead, response=AssignmentResponse.PENDING
    ):
        assignment.response = response
        assignment.responded_at = now
        assignment.responded_by = actor
        assignment.reason = reason
        assignment.save()


@transaction.atomic
def lead_route(*, actor: User, lead: Lead, seed: int | None = None) -> LeadAssignment | None:
    """Route (or re-route) a lead by the rules. A pending offer is withdrawn first; the
    partner it was offered to may be chosen again (withdrawing is not declining)."""
    lead = _locked(actor, lead, Action.CHANGE)
    if lead.status not in ROUTABLE_STATUSES:
        raise BusinessError(
            _("A lead that is %(status)s cannot be routed again.")
            % {"status": lead.get_status_display().lower()},
            code="not_routable",
            status=409,
        )
    _close_pending(lead, AssignmentResponse.WITHDRAWN, actor)
    return routing.route(lead, seed=seed)


def _answerable(actor: User, lead: Lead) -> Lead:
    """The lead locked for the partner's answer: its own partner's users, or staff who may
    change it (recording an answer given by phone)."""
    rows = access.scope(actor, Lead, Action.VIEW).select_for_update(of=("self",))
    lead = access.get_object(actor, rows, Action.VIEW, pk=lead.pk)
    if not actor.is_portal_role and not access.can(actor, lead, Action.CHANGE):
        raise PermissionDenied
    if lead.status != LeadStatus.OFFERED or lead.partner_id is None:
        raise BusinessError(
            _("This lead is not waiting for an answer (it is %(status)s).")
            % {"status": lead.get_status_display().lower()},
            code="not_offered",
            status=409,
        )
    if lead.sla_due and timezone.now() > lead.sla_due:
        due = formats.date_format(timezone.localtime(lead.sla_due), "DATETIME_FORMAT")
        raise BusinessError(
            _(
                "The time to answer this lead ended at %(due)s; it is being offered to "
                "another partner."
            )
            % {"due": due},
            code="sla_expired",
            status=409,
        )
    return lead


def _pending(lead: Lead) -> LeadAssignment | None:
    return (
        access.unrestricted(LeadAssignment)
        .filter(lead=lead, partner_id=lead.partner_id, response=AssignmentResponse.PENDING)
        .first()
    )


@transaction.atomic
def lead_accept(*, actor: User, lead: Lead) -> Lead:
    """The partner takes the lead, within its answer time (never after it)."""
    return _accept(actor, _answerable(actor, lead))


def _accept(actor: User, lead: Lead) -> Lead:
    assignment = _pending(lead)
    if assignment is not None:
        assignment.response = AssignmentResponse.ACCEPTED
        assignment.responded_at = timezone.now()
        assignment.responded_by = actor
        assignment.save()
    lead.status = LeadStatus.ACCEPTED
    lead.save(update_fields=["status", "updated_at"])
    return lead


@transaction.atomic
def lead_decline(*, actor: User, lead: Lead, reason: str) -> Lead:
    """The partner passes on the lead, saying why; the lead goes to the next partner, and
    never back to this one."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(_("Say why you decline the lead."), field="reason")
    if len(reason) > REASON_MAX:
        raise BusinessError(
            _("Keep the reason under %(n)s characters.") % {"n": REASON_MAX}, field="reason"
        )
    lead = _answerable(actor, lead)
    _close_pending(lead, AssignmentResponse.DECLINED, actor, reason)
    lead.status = LeadStatus.DECLINED
    routing.route(lead)
    return lead


def leads_expire_overdue(*, now: datetime | None = None) -> int:
    """Offers not answered in time lapse and their leads go to the next partner.
    Returns how many lapsed. Each lead in its own transaction: one failure stops nobody."""
    now = now or timezone.now()
    overdue = list(
        access.unrestricted(Lead)
        .filter(status=LeadStatus.OFFERED, sla_due__lt=now)
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in overdue:
        try:
            with transaction.atomic():
                lead = (
                    access.unrestricted(Lead)
                    .select_for_update(of=("self",))
                    .filter(pk=pk, status=LeadStatus.OFFERED, sla_due__lt=now)
                    .first()
                )
                if lead is None:
                    continue
                _close_pending(lead, AssignmentResponse.EXPIRED, None)
                lead.status = LeadStatus.EXPIRED
                routing.route(lead)
                count += 1
        except Exception:
            logger.exception("Lead %s could not be re-routed after its answer time", pk)
    return count


@transaction.atomic
def lead_convert(*, actor: User, lead: Lead) -> tuple[Lead, Any]:
    """An accepted lead becomes the partner's deal registration in one step (an offered
    one is accepted on the way, within its answer time). The registration goes through
    the deal registration service, conflict detection included; when it is refused,
    nothing changes, the acceptance neither."""
    rows = access.scope(actor, Lead, Action.VIEW).select_for_update(of=("self",))
    found = access.get_object(actor, rows, Action.VIEW, pk=lead.pk)
    if found.status == LeadStatus.OFFERED:
        lead = _accept(actor, _answerable(actor, found))
    else:
        lead = found
        if not actor.is_portal_role and not access.can(actor, lead, Action.CHANGE):
            raise PermissionDenied
        if lead.status != LeadStatus.ACCEPTED or lead.partner_id is None:
            raise BusinessError(
                _("Only an accepted lead can become a deal registration (this one is %(status)s).")
                % {"status": lead.get_status_display().lower()},
                code="not_accepted",
                status=409,
            )
    deal = sales_services.deal_register(
        actor=actor,
        partner=lead.partner,
        customer={"customer_name": lead.company_name},
        data={
            "contact_name": lead.contact_name,
            "contact_email": lead.contact_email,
            "contact_phone": lead.contact_phone,
            "products": lead.product_interest,
            "amount": lead.estimated_value,
            "currency": lead.currency,
            "notes": lead.notes,
        },
    )
    lead.status = LeadStatus.CONVERTED
    lead.deal_id = deal.pk
    lead.save(update_fields=["status", "deal_id", "updated_at"])
    return lead, deal
