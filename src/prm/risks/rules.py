"""Signal rules, kept in code: each finds the causes of risk (*findings*) in the records of
another capability, read through that capability's selectors. Admins switch a rule on or off
and tune its parameters (within the ranges declared here) in :class:`SignalRule` rows;
``prm.risks.engine`` runs the rules on their events and in the nightly sweep.

A rule whose source is not built (its module missing) reports ``available() == False`` and
is neither shown nor run.
"""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from prm.core import access
from prm.partners.models import Partner


@dataclass(frozen=True)
class Param:
    name: str
    label: Any
    default: int
    min: int
    max: int
    kind: str = "int"  # "int" or "bool"
    help: Any = ""


@dataclass(frozen=True)
class Finding:
    subject: str  # what the cause is about, unique within the rule ("contract:12")
    partner_id: int | None
    title: str
    detail: str
    evidence_url: str
    likelihood: int
    impact: int
    data: dict[str, Any] = field(default_factory=dict)


Check = Callable[[dict[str, int], date, "set[int] | None"], list[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: Any
    description: Any
    category: str  # a RiskCategory code
    params: tuple[Param, ...]
    events: tuple[str, ...]
    check: Check
    requires: tuple[str, ...] = ()  # "module:function" that must exist for the rule to run

    def available(self) -> bool:
        for requirement in self.requires:
            module, _sep, name = requirement.partition(":")
            try:
                if importlib.util.find_spec(module) is None:
                    return False
            except ModuleNotFoundError:
                return False
            if name and not hasattr(importlib.import_module(module), name):
                return False
        return True

    def defaults(self) -> dict[str, int]:
        return {p.name: p.default for p in self.params}


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    RULES[rule.code] = rule
    return rule


def available_rules() -> list[Rule]:
    return [r for r in RULES.values() if r.available()]


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _text(message, values: dict[str, Any]) -> str:
    """Stored text of a finding, in the site's language (risks are read by staff of one
    company)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % values


def _partners(partner_ids: set[int] | None):
    rows = access.unrestricted(Partner)
    return rows if partner_ids is None else rows.filter(pk__in=partner_ids)


# Contracts ------------------------------------------------------------------------------


def contract_expiry(params: dict[str, int], today: date, partner_ids) -> list[Finding]:
    """A signed contract inside its notice window (or within ``margin_days`` before it), or
    expired without renewal within the last ``expired_days`` days."""
    from prm.contracts.models import Contract
    from prm.contracts.status import Status, current_period, status, with_status_data

    rows = access.unrestricted(Contract).filter(signed_on__isnull=False, terminated_on__isnull=True)
    if partner_ids is not None:
        rows = rows.filter(partner_id__in=partner_ids)
    rows = with_status_data(rows.select_related("partner"))
    margin = timedelta(days=params["margin_days"])
    expired_days = timedelta(days=params["expired_days"])
    found = []
    for contract in rows:
        current = status(contract, today)
        values = {"title": contract.title, "partner": contract.partner.name}
        if current in (Status.ACTIVE, Status.EXPIRING):
            period = current_period(contract, today)
            if today < period.notice_deadline - margin:
                continue
            values["date"] = period.end.isoformat()
            values["deadline"] = period.notice_deadline.isoformat()
            found.append(
                Finding(
                    subject=f"contract:{contract.pk}",
                    partner_id=contract.partner_id,
                    title=_text(_("Contract %(title)s of %(partner)s is expiring"), values),
                    detail=_text(
                        _("Notice deadline %(deadline)s; the contract ends on %(date)s."), values
                    ),
                    evidence_url=_url("contracts:detail", contract.pk),
                    likelihood=3,
                    impact=3,
                    data={"state": "expiring", "end": values["date"]},
                )
            )
        elif current == Status.EXPIRED:
            period = current_period(contract, today)
            if today - period.end > expired_days:
                continue
            values["date"] = period.end.isoformat()
            found.append(
                Finding(
                    subject=f"contract:{contract.pk}",
                    partner_id=contract.partner_id,
                    title=_text(
                        _("Contract %(title)s of %(partner)s expired without renewal"), values
                    ),
                    detail=_text(_("The contract ended on %(date)s and was not renewed."), values),
                    evidence_url=_url("contracts:detail", contract.pk),
                    likelihood=4,
                    impact=4,
                    data={"state": "expired", "end": values["date"]},
                )
            )
    return found


register(
    Rule(
        code="contract_expiry",
        name=_("Contract expiring or expired"),
        description=_("A signed contract inside its notice window, or expired without renewal."),
        category="operational",
        params=(
            Param(
                "margin_days",
                _("Days before the notice deadline"),
                0,
                0,
                365,
                help=_("Raise the signal this many days before the notice window opens."),
            ),
            Param(
                "expired_days",
                _("Expired contracts of the last (days)"),
                365,
                1,
                3650,
                help=_("Older expired contracts are no longer a signal."),
            ),
        ),
        events=("contract.expiring", "contract.expired", "contract.signed"),
        check=contract_expiry,
        requires=("prm.contracts.status:status",),
    )
)


# Compliance -----------------------------------------------------------------------------

COMPLIANCE_STAGES = ("onboarding", "active", "suspended")


def compliance_document(params: dict[str, int], today: date, partner_ids) -> list[Finding]:
    """A required compliance document expired (more than ``grace_days`` ago) or, when
    ``include_missing`` is on, never submitted; for partners onboarding, active or
    suspended."""
    from prm.contracts.compliance import ComplianceStatus, checklists

    partners = list(
        _partners(partner_ids).filter(stage__in=COMPLIANCE_STAGES).prefetch_related("types")
    )
    grace = timedelta(days=params["grace_days"])
    include_missing = bool(params["include_missing"])
    found = []
    for partner_id, items in checklists(partners, today).items():
        for item in items:
            values = {"requirement": str(item.requirement), "partner": ""}
            if item.status == ComplianceStatus.EXPIRED:
                if item.submission.expires_on and today - item.submission.expires_on <= grace:
                    continue
                state, likelihood = "expired", 4
                title = _("%(requirement)s of %(partner)s has expired")
            elif item.status == ComplianceStatus.MISSING and include_missing:
                state, likelihood = "missing", 3
                title = _("%(requirement)s of %(partner)s is missing")
            else:
                continue
            found.append((partner_id, item, state, likelihood, title, values))
    names = {p.pk: p.name for p in partners}
    findings = []
    for partner_id, item, state, likelihood, title, values in found:
        values["partner"] = names.get(partner_id, "")
        values["date"] = (
            item.submission.expires_on.isoformat()
            if item.submission and item.submission.expires_on
            else ""
        )
        detail = (
            _("The document expired on %(date)s.")
            if state == "expired"
            else _("No document was submitted.")
        )
        findings.append(
            Finding(
                subject=f"compliance:{partner_id}:{item.requirement.pk}",
                partner_id=partner_id,
                title=_text(title, values),
                detail=_text(detail, values),
                evidence_url=_url("contracts:compliance_partner", partner_id),
                likelihood=likelihood,
                impact=3,
                data={"state": state, "requirement": item.requirement.pk},
            )
        )
    return findings


register(
    Rule(
        code="compliance_document",
        name=_("Compliance document missing or expired"),
        description=_("A document the partner's type requires was never submitted or has expired."),
        category="compliance",
        params=(
            Param(
                "include_missing",
                _("Missing documents count"),
                1,
                0,
                1,
                kind="bool",
            ),
            Param(
                "grace_days",
                _("Grace days after expiry"),
                0,
                0,
                90,
                help=_("An expired document becomes a signal this many days after its expiry."),
            ),
        ),
        events=("compliance.document_expired", "document.expired"),
        check=compliance_document,
        requires=("prm.contracts.compliance:checklists",),
    )
)


# Scorecards -----------------------------------------------------------------------------

STANDING_RANK = {"excellent": 0, "good": 1, "watch": 2, "critical": 3}


def falling(history: Iterable[str], periods: int) -> bool:
    """Whether the standing fell in each of the last ``periods`` periods (oldest first)."""
    ranks = [STANDING_RANK.get(s) for s in history if s in STANDING_RANK]
    if len(ranks) < periods + 1:
        return False
    tail = ranks[-(periods + 1) :]
    return all(later > earlier for earlier, later in itertools.pairwise(tail))


def scorecard_standing(params: dict[str, int], today: date, partner_ids) -> list[Finding]:
    """The latest standing at the lowest band (critical), or the standing falling in each of
    the last ``falling_periods`` periods."""
    from prm.scorecards import selectors as scorecards

    periods = params["falling_periods"]
    latest = scorecards.latest_results(partner_ids=partner_ids)
    names = dict(access.unrestricted(Partner).filter(pk__in=list(latest)).values_list("pk", "name"))
    histories = scorecards.standing_histories(
        [pk for pk, result in latest.items() if result.standing != "critical"], periods + 1
    )
    found = []
    for partner_id, result in latest.items():
        standing = getattr(result, "standing", "") or ""
        values = {"partner": names.get(partner_id, ""), "periods": periods}
        url = ""
        if hasattr(result, "get_absolute_url"):
            try:
                url = result.get_absolute_url()
            except NoReverseMatch:
                url = ""
        if standing == "critical":
            title = _text(_("Scorecard of %(partner)s at the lowest standing"), values)
            detail = _text(_("The latest scorecard standing is critical."), values)
            likelihood = 4
        else:
            if not falling(histories[partner_id], periods):
                continue
            title = _text(_("Scorecard of %(partner)s falling"), values)
            detail = _text(_("The standing fell in each of the last %(periods)s periods."), values)
            likelihood = 3
        found.append(
            Finding(
                subject=f"scorecard:{partner_id}",
                partner_id=partner_id,
                title=title,
                detail=detail,
                evidence_url=url,
                likelihood=likelihood,
                impact=3,
                data={"standing": standing, "result": getattr(result, "pk", None)},
            )
        )
    return found


register(
    Rule(
        code="scorecard_standing",
        name=_("Scorecard standing low or falling"),
        description=_(
            "The latest scorecard at the lowest standing, or the standing falling for several "
            "periods in a row."
        ),
        category="operational",
        params=(Param("falling_periods", _("Falling for (periods)"), 3, 2, 12),),
        events=("scorecard.standings_changed",),
        check=scorecard_standing,
        requires=(
            "prm.scorecards.selectors:latest_results",
            "prm.scorecards.selectors:standing_histories",
        ),
    )
)


# Concentration --------------------------------------------------------------------------


def _concentration(
    amounts: dict[int, Decimal],
    params: dict[str, int],
    *,
    what: str,
    category: str,
) -> list[Finding]:
    from prm.risks.concentration import analyse

    industries = dict(
        access.unrestricted(Partner).filter(pk__in=list(amounts)).values_list("pk", "industry")
    )
    names = dict(
        access.unrestricted(Partner).filter(pk__in=list(amounts)).values_list("pk", "name")
    )
    labels = {"spend": _("spend"), "revenue": _("revenue")}
    found = []
    for group in analyse(amounts, industries, share_pct=Decimal(params["share_pct"])):
        label = group.category or _text(_("(no industry)"), {})
        for partner_id, share in group.dominant.items():
            values = {
                "partner": names.get(partner_id, ""),
                "share": f"{share:.1f}",
                "what": _text(labels[what], {}),
                "category": label,
            }
            found.append(
                Finding(
                    subject=f"{what}_share:{partner_id}",
                    partner_id=partner_id,
                    title=_text(
                        _("%(partner)s holds %(share)s%% of the %(what)s in %(category)s"), values
                    ),
                    detail=_text(
                        _("%(partner)s holds %(share)s%% of the %(what)s in %(category)s."),
                        values,
                    ),
                    evidence_url=_url("partners:detail", partner_id),
                    likelihood=3,
                    impact=4,
                    data={"share": str(round(share, 2)), "category": group.category},
                )
            )
        if group.hhi > params["hhi"]:
            values = {
                "category": label,
                "hhi": f"{group.hhi:.0f}",
                "what": _text(labels[what], {}),
                "partners": group.partners,
            }
            found.append(
                Finding(
                    subject=f"{what}_hhi:{group.category}"[:120],
                    partner_id=None,
                    title=_text(_("%(what)s in %(category)s is concentrated"), values),
                    detail=_text(
                        _("HHI %(hhi)s across %(partners)s partners."),
                        values,
                    ),
                    evidence_url=_url("risks:list"),
                    likelihood=3,
                    impact=4,
                    data={"hhi": str(round(group.hhi, 2)), "category": group.category},
                )
            )
    return found


def _window(params: dict[str, int], today: date) -> tuple[date, date]:
    return today - timedelta(days=30 * params["months"]), today


def spend_concentration(params: dict[str, int], today: date, partner_ids) -> list[Finding]:
    """Supplier spend over the last ``months``, grouped by the supplier's industry: a supplier
    above ``share_pct`` % of its group's spend, a group whose HHI is above ``hhi``."""
    from prm.metrics.selectors import spend_by_partner

    start, end = _window(params, today)
    return _concentration(
        spend_by_partner(start=start, end=end), params, what="spend", category="concentration"
    )


def revenue_concentration(params: dict[str, int], today: date, partner_ids) -> list[Finding]:
    """The same over revenue (won deals and reseller sales) by partner."""
    from prm.metrics.selectors import revenue_by_partner

    start, end = _window(params, today)
    return _concentration(
        revenue_by_partner(start=start, end=end), params, what="revenue", category="concentration"
    )


CONCENTRATION_PARAMS = (
    Param("share_pct", _("Single partner above (%)"), 30, 1, 100),
    Param("hhi", _("HHI above"), 2500, 100, 10000),
    Param("months", _("Over the last (months)"), 12, 1, 36),
)

register(
    Rule(
        code="spend_concentration",
        name=_("Supplier spend concentration"),
        description=_(
            "One supplier above a share of its industry's spend, or an industry's spend "
            "concentrated (Herfindahl-Hirschman index)."
        ),
        category="concentration",
        params=CONCENTRATION_PARAMS,
        events=(),
        check=spend_concentration,
        requires=("prm.metrics.selectors:spend_by_partner",),
    )
)
register(
    Rule(
        code="revenue_concentration",
        name=_("Revenue concentration"),
        description=_(
            "One partner above a share of its industry's revenue, or an industry's revenue "
            "concentrated (Herfindahl-Hirschman index)."
        ),
        category="concentration",
        params=CONCENTRATION_PARAMS,
        events=(),
        check=revenue_concentration,
        requires=("prm.metrics.selectors:revenue_by_partner",),
    )
)
