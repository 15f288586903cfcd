"""Writes on risks: raise, assess, respond, mitigate, close; the partners' overall levels;
the settings admins tune (level bands, scale definitions, signal rules).

Every service takes the acting user first (``None`` only for the system: signals and jobs),
re-checks access inside its transaction and raises ``BusinessError`` with a translated
message for a broken rule, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.notifications.services import notify
from prm.partners.documents import check_upload
from prm.partners.models import Partner
from prm.risks import scoring, selectors
from prm.risks.models import (
    FINISHED_ACTIONS,
    LEVEL_RANK,
    ActionStatus,
    Assessment,
    AssessmentKind,
    Level,
    LevelBand,
    MitigationAction,
    PartnerRiskLevel,
    Risk,
    RiskCategory,
    RiskSignal,
    ScaleLevel,
    Status,
    Strategy,
    TrendPoint,
)

RISK_FIELDS = ("partner", "category", "title", "description", "cause", "consequence", "owner")
ACTION_FIELDS = ("title", "description", "owner", "due_on", "status", "evidence_note")
DEFAULT_ACCEPT_ROLES = ("admin",)


def accept_roles() -> set[str]:
    """Roles allowed to accept a risk: admins, and those in ``PRM_RISK_ACCEPT_ROLES``."""
    return {"admin", *getattr(settings, "PRM_RISK_ACCEPT_ROLES", DEFAULT_ACCEPT_ROLES)}


def _apply(instance, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        setattr(instance, name, value)


def _check_owner(owner: User | None, field: str = "owner") -> None:
    if owner is not None and (
        not owner.is_active or owner.role not in (Role.ADMIN, Role.PARTNER_MANAGER)
    ):
        raise BusinessError(_("The owner must be an active partner manager or admin."), field=field)


def _changeable(actor: User | None, risk: Risk) -> Risk:
    if actor is None:
        queryset = access.unrestricted(Risk)
        return queryset.select_for_update(of=("self",)).get(pk=risk.pk)
    return access.get_object(
        actor,
        access.scope(actor, Risk, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=risk.pk,
    )


def _category(code) -> RiskCategory:
    if isinstance(code, RiskCategory):
        return code
    category = RiskCategory.objects.filter(pk=code).first()
    if category is None:
        raise BusinessError(_("Unknown risk category: %(code)s") % {"code": code}, field="category")
    return category


def _may_raise(actor: User | None, partner: Partner | None) -> None:
    if actor is None:
        return
    if partner is not None:
        access.get_object(actor, Partner, Action.VIEW, pk=partner.pk)
        if actor.role == Role.PARTNER_MANAGER or access.can_add(actor, Risk, partner):
            # Any partner manager may raise a risk about any partner: spotting a risk is
            # everyone's job; changing it afterwards is for the partner's owner.
            return
        raise PermissionDenied
    if actor.role not in (Role.ADMIN, Role.PARTNER_MANAGER):
        raise PermissionDenied


# The register ---------------------------------------------------------------------------


@dataclass
class RiskDraft:
    """What :func:`risk_raise_many` needs to raise one risk (the arguments of
    :func:`risk_raise`)."""

    partner: Partner | None
    category_code: str | RiskCategory
    title: str
    description: str = ""
    cause: str = ""
    consequence: str = ""
    owner: User | None = None
    likelihood: int | None = None
    impact: int | None = None
    signal: RiskSignal | None = None
    external_id: str = ""


@transaction.atomic
def risk_raise(
    *,
    actor: User | None,
    partner: Partner | None,
    category_code: str | RiskCategory,
    title: str,
    description: str = "",
    cause: str = "",
    consequence: str = "",
    owner: User | None = None,
    likelihood: int | None = None,
    impact: int | None = None,
    signal: RiskSignal | None = None,
    external_id: str = "",
) -> Risk:
    """A new open risk about ``partner`` (``None``: the whole program). Its owner defaults to
    the acting staff member, else the partner's owner. With a likelihood and an impact it
    gets its inherent assessment at once. ``actor=None`` is the system (a signal)."""
    draft = RiskDraft(
        partner=partner,
        category_code=category_code,
        title=title,
        description=description,
        cause=cause,
        consequence=consequence,
        owner=owner,
        likelihood=likelihood,
        impact=impact,
        signal=signal,
        external_id=external_id,
    )
    return risk_raise_many(actor=actor, drafts=[draft])[0]


# Checked on the instances in hand (read from the database by the caller or here), so
# full_clean need not look each of them up again.
RELATIONS_IN_HAND = ["partner", "category", "owner", "raised_by", "signal"]


@transaction.atomic
def risk_raise_many(*, actor: User | None, drafts: list[RiskDraft]) -> list[Risk]:
    """Raise several risks with every rule of :func:`risk_raise`, each checked before
    anything is written; the bands and categories are read once, the risks and their
    inherent assessments stored in bulk (audited) and each partner's level refreshed once.
    The nightly sweep raises its new risks this way."""
    bands = scoring.current_bands()
    categories: dict[str, RiskCategory] = {}
    risks = [_draft_risk(actor, draft, bands, categories) for draft in drafts]
    _store(Risk, risks)
    assessments = [
        _inherent(risk, actor, bands) for risk in risks if risk.inherent_score is not None
    ]
    _store(Assessment, assessments)
    partner_levels_refresh({risk.partner_id for risk in risks} - {None})
    return risks


def _draft_risk(
    actor: User | None, draft: RiskDraft, bands, categories: dict[str, RiskCategory]
) -> Risk:
    _may_raise(actor, draft.partner)
    likelihood, impact = draft.likelihood, draft.impact
    if (likelihood is None) != (impact is None):
        raise BusinessError(
            _("Give both the likelihood and the impact, or neither."), field="likelihood"
        )
    if likelihood is not None:
        likelihood = scoring.check_scale(likelihood, "likelihood")
        impact = scoring.check_scale(impact, "impact")
    owner = draft.owner
    if owner is None:
        if actor is not None and actor.role in (Role.ADMIN, Role.PARTNER_MANAGER):
            owner = actor
        elif draft.partner is not None:
            owner = draft.partner.owner
    _check_owner(owner)
    code = getattr(draft.category_code, "pk", draft.category_code)
    if code not in categories:
        categories[code] = _category(draft.category_code)
    risk = Risk(
        partner=draft.partner,
        category=categories[code],
        title=(draft.title or "").strip(),
        description=draft.description,
        cause=draft.cause,
        consequence=draft.consequence,
        owner=owner,
        raised_by=actor,
        signal=draft.signal,
        signal_key=draft.signal.key if draft.signal else "",
        external_id=draft.external_id,
    )
    if likelihood is not None:
        risk.inherent_likelihood, risk.inherent_impact = likelihood, impact
        risk.inherent_score = likelihood * impact
        _relevel(risk, bands)
    risk.full_clean(exclude=RELATIONS_IN_HAND)
    return risk


def _inherent(risk: Risk, actor: User | None, bands) -> Assessment:
    """The first assessment of a risk just raised (it has no history yet)."""
    level = scoring.level_for(risk.inherent_score, bands)
    assessment = Assessment(
        risk=risk,
        kind=AssessmentKind.INHERENT,
        likelihood=risk.inherent_likelihood,
        impact=risk.inherent_impact,
        score=risk.inherent_score,
        level=level,
        risk_level=level,
        assessed_at=risk.raised_at,
        assessed_by=actor,
    )
    assessment.full_clean(exclude=["risk", "assessed_by"])
    return assessment


def _store(model, objects: list) -> None:
    """Save one object (its audit entry lists what was filled in), or many in bulk (audited
    too, in one statement)."""
    if len(objects) == 1:
        objects[0].save()
    elif objects:
        access.unrestricted(model).bulk_create(objects)


@transaction.atomic
def risk_update(*, actor: User, risk: Risk, data: dict[str, Any]) -> Risk:
    risk = _changeable(actor, risk)
    before = risk.partner_id
    data = dict(data)
    if "category" in data:
        data["category"] = _category(data["category"])
    if "partner" in data and data["partner"] is not None:
        data["partner"] = access.get_object(actor, Partner, Action.VIEW, pk=data["partner"].pk)
    _apply(risk, data, RISK_FIELDS)
    _check_owner(risk.owner)
    risk.full_clean()
    risk.save()
    partner_levels_refresh({before, risk.partner_id} - {None})
    return risk


@transaction.atomic
def risk_delete(*, actor: User, risk: Risk) -> None:
    risk = access.get_object(actor, Risk, Action.DELETE, pk=risk.pk)
    partner_id = risk.partner_id
    risk.delete()
    if partner_id:
        partner_levels_refresh([partner_id])


# Assessment -----------------------------------------------------------------------------


def _record(
    risk: Risk, kind: str, likelihood: int, impact: int, actor: User | None, note: str
) -> Assessment:
    score = likelihood * impact
    level = scoring.level_for(score)
    before = _level_before(risk)
    assessment = Assessment(
        risk=risk,
        kind=kind,
        likelihood=likelihood,
        impact=impact,
        score=score,
        level=level,
        note=note,
        assessed_by=actor,
        previous_risk_level=before,
        # A new inherent assessment does not change the level of a risk assessed after
        # mitigation: its residual level stands.
        risk_level=level
        if kind == AssessmentKind.RESIDUAL or risk.residual_score is None
        else before,
    )
    assessment.full_clean()
    assessment.save()
    if kind == AssessmentKind.INHERENT:
        risk.inherent_likelihood, risk.inherent_impact, risk.inherent_score = (
            likelihood,
            impact,
            score,
        )
    else:
        risk.residual_likelihood, risk.residual_impact, risk.residual_score = (
            likelihood,
            impact,
            score,
        )
    _relevel(risk)
    risk.save()
    if risk.partner_id:
        partner_levels_refresh([risk.partner_id])
    return assessment


def _level_before(risk: Risk) -> str:
    latest = (
        access.unrestricted(Assessment)
        .filter(risk=risk)
        .order_by("-assessed_at", "-id")
        .values_list("risk_level", flat=True)
        .first()
    )
    return latest or ""


def assessment_levels_refresh(risk_ids: Iterable[int] | None = None) -> int:
    """Recompute ``risk_level`` and ``previous_risk_level`` along the history of these risks
    (``None``: all), after assessments were written out of time order (the demo backdates
    them); returns how many changed."""
    rows = access.unrestricted(Assessment).order_by("risk_id", "assessed_at", "id")
    if risk_ids is not None:
        rows = rows.filter(risk_id__in=list(risk_ids))
    changed = chain_levels(
        rows.only("id", "risk_id", "kind", "level", "risk_level", "previous_risk_level")
    )
    if changed:
        access.unrestricted(Assessment).bulk_update(
            changed, ["risk_level", "previous_risk_level"], batch_size=500
        )
    return len(changed)


def chain_levels(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Set each assessment's ``risk_level`` (the latest residual level by then, else its own
    inherent level) and ``previous_risk_level``, given in (risk, time, id) order; returns
    those that changed."""
    changed = []
    risk_id = None
    current = residual = ""
    for assessment in assessments:
        if assessment.risk_id != risk_id:
            risk_id, current, residual = assessment.risk_id, "", ""
        if assessment.kind == AssessmentKind.RESIDUAL:
            residual = assessment.level
        level = residual or assessment.level
        if (assessment.risk_level, assessment.previous_risk_level) != (level, current):
            assessment.risk_level, assessment.previous_risk_level = level, current
            changed.append(assessment)
        current = level
    return changed


