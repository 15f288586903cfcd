"""Writes of scorecards: KPIs, targets, templates (weights and standing bands), recompute,
disputes, and releasing a partner's hold.

KPIs and templates are reference data: only admins change them. Targets follow the partner
policy (a partner manager sets targets of the partners they own; tier targets are for
admins). Every rule broken raises ``BusinessError`` with a translated message; nothing is
stored then.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.metrics.periods import Period
from prm.partners.models import Partner, PartnerType, Tier
from prm.scorecards import compute, scoring
from prm.scorecards.evaluator import FormulaError, parse
from prm.scorecards.models import (
    DEFAULT_BANDS,
    KPI,
    Dispute,
    DisputeMessage,
    DisputeStatus,
    ScorecardResult,
    ScorecardTemplate,
    ScoringRule,
    StandingBand,
    Target,
    TemplateKPI,
)

KPI_FIELDS = (
    "code",
    "name_ko",
    "name_en",
    "formula",
    "unit",
    "direction",
    "scoring",
    "target",
    "floor",
    "bands",
    "description",
    "active",
)
TEMPLATE_FIELDS = ("name_ko", "name_en", "period_kind", "description", "active")


def _require_admin(actor: User | None) -> None:
    if actor is not None and access.role_of(actor) != Role.ADMIN:
        raise PermissionDenied


def _apply(instance, data: dict[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        setattr(instance, name, value)


def _full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise BusinessError(
            " ".join(str(m) for m in messages),
            field=None if field == "__all__" else field,
        ) from exc


def check_formula(formula: str) -> frozenset[str]:
    """The metric codes the formula reads; ``BusinessError`` (with the position) when it
    is refused or names a metric that does not exist."""
    try:
        return parse(formula, compute.metric_codes()).names
    except FormulaError as exc:
        raise BusinessError(
            str(exc), code="formula", field="formula", details={"position": exc.position}
        ) from exc


# KPIs --------------------------------------------------------------------------------


def _check_kpi(kpi: KPI) -> None:
    check_formula(kpi.formula)
    kpi.bands = scoring.clean_value_bands(kpi.bands)
    if kpi.scoring == ScoringRule.BANDS and not kpi.bands:
        raise BusinessError(_("A KPI scored by bands needs at least one band."), field="bands")
    if kpi.target is not None and kpi.floor is not None:
        wrong_way = (
            kpi.floor >= kpi.target if kpi.direction == "higher" else kpi.floor <= kpi.target
        )
        if wrong_way and kpi.floor != kpi.target:
            raise BusinessError(
                _("The floor must be on the worse side of the target."), field="floor"
            )
    _full_clean(kpi)


@transaction.atomic
def kpi_create(*, actor: User | None, data: dict[str, Any]) -> KPI:
    """A new KPI; its formula must name existing metrics only."""
    _require_admin(actor)
    kpi = KPI()
    _apply(kpi, data, KPI_FIELDS)
    _check_kpi(kpi)
    kpi.save()
    return kpi


@transaction.atomic
def kpi_update(*, actor: User | None, kpi: KPI, data: dict[str, Any]) -> KPI:
    """Change a KPI. Stored scorecards keep the formula they were computed with."""
    _require_admin(actor)
    kpi = KPI.objects.select_for_update().get(pk=kpi.pk)
    _apply(kpi, data, KPI_FIELDS)
    _check_kpi(kpi)
    kpi.save()
    return kpi


@transaction.atomic
def kpi_delete(*, actor: User | None, kpi: KPI) -> None:
    _require_admin(actor)
    if TemplateKPI.objects.filter(kpi=kpi).exists():
        raise BusinessError(
            _("The KPI is part of a scorecard template; remove it there or deactivate it."),
            code="in_use",
            status=409,
        )
    kpi.delete()


# Targets ------------------------------------------------------------------------------


@transaction.atomic
def target_set(
    *,
    actor: User | None,
    kpi: KPI,
    target: Decimal,
    floor: Decimal | None = None,
    tier: Tier | None = None,
    partner: Partner | None = None,
) -> Target:
    """The KPI's target for a tier (admins) or for one partner (its owner or admins); a
    partner's own target wins over its tier's."""
    if (tier is None) == (partner is None):
        raise BusinessError(_("A target is for a tier or for a partner, not both."), field="tier")
    if partner is not None:
        if actor is not None:
            partner = access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
            if not access.can_add(actor, Target, partner):
                raise PermissionDenied
        found = access.unrestricted(Target).filter(kpi=kpi, partner=partner).first()
    else:
        _require_admin(actor)
        found = access.unrestricted(Target).filter(kpi=kpi, tier=tier).first()
    row = found or Target(kpi=kpi, tier=tier, partner=partner)
    row.target, row.floor = target, floor
    if floor is not None and floor != target:
        wrong_way = floor > target if kpi.direction == "higher" else floor < target
        if wrong_way:
            raise BusinessError(
                _("The floor must be on the worse side of the target."), field="floor"
            )
    _full_clean(row)
    row.save()
    return row


@transaction.atomic
def target_delete(*, actor: User | None, target: Target) -> None:
    if actor is not None:
        target = access.get_object(actor, Target, Action.DELETE, pk=target.pk)
    target.delete()


# Templates ----------------------------------------------------------------------------


def _bands_from(raw) -> list[scoring.Band]:
    bands = []
    for item in raw:
        try:
            bands.append(
                scoring.Band(
                    str(item["standing"]),
                    Decimal(str(item["min_score"])),
                    Decimal(str(item["max_score"])),
                    tuple(item.get("actions") or ()),
                )
            )
        except (KeyError, ArithmeticError, ValueError, TypeError):
            raise BusinessError(
                _("Each standing band has a standing, min_score and max_score."), field="bands"
            ) from None
    return bands


@transaction.atomic
def template_save(
    *,
    actor: User | None,
    template: ScorecardTemplate | None = None,
    data: dict[str, Any],
    partner_types: Sequence[str] | None = None,
    lines: Sequence[tuple[KPI, Decimal]] | None = None,
    bands: Sequence[dict] | None = None,
) -> ScorecardTemplate:
    """Create or change a template: its KPIs' weights must sum to 100 and its standing
    bands cover 0-100 without gaps or overlaps (the defaults are 우수 ≥ 85, 양호 ≥ 70,
    주의 ≥ 50, 위험 below). Stored results keep what they were computed with."""
    _require_admin(actor)
    creating = template is None
    template = (
        ScorecardTemplate()
        if creating
        else ScorecardTemplate.objects.select_for_update().get(pk=template.pk)
    )
    _apply(template, data, TEMPLATE_FIELDS)
    _full_clean(template)
    if lines is None and creating:
        raise BusinessError(_("A scorecard template needs at least one KPI."), field="lines")
    if lines is not None:
        kpis = [kpi for kpi, _w in lines]
        if len({k.pk for k in kpis}) != len(kpis):
            raise BusinessError(_("A KPI appears twice."), field="lines")
        scoring.check_weights([w for _k, w in lines])
    parsed_bands = None
    if bands is not None:
        parsed_bands = scoring.check_standing_bands(_bands_from(bands))
    elif creating:
        parsed_bands = [scoring.Band(s, lo, hi, tuple(a)) for s, lo, hi, a in DEFAULT_BANDS]
    types = None
    if partner_types is not None:
        types = list(PartnerType.objects.filter(code__in=list(partner_types)))
        if len(types) != len(set(partner_types)) or not types:
            raise BusinessError(
                _("Choose one or more partner types the template applies to."),
                field="partner_types",
            )
    elif creating:
        raise BusinessError(
            _("Choose one or more partner types the template applies to."),
            field="partner_types",
        )
    template.save()
    if types is not None:
        template.partner_types.set(types)
    if lines is not None:
        template.lines.all().delete()
        for order, (kpi, weight) in enumerate(lines):
            TemplateKPI.objects.create(template=template, kpi=kpi, weight=weight, order=order)
    if parsed_bands is not None:
        template.bands.all().delete()
        for band in parsed_bands:
            StandingBand.objects.create(
                template=template,
                standing=band.standing,
                min_score=band.min_score,
                max_score=band.max_score,
                actions=list(band.actions),
            )
    return template


@transaction.atomic
def template_delete(*, actor: User | None, template: ScorecardTemplate) -> None:
    _require_admin(actor)
    if access.unrestricted(ScorecardResult).filter(template=template).exists():
        raise BusinessError(
            _("The template has results; deactivate it instead."), code="in_use", status=409
        )
    template.delete()


# Recompute ----------------------------------------------------------------------------


def scorecards_recompute(
    *,
    actor: User | None,
    template: ScorecardTemplate,
    period: Period,
    partner_ids: Sequence[int] | None = None,
) -> compute.Report:
    """Recompute a template's results for a period (staff who may change; the system)."""
    if actor is not None:
        role = access.role_of(actor)
        if role not in (Role.ADMIN, Role.PARTNER_MANAGER):
            raise PermissionDenied
        if partner_ids is not None:
            allowed = set(
                access.scope(actor, Partner, Action.CHANGE)
                .filter(pk__in=list(partner_ids))
                .values_list("pk", flat=True)
            )
            if allowed != set(partner_ids):
                raise PermissionDenied
        elif role != Role.ADMIN:
            raise PermissionDenied
    return compute.recompute(template=template, period=period, partner_ids=partner_ids)


