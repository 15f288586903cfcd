"""Writes of the tier program: the periodic review that proposes tier changes, and the
manager's decision (approve, or override with a note) that changes a partner's tier."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.core.events import emit
from prm.notifications.services import notify
from prm.partners.models import Partner, Tier
from prm.tiers import evaluation
from prm.tiers.models import (
    ProposalDirection,
    ProposalSource,
    ProposalStatus,
    TierBenefit,
    TierChange,
    TierProposal,
    TierRequirement,
)


@dataclass
class ReviewReport:
    evaluated: int = 0
    upgrades: int = 0
    downgrades: int = 0
    reviews: int = 0
    created: int = 0
    refreshed: int = 0
    proposals: list[TierProposal] = field(default_factory=list)


def _direction(program: evaluation.Program, current: int | None, proposed: int | None) -> str:
    before, after = program.rank_of(current), program.rank_of(proposed)
    if after > before:
        return ProposalDirection.UPGRADE
    if after < before:
        return ProposalDirection.DOWNGRADE
    return ProposalDirection.REVIEW


def _reasons(program: evaluation.Program, outcome: evaluation.Outcome) -> list[dict]:
    """The checks that explain the proposal: those of the current tier, of the proposed
    tier and, for an upgrade, of the tier just above the proposed one (what is missing)."""
    wanted = {outcome.current_tier_id, outcome.eligible_tier_id}
    above = program.next_tier(outcome.eligible_tier_id)
    if above is not None:
        wanted.add(above.pk)
    reasons = []
    for tier in program.tiers:
        if tier.pk in wanted:
            reasons.extend(c.as_json() for c in outcome.checks.get(tier.pk, []))
    return reasons


def tier_review(
    *,
    actor: User | None = None,
    as_of: datetime.date | None = None,
    partner_ids: Iterable[int] | None = None,
    dry_run: bool = False,
    source: str = ProposalSource.REVIEW,
) -> ReviewReport:
    """Propose upgrades and downgrades; never change a tier.

    Every active partner (or the ones named) is checked against every tier's requirements.
    A partner whose eligible tier differs from its tier gets a pending proposal with the
    reasons; a partner that already has one gets it refreshed. A review asked for by a
    scorecard standing (``source=scorecard``) proposes even when the tier would stay, so a
    manager looks at it. Run by admins (or the system: ``actor=None``).
    """
    if actor is not None and access.role_of(actor) != Role.ADMIN:
        raise PermissionDenied
    as_of = as_of or timezone.localdate()
    program, outcomes = evaluation.evaluate(partner_ids=partner_ids, as_of=as_of)
    report = ReviewReport(evaluated=len(outcomes))
    with transaction.atomic():
        pending = {
            p.partner_id: p
            for p in access.unrestricted(TierProposal)
            .select_for_update()
            .filter(status=ProposalStatus.PENDING, partner_id__in=[o.partner_id for o in outcomes])
        }
        for outcome in outcomes:
            forced = source == ProposalSource.SCORECARD
            if not outcome.changes and not forced and outcome.partner_id not in pending:
                continue
            direction = _direction(program, outcome.current_tier_id, outcome.eligible_tier_id)
            counter = {
                ProposalDirection.UPGRADE: "upgrades",
                ProposalDirection.DOWNGRADE: "downgrades",
                ProposalDirection.REVIEW: "reviews",
            }[direction]
            setattr(report, counter, getattr(report, counter) + 1)
            proposal = pending.get(outcome.partner_id) or TierProposal(
                partner_id=outcome.partner_id, source=source
            )
            proposal.current_tier_id = outcome.current_tier_id
            proposal.proposed_tier_id = outcome.eligible_tier_id
            proposal.direction = direction
            proposal.reasons = _reasons(program, outcome)
            proposal.as_of = as_of
            if forced:
                proposal.source = source
            report.proposals.append(proposal)
            if dry_run:
                continue
            if proposal.pk:
                report.refreshed += 1
            else:
                report.created += 1
            proposal.full_clean(exclude=["partner", "current_tier", "proposed_tier"])
            proposal.save()
    return report


def _locked_pending(actor: User, proposal: TierProposal) -> TierProposal:
    """The proposal, locked, if ``actor`` may decide it and it is still pending: of two
    managers deciding at once, the second waits for the first and then gets a clear
    refusal."""
    locked = access.get_object(
        actor, TierProposal.objects.select_for_update(), Action.CHANGE, pk=proposal.pk
    )
    if not locked.is_pending:
        raise BusinessError(
            _("This proposal has already been decided (%(status)s).")
            % {"status": locked.get_status_display()},
            code="already_decided",
            status=409,
        )
    return locked


def _partner_recipients(partner: Partner) -> list[User]:
    return list(access.unrestricted(User).filter(partner_id=partner.pk, is_active=True))


def _change_tier(
    *,
    actor: User,
    partner_id: int,
    to_tier: Tier | None,
    proposal: TierProposal | None,
    note: str,
) -> TierChange | None:
    partner = access.unrestricted(Partner).select_for_update().get(pk=partner_id)
    if partner.tier_id == (to_tier.pk if to_tier else None):
        return None
    from_tier = partner.tier
    partner.tier = to_tier
    partner.save(update_fields=["tier", "updated_at"])
    change = TierChange.objects.create(
        partner=partner,
        from_tier=from_tier,
        to_tier=to_tier,
        changed_at=timezone.now(),
        changed_by=actor,
        proposal=proposal,
        note=note,
    )
    emit(
        "tier.changed",
        partner_id=partner.pk,
        change_id=change.pk,
        from_tier=from_tier.code if from_tier else "",
        to_tier=to_tier.code if to_tier else "",
    )

    def title():
        return _("Your partner tier is now %(tier)s") % {"tier": to_tier or _("No tier")}

    def body():
        return _("%(partner)s moved from %(from)s to %(to)s.") % {
            "partner": partner.name,
            "from": from_tier or _("No tier"),
            "to": to_tier or _("No tier"),
        }

    notify(_partner_recipients(partner), title=title, body=body, url=reverse("tiers:portal"))
    if partner.owner_id and partner.owner_id != actor.pk:
        notify(
            [partner.owner], title=title, body=body, url=reverse("tiers:history", args=[partner.pk])
        )
    return change


@transaction.atomic
def proposal_approve(*, actor: User, proposal: TierProposal, note: str = "") -> TierProposal:
    """Apply the proposed tier: the partner's tier changes, a history row is written and the
    partner is notified (in the app and by e-mail). Only a manager who may change the
    partner (its owner, or an admin) decides, and only once."""
    locked = _locked_pending(actor, proposal)
    _change_tier(
        actor=actor,
        partner_id=locked.partner_id,
        to_tier=locked.proposed_tier,
        proposal=locked,
        note=note.strip(),
    )
    locked.status = ProposalStatus.APPROVED
    locked.decided_tier = locked.proposed_tier
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.note = note.strip()
    locked.save()
    return locked


KEEP = object()


@transaction.atomic
def proposal_override(
    *, actor: User, proposal: TierProposal, note: str, tier: Tier | object | None = KEEP
) -> TierProposal:
    """Decide otherwise than proposed, with a note that says why: keep the partner's tier
    (``tier`` left out) or choose another one (``None`` for no tier)."""
    note = (note or "").strip()
    if not note:
        raise BusinessError(
            _("Say why you override the proposal."), code="note_required", field="note"
        )
    locked = _locked_pending(actor, proposal)
    partner_tier = (
        access.unrestricted(Partner).values_list("tier_id", flat=True).get(pk=locked.partner_id)
    )
    chosen_id = partner_tier if tier is KEEP else (tier.pk if tier is not None else None)
    chosen = Tier.objects.filter(pk=chosen_id).first() if chosen_id else None
    _change_tier(
        actor=actor, partner_id=locked.partner_id, to_tier=chosen, proposal=locked, note=note
    )
    locked.status = ProposalStatus.OVERRIDDEN
    locked.decided_tier = chosen
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.note = note
    locked.save()
    return locked


def on_tier_review_proposed(partner_ids: list[int], **_payload) -> None:
    """Scorecard standings ask for a tier review of these partners: propose them, all in
    one evaluation."""
    if partner_ids:
        tier_review(partner_ids=partner_ids, source=ProposalSource.SCORECARD)


def _require_admin(actor: User | None) -> None:
    if access.role_of(actor) != Role.ADMIN:
        raise PermissionDenied


@transaction.atomic
def requirement_save(*, actor: User, requirement: TierRequirement) -> TierRequirement:
    """Add or change a tier requirement (admins): a standing requirement names a standing,
    the others a threshold; only KPI requirements name a KPI."""
    _require_admin(actor)
    requirement.full_clean()
    requirement.save()
    return requirement


@transaction.atomic
def benefit_save(*, actor: User, benefit: TierBenefit) -> TierBenefit:
    """Set what a tier gives (admins)."""
    _require_admin(actor)
    benefit.full_clean()
    benefit.save()
    return benefit