def _relevel(risk: Risk, bands=None) -> None:
    score = risk.current_score
    risk.level = scoring.level_for(score, bands) if score is not None else ""
    risk.level_rank = LEVEL_RANK.get(risk.level, 0)


@transaction.atomic
def risk_assess(
    *,
    actor: User | None,
    risk: Risk,
    kind: str,
    likelihood,
    impact,
    note: str = "",
) -> Assessment:
    """Record an inherent (before mitigation) or residual (after) assessment; the history is
    kept and the risk shows the latest of each. Likelihood and impact are 1..5."""
    if kind not in AssessmentKind.values:
        raise BusinessError(_("Unknown kind of assessment."), field="kind")
    likelihood = scoring.check_scale(likelihood, "likelihood")
    impact = scoring.check_scale(impact, "impact")
    risk = _changeable(actor, risk)
    if not risk.is_open:
        raise BusinessError(_("This risk is closed; reopen it to assess it."), code="closed")
    return _record(risk, kind, likelihood, impact, actor, note)


# Response -------------------------------------------------------------------------------


@transaction.atomic
def risk_set_strategy(
    *,
    actor: User,
    risk: Risk,
    strategy: str,
    reason: str = "",
    review_on: date | None = None,
) -> Risk:
    """Choose the response. Accepting needs a reason, a review date in the future, and an
    approver whose role may accept (admins, and ``PRM_RISK_ACCEPT_ROLES``): the acting user
    approves."""
    if strategy not in Strategy.values:
        raise BusinessError(_("Unknown response strategy."), field="strategy")
    risk = _changeable(actor, risk)
    if not risk.is_open:
        raise BusinessError(_("This risk is closed."), code="closed")
    if strategy == Strategy.ACCEPT:
        if actor is None or actor.role not in accept_roles():
            raise BusinessError(
                _("Your role may not accept a risk; ask an administrator to approve it."),
                code="accept_role",
                status=403,
                field="strategy",
            )
        if not (reason or "").strip():
            raise BusinessError(
                _("Give the reason for accepting the risk."), code="reason", field="reason"
            )
        if review_on is None or review_on <= timezone.localdate():
            raise BusinessError(
                _("Give a review date in the future for an accepted risk."),
                code="review_on",
                field="review_on",
            )
        risk.acceptance_reason = reason.strip()
        risk.accepted_by = actor
        risk.accepted_at = timezone.now()
        risk.review_on = review_on
    else:
        risk.acceptance_reason = ""
        risk.accepted_by = None
        risk.accepted_at = None
        risk.review_on = review_on
    risk.strategy = strategy
    risk.full_clean()
    risk.save()
    return risk