# Disputes -----------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise BusinessError(_("Write a comment."), field="body")
    if len(body) > 5000:
        raise BusinessError(_("The comment is too long (at most 5000 characters)."), field="body")
    return body


@transaction.atomic
def dispute_open(*, actor: User, result: ScorecardResult, body: str) -> Dispute:
    """A partner disputes one of its results with a comment; one open dispute at a time."""
    result = access.get_object(actor, ScorecardResult, Action.VIEW, pk=result.pk)
    if not access.can_add(actor, Dispute, result.partner):
        raise PermissionDenied
    body = _clean_body(body)
    if (
        access.unrestricted(Dispute)
        .filter(result=result, status__in=[DisputeStatus.OPEN, DisputeStatus.ANSWERED])
        .exists()
    ):
        raise BusinessError(
            _("This scorecard already has an open dispute; add to its thread."),
            code="dispute_open",
            status=409,
        )
    dispute = Dispute(result=result, raised_by=actor)
    dispute.save()
    DisputeMessage(dispute=dispute, author=actor, from_staff=actor.is_staff_role, body=body).save()
    from prm.scorecards import notices

    transaction.on_commit(lambda: notices.dispute_opened(dispute))
    return dispute


@transaction.atomic
def dispute_reply(*, actor: User, dispute: Dispute, body: str) -> DisputeMessage:
    """A message in the dispute's thread. A staff reply marks an open dispute answered."""
    dispute = access.get_object(
        actor,
        access.scope(actor, Dispute).select_related("result__partner"),
        Action.VIEW,
        pk=dispute.pk,
    )
    staff = actor.is_staff_role
    if staff and not access.can(actor, dispute, Action.CHANGE):
        raise PermissionDenied
    if not staff and not access.can_add(actor, DisputeMessage, dispute.result.partner):
        raise PermissionDenied
    if dispute.is_closed:
        raise BusinessError(_("The dispute is closed."), code="closed", status=409)
    body = _clean_body(body)
    message = DisputeMessage(dispute=dispute, author=actor, from_staff=staff, body=body)
    message.save()
    if staff and dispute.status == DisputeStatus.OPEN:
        dispute.status = DisputeStatus.ANSWERED
        dispute.save(update_fields=["status", "updated_at"])
    elif not staff and dispute.status == DisputeStatus.ANSWERED:
        dispute.status = DisputeStatus.OPEN
        dispute.save(update_fields=["status", "updated_at"])
    from prm.scorecards import notices

    transaction.on_commit(lambda: notices.dispute_replied(dispute, by_staff=staff))
    return message


