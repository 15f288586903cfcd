"""Runs the signal rules: on their events (after the change committed, for the partner
concerned) and in the nightly sweep (every partner), so a lost event is caught up.

A finding opens a :class:`RiskSignal` for its cause (rule + subject), or refreshes the one
already open (one open signal per cause, enforced by the database). A new signal updates the
open risk raised for the same cause, or raises one. When a rule no longer finds a cause, its
signal is resolved and the risk's owner is told; the risk stays open for the owner to close.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.core import access
from prm.core.events import subscribe
from prm.notifications.services import notify
from prm.partners.models import Partner
from prm.risks import services
from prm.risks.models import AssessmentKind, Risk, RiskSignal, SignalRule, SignalStatus, Status
from prm.risks.rules import RULES, Finding, Rule, available_rules

logger = logging.getLogger(__name__)

# New causes raised together in one transaction by the sweep.
BATCH = 250


@dataclass
class Report:
    raised: int = 0
    updated: int = 0
    resolved: int = 0
    signals: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)

    def add(self, other: Report) -> None:
        self.raised += other.raised
        self.updated += other.updated
        self.resolved += other.resolved
        self.signals += other.signals


def settings_of(rule: Rule) -> tuple[bool, dict[str, int]]:
    """Whether the rule is on, and its parameters (stored values over the defaults)."""
    stored = SignalRule.objects.filter(pk=rule.code).first()
    params = rule.defaults()
    if stored is None:
        return True, params
    for param in rule.params:
        if param.name in stored.params:
            params[param.name] = int(stored.params[param.name])
    return stored.enabled, params


def run_rule(
    rule: Rule, *, today: date | None = None, partner_ids: set[int] | None = None
) -> Report:
    """Run one rule for some partners (``None``: all, and program-wide causes too)."""
    report = Report()
    enabled, params = settings_of(rule)
    if not enabled or not rule.available():
        return report
    today = today or timezone.localdate()
    findings = rule.check(params, today, partner_ids)
    known = access.unrestricted(RiskSignal).filter(rule=rule.code, status=SignalStatus.OPEN)
    if partner_ids is not None:
        known = known.filter(partner_id__in=partner_ids)
    current = {signal.subject: signal for signal in known.select_related("risk")}
    seen: set[str] = set()
    touched: list[int] = []
    new_causes: list[Finding] = []
    for finding in findings:
        if finding.subject in seen:
            continue
        seen.add(finding.subject)
        report.signals += 1
        signal = current.get(finding.subject)
        if signal is None:
            new_causes.append(finding)
            continue
        if _unchanged(signal, finding):
            # The same cause, nothing new: only note that it was seen again (in bulk).
            touched.append(signal.pk)
            continue
        _count(report, apply_finding(rule, finding))
    for start in range(0, len(new_causes), BATCH):
        for outcome in open_causes(rule, new_causes[start : start + BATCH]):
            _count(report, outcome)
    now = timezone.now()
    for start in range(0, len(touched), 500):
        access.unrestricted(RiskSignal).filter(pk__in=touched[start : start + 500]).update(
            last_seen_at=now, times_seen=F("times_seen") + 1
        )
    stale = access.unrestricted(RiskSignal).filter(rule=rule.code, status=SignalStatus.OPEN)
    if partner_ids is not None:
        stale = stale.filter(partner_id__in=partner_ids)
    for signal in stale.exclude(subject__in=seen).select_related("risk", "risk__owner"):
        resolve(signal)
        report.resolved += 1
    report.by_rule[rule.code] = report.signals
    return report


def _count(report: Report, outcome: str) -> None:
    if outcome == "raised":
        report.raised += 1
    elif outcome == "updated":
        report.updated += 1


def _unchanged(signal: RiskSignal, finding: Finding) -> bool:
    """Whether applying ``finding`` would change nothing but the signal's last sighting."""
    if (signal.detail, signal.evidence_url, signal.data) != (
        finding.detail,
        finding.evidence_url,
        finding.data,
    ):
        return False
    risk = signal.risk
    if risk is None:
        return False
    if not risk.is_open:
        return True
    score = finding.likelihood * finding.impact
    return (
        risk.inherent_score is not None
        and score <= risk.inherent_score
        and risk.title == finding.title[:200]
        and risk.cause == finding.detail
    )