@transaction.atomic
def risk_close(*, actor: User, risk: Risk, note: str = "") -> Risk:
    """Close a risk: only when all its mitigation actions are done (or cancelled), or when
    its residual score was accepted."""
    risk = _changeable(actor, risk)
    if not risk.is_open:
        raise BusinessError(_("This risk is already closed."), code="closed")
    accepted = risk.strategy == Strategy.ACCEPT and risk.accepted_at is not None
    pending = risk.actions.exclude(status__in=FINISHED_ACTIONS).count()
    if pending and not accepted:
        raise BusinessError(
            _(
                "This risk still has %(count)s open mitigation action(s); finish them or "
                "accept the residual risk before closing it."
            )
            % {"count": pending},
            code="open_actions",
        )
    if not pending and not accepted and not risk.actions.exists() and not note.strip():
        raise BusinessError(
            _("Say why the risk is closed when it had no mitigation action."),
            code="note",
            field="note",
        )
    risk.status = Status.CLOSED
    risk.closed_at = timezone.now()
    risk.closed_by = actor
    risk.close_note = note
    risk.save()
    if risk.partner_id:
        partner_levels_refresh([risk.partner_id])
    return risk


@transaction.atomic
def risk_reopen(*, actor: User, risk: Risk) -> Risk:
    risk = _changeable(actor, risk)
    if risk.is_open:
        return risk
    risk.status = Status.OPEN
    risk.closed_at = None
    risk.closed_by = None
    risk.save()
    if risk.partner_id:
        partner_levels_refresh([risk.partner_id])
    return risk