@transaction.atomic
def dispute_close(
    *, actor: User, dispute: Dispute, recompute: bool = False, body: str = ""
) -> Dispute:
    """Staff close a dispute: resolved as it stands, or recomputed (the result is computed
    again from the current observations and targets)."""
    if not actor.is_staff_role:
        raise PermissionDenied
    dispute = access.get_object(actor, Dispute, Action.CHANGE, pk=dispute.pk)
    if dispute.is_closed:
        raise BusinessError(_("The dispute is closed."), code="closed", status=409)
    if body.strip():
        DisputeMessage(
            dispute=dispute, author=actor, from_staff=True, body=_clean_body(body)
        ).save()
    if recompute:
        result = dispute.result
        compute.recompute(
            template=result.template, period=result.period, partner_ids=[result.partner_id]
        )
    dispute.status = DisputeStatus.RECOMPUTED if recompute else DisputeStatus.RESOLVED
    dispute.closed_at = timezone.now()
    dispute.save(update_fields=["status", "closed_at", "updated_at"])
    from prm.scorecards import notices

    transaction.on_commit(lambda: notices.dispute_replied(dispute, by_staff=True))
    return dispute


# Hold ---------------------------------------------------------------------------------


@transaction.atomic
def partner_hold_set(*, actor: User, partner: Partner, on_hold: bool, reason: str = "") -> Partner:
    """Put a partner on hold (no new deal registrations or purchase orders) or release it."""
    partner = access.get_object(
        actor,
        access.scope(actor, Partner, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=partner.pk,
    )
    if not actor.is_staff_role:
        raise PermissionDenied
    reason = (reason or "").strip()
    if on_hold and not reason:
        raise BusinessError(_("Give the reason for the hold."), field="reason")
    partner.on_hold = on_hold
    partner.hold_reason = reason if on_hold else ""
    partner.save(update_fields=["on_hold", "hold_reason", "updated_at"])
    return partner