def _open_signal(rule: Rule, finding: Finding) -> tuple[RiskSignal, bool]:
    signals = access.unrestricted(RiskSignal)
    now = timezone.now()
    signal = (
        signals.select_for_update(of=("self",))
        .filter(rule=rule.code, subject=finding.subject, status=SignalStatus.OPEN)
        .first()
    )
    if signal is None:
        try:
            with transaction.atomic():
                signal = _new_signal(rule, finding, now)
                signal.save()
            return signal, True
        except IntegrityError:
            # Another run opened it at the same moment: refresh that one.
            signal = signals.select_for_update(of=("self",)).get(
                rule=rule.code, subject=finding.subject, status=SignalStatus.OPEN
            )
    signal.last_seen_at = now
    signal.times_seen += 1
    signal.detail = finding.detail
    signal.evidence_url = finding.evidence_url
    signal.data = finding.data
    signal.save(
        update_fields=["last_seen_at", "times_seen", "detail", "evidence_url", "data", "updated_at"]
    )
    return signal, False


def _new_signal(rule: Rule, finding: Finding, now) -> RiskSignal:
    return RiskSignal(
        rule=rule.code,
        subject=finding.subject,
        partner_id=finding.partner_id,
        detail=finding.detail,
        evidence_url=finding.evidence_url,
        data=finding.data,
        first_seen_at=now,
        last_seen_at=now,
    )


def open_causes(rule: Rule, findings: list[Finding]) -> list[str]:
    """Open the signals of causes that had none and raise their risks, in bulk: one
    transaction, the signals, risks and inherent assessments each written in one statement
    (audited), each partner's level refreshed once. A cause that already has an open risk
    updates it instead, as :func:`apply_finding` does. When another run opened one of these
    signals meanwhile, the batch is undone and each cause applied on its own."""
    try:
        with transaction.atomic():
            return _open_causes(rule, findings)
    except IntegrityError:
        return [apply_finding(rule, finding) for finding in findings]


def _open_causes(rule: Rule, findings: list[Finding]) -> list[str]:
    now = timezone.now()
    signals = [_new_signal(rule, finding, now) for finding in findings]
    access.unrestricted(RiskSignal).bulk_create(signals)
    raised_before = set(
        access.unrestricted(Risk)
        .filter(status=Status.OPEN, signal_key__in=[signal.key for signal in signals])
        .values_list("signal_key", flat=True)
    )
    partners = (
        access.unrestricted(Partner)
        .select_related("owner")
        .in_bulk({f.partner_id for f in findings if f.partner_id})
    )
    outcomes, drafts, to_link = [], [], []
    for signal, finding in zip(signals, findings, strict=True):
        if signal.key in raised_before:
            outcomes.append(_follow_up(rule, finding, signal, new=True))
            continue
        outcomes.append("raised")
        to_link.append(signal)
        drafts.append(_draft(rule, finding, signal, partners.get(finding.partner_id)))
    risks = services.risk_raise_many(actor=None, drafts=drafts)
    for signal, risk in zip(to_link, risks, strict=True):
        signal.risk = risk
        signal.updated_at = now
    if to_link:
        access.unrestricted(RiskSignal).bulk_update(to_link, ["risk", "updated_at"])
    return outcomes


def _draft(rule: Rule, finding: Finding, signal: RiskSignal, partner) -> services.RiskDraft:
    return services.RiskDraft(
        partner=partner,
        category_code=rule.category,
        title=finding.title[:200],
        description=finding.detail,
        cause=finding.detail,
        likelihood=finding.likelihood,
        impact=finding.impact,
        signal=signal,
    )