# Mitigation actions ---------------------------------------------------------------------


@transaction.atomic
def action_create(*, actor: User, risk: Risk, data: dict[str, Any]) -> MitigationAction:
    risk = _changeable(actor, risk)
    if not risk.is_open:
        raise BusinessError(_("This risk is closed."), code="closed")
    action = MitigationAction(risk=risk)
    _apply(action, data, ACTION_FIELDS)
    if action.owner is None:
        action.owner = risk.owner
    _check_owner(action.owner)
    _stamp(action)
    action.full_clean(exclude=["evidence_file"])
    action.save()
    return action


def _stamp(action: MitigationAction) -> None:
    if action.status == ActionStatus.DONE and action.completed_at is None:
        action.completed_at = timezone.now()
    elif action.status != ActionStatus.DONE:
        action.completed_at = None


def _changeable_action(actor: User, action: MitigationAction) -> MitigationAction:
    return access.get_object(
        actor,
        access.scope(actor, MitigationAction, Action.CHANGE).select_for_update(of=("self",)),
        Action.CHANGE,
        pk=action.pk,
    )


@transaction.atomic
def action_update(
    *, actor: User, action: MitigationAction, data: dict[str, Any]
) -> MitigationAction:
    """Change an action; marking it done stamps when."""
    action = _changeable_action(actor, action)
    _apply(action, data, ACTION_FIELDS)
    _check_owner(action.owner)
    _stamp(action)
    action.full_clean(exclude=["evidence_file"])
    action.save()
    return action


@transaction.atomic
def action_attach_evidence(
    *, actor: User, action: MitigationAction, upload, note: str | None = None
) -> MitigationAction:
    """Store the evidence file of an action, checked like partner documents (size, type,
    content)."""
    action = _changeable_action(actor, action)
    content_type = check_upload(upload, max_mb=settings.PRM_MAX_UPLOAD_MB)
    action.evidence_file = upload
    action.evidence_filename = upload.name[:255]
    action.evidence_content_type = content_type
    if note is not None:
        action.evidence_note = note
    action.save()
    return action


@transaction.atomic
def action_delete(*, actor: User, action: MitigationAction) -> None:
    action = access.get_object(actor, MitigationAction, Action.DELETE, pk=action.pk)
    stored = action.evidence_file
    action.delete()
    if stored:
        transaction.on_commit(lambda: stored.storage.delete(stored.name))


def action_reminders(today: date | None = None) -> int:
    """Remind the owners of overdue mitigation actions, at most once a day per action."""
    today = today or timezone.localdate()
    overdue = (
        access.unrestricted(MitigationAction)
        .filter(due_on__lt=today, risk__status=Status.OPEN)
        .exclude(status__in=FINISHED_ACTIONS)
        .exclude(reminded_on=today)
        .select_related("owner", "risk", "risk__owner", "risk__partner")
    )
    sent = 0
    for action in overdue:
        with transaction.atomic():
            values = {"title": action.title, "risk": action.risk.title, "date": action.due_on}
            notify(
                [action.owner or action.risk.owner],
                title=lambda values=values: (
                    _("Mitigation action %(title)s of %(risk)s was due on %(date)s") % values
                ),
                url=action.risk.get_absolute_url(),
            )
            action.reminded_on = today
            action.save(update_fields=["reminded_on", "updated_at"])
            sent += 1
    return sent


# Partners' overall level ----------------------------------------------------------------


def partner_levels_refresh(partner_ids: Iterable[int] | None = None) -> int:
    """Recompute :class:`PartnerRiskLevel` rows: the highest current level among the open
    risks of each partner (residual when assessed, else inherent), in a fixed number of
    queries. ``None`` recomputes every partner."""
    open_risks = access.unrestricted(Risk).filter(status=Status.OPEN, partner__isnull=False)
    if partner_ids is not None:
        partner_ids = list(partner_ids)
        if not partner_ids:
            return 0
        open_risks = open_risks.filter(partner_id__in=partner_ids)
    found = {
        row["partner_id"]: row
        for row in open_risks.values("partner_id").annotate(
            rank=Max("level_rank"),
            count=Count("id"),
            top_residual=Max("residual_score"),
            top_inherent=Max("inherent_score"),
        )
    }
    existing = access.unrestricted(PartnerRiskLevel)
    if partner_ids is not None:
        existing = existing.filter(partner_id__in=partner_ids)
    stored = {row.partner_id: row for row in existing}
    wanted = set(found) | set(stored) if partner_ids is None else set(partner_ids)
    from prm.risks.models import RANK_LEVEL

    create, update = [], []
    for partner_id in wanted:
        row = found.get(partner_id)
        rank = (row or {}).get("rank") or 0
        level = RANK_LEVEL.get(rank, "")
        count = (row or {}).get("count") or 0
        top = None
        if row:
            top = row["top_residual"] or row["top_inherent"]
        current = stored.get(partner_id)
        if current is None:
            if count:
                create.append(
                    PartnerRiskLevel(
                        partner_id=partner_id,
                        level=level,
                        level_rank=rank,
                        open_risks=count,
                        top_score=top,
                    )
                )
            continue
        if (current.level, current.level_rank, current.open_risks, current.top_score) != (
            level,
            rank,
            count,
            top,
        ):
            current.level, current.level_rank, current.open_risks, current.top_score = (
                level,
                rank,
                count,
                top,
            )
            update.append(current)
    if create:
        access.unrestricted(PartnerRiskLevel).bulk_create(create, ignore_conflicts=True)
    if update:
        access.unrestricted(PartnerRiskLevel).bulk_update(
            update, ["level", "level_rank", "open_risks", "top_score"]
        )
    return len(create) + len(update)


# The trend ------------------------------------------------------------------------------

TREND_DAYS = 12 * 7