@transaction.atomic
def apply_finding(rule: Rule, finding: Finding) -> str:
    """Open or refresh the signal of ``finding`` and raise or update its risk; "raised",
    "updated" or "" (nothing new)."""
    signal, new = _open_signal(rule, finding)
    return _follow_up(rule, finding, signal, new)


def _follow_up(rule: Rule, finding: Finding, signal: RiskSignal, new: bool) -> str:
    """Raise or update the risk of a cause whose signal is open."""
    risk = None
    if signal.risk_id:
        risk = access.unrestricted(Risk).filter(pk=signal.risk_id).first()
    if risk is None:
        risk = (
            access.unrestricted(Risk)
            .filter(status=Status.OPEN, signal_key=signal.key)
            .order_by("raised_at", "pk")
            .first()
        )
    if risk is None:
        partner = (
            access.unrestricted(Partner).filter(pk=finding.partner_id).first()
            if finding.partner_id
            else None
        )
        draft = _draft(rule, finding, signal, partner)
        risk = services.risk_raise_many(actor=None, drafts=[draft])[0]
        signal.risk = risk
        signal.save(update_fields=["risk", "updated_at"])
        return "raised"
    if signal.risk_id != risk.pk:
        signal.risk = risk
        signal.save(update_fields=["risk", "updated_at"])
    if not risk.is_open:
        return ""  # closed by its owner while the cause lasts (accepted): leave it
    changed = False
    score = finding.likelihood * finding.impact
    if risk.inherent_score is None or score > risk.inherent_score:
        # The cause got worse (expiring → expired): re-assess at the finding's score.
        services.risk_assess(
            actor=None,
            risk=risk,
            kind=AssessmentKind.INHERENT,
            likelihood=finding.likelihood,
            impact=finding.impact,
            note=finding.detail,
        )
        changed = True
    if risk.title != finding.title[:200] or risk.cause != finding.detail:
        access.unrestricted(Risk).filter(pk=risk.pk).update(
            title=finding.title[:200], cause=finding.detail
        )
        changed = True
    return "updated" if (changed or new) else ""


@transaction.atomic
def resolve(signal: RiskSignal) -> None:
    """The cause went away: mark the signal resolved and tell the risk's owner."""
    signal.status = SignalStatus.RESOLVED
    signal.resolved_at = timezone.now()
    signal.save(update_fields=["status", "resolved_at", "updated_at"])
    risk = signal.risk
    if risk is not None and risk.is_open and risk.owner is not None:
        values = {"title": risk.title}
        notify(
            [risk.owner],
            title=lambda values=values: (
                _("The cause of risk %(title)s went away; review and close the risk") % values
            ),
            url=risk.get_absolute_url(),
        )


def sweep(today: date | None = None, rules: list[str] | None = None) -> Report:
    """Run every available, enabled rule over every partner (the nightly job)."""
    report = Report()
    for rule in available_rules():
        if rules and rule.code not in rules:
            continue
        try:
            result = run_rule(rule, today=today)
        except Exception:
            logger.exception("Risk rule %s failed in the sweep", rule.code)
            continue
        report.add(result)
        report.by_rule[rule.code] = result.signals
    services.partner_levels_refresh(None)
    services.trend_points_fill(today)
    return report


def _on_event(rule: Rule):
    def handler(partner_id=None, partner_ids=(), **payload) -> None:
        # One partner's event, or one event for many partners (a scorecard computation).
        ids = {int(pk) for pk in partner_ids}
        if partner_id is not None:
            ids.add(int(partner_id))
        if ids:
            run_rule(rule, partner_ids=ids)

    handler.__name__ = f"risk_rule_{rule.code}"
    return handler


_handlers: dict[tuple[str, str], object] = {}


def connect() -> None:
    """Subscribe each rule to its events (called from the app's ready())."""
    for rule in RULES.values():
        for event in rule.events:
            key = (rule.code, event)
            if key not in _handlers:
                _handlers[key] = subscribe(event)(_on_event(rule))