def trend_points_store(days: Iterable[date]) -> list[TrendPoint]:
    """The whole register's open risks by level at the end of each of ``days``, counted from
    the assessment history; the days already over are stored (once: a day stored by a
    concurrent run is left as it is), the others only returned."""
    days = sorted(set(days))
    counts = selectors.open_by_level(access.unrestricted(Risk), days)
    points = [
        TrendPoint(day=day, level=level, open_risks=counts[level][index])
        for index, day in enumerate(days)
        for level in Level.values
    ]
    today = timezone.localdate()
    TrendPoint.objects.bulk_create([p for p in points if p.day < today], ignore_conflicts=True)
    return points


def trend_points_fill(today: date | None = None) -> int:
    """Store the days of the trend's window not stored yet (the nightly sweep does, so that
    no one viewing the heat map waits for them); returns how many days were counted."""
    today = today or timezone.localdate()
    window = [today - timedelta(days=n) for n in range(1, TREND_DAYS + 1)]
    stored = set(TrendPoint.objects.filter(day__in=window).values_list("day", flat=True))
    missing = [day for day in window if day not in stored]
    if missing:
        trend_points_store(missing)
    return len(missing)


def trend_points_clear() -> None:
    """Forget the stored points, after the history was rewritten (the demo backdates it)."""
    TrendPoint.objects.all().delete()


# Settings -------------------------------------------------------------------------------


def _admin_only(actor: User) -> None:
    if actor is None or actor.role != Role.ADMIN:
        raise PermissionDenied


@transaction.atomic
def bands_update(*, actor: User, bands: dict[str, tuple[int, int]]) -> None:
    """Replace the level bands (contiguous, covering 1..25) and re-level every risk."""
    _admin_only(actor)
    scoring.validate_bands(bands)
    for level in Level.values:
        low, high = bands[level]
        band, _created = LevelBand.objects.get_or_create(
            level=level, defaults={"min_score": low, "max_score": high}
        )
        if (band.min_score, band.max_score) != (low, high):
            band.min_score, band.max_score = low, high
            band.save()
    relevel_all()


def relevel_all() -> None:
    bands = scoring.current_bands()
    changed = []
    for risk in access.unrestricted(Risk).only(
        "id", "inherent_score", "residual_score", "level", "level_rank"
    ):
        before = (risk.level, risk.level_rank)
        _relevel(risk, bands)
        if (risk.level, risk.level_rank) != before:
            changed.append(risk)
    if changed:
        access.unrestricted(Risk).bulk_update(changed, ["level", "level_rank"], batch_size=500)
    partner_levels_refresh(None)


@transaction.atomic
def scale_update(*, actor: User, level: ScaleLevel, data: dict[str, Any]) -> ScaleLevel:
    _admin_only(actor)
    level = ScaleLevel.objects.select_for_update().get(pk=level.pk)
    _apply(level, data, ("name_ko", "name_en", "definition_ko", "definition_en"))
    level.full_clean()
    level.save()
    return level


@transaction.atomic
def category_save(*, actor: User, category: RiskCategory) -> RiskCategory:
    _admin_only(actor)
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def rule_update(
    *, actor: User, code: str, enabled: bool | None = None, params: dict[str, Any] | None = None
):
    """Switch a signal rule on or off and tune its parameters; each parameter must be a whole
    number within the range the rule declares. Nothing is saved when one is wrong."""
    from prm.risks.models import SignalRule
    from prm.risks.rules import RULES

    _admin_only(actor)
    rule = RULES.get(code)
    if rule is None or not rule.available():
        raise BusinessError(_("Unknown signal rule: %(code)s") % {"code": code}, status=404)
    known = {p.name: p for p in rule.params}
    params = dict(params or {})
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise BusinessError(
            _("Unknown parameter(s): %(names)s") % {"names": ", ".join(unknown)},
            code="unknown_field",
        )
    clean: dict[str, int] = {}
    for name, value in params.items():
        param = known[name]
        if isinstance(value, bool):
            value = int(value)
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            number = None
        if number is None or not param.min <= number <= param.max:
            raise BusinessError(
                _("%(param)s must be a whole number from %(min)s to %(max)s.")
                % {"param": param.label, "min": param.min, "max": param.max},
                code="out_of_range",
                field=name,
            )
        clean[name] = number
    setting, _created = SignalRule.objects.select_for_update().get_or_create(
        code=code, defaults={"enabled": True, "params": {}}
    )
    if enabled is not None:
        setting.enabled = bool(enabled)
    setting.params = {**setting.params, **clean}
    setting.save()
    return setting
