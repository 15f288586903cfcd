"""Lead routing: which partner a lead goes to, and why.

:func:`plan` tries the active rules in order. A rule *matches* a lead when the lead's
country, region and industry are among the rule's (an empty list matches anything). The
rule's *eligible partners* are those that are active, cover the same countries, regions
and industries, have one of the rule's partner types and at least its tier rank, hold
fewer open leads than its capacity, and have never declined (or let lapse) this lead. The
first matching rule with at least one eligible partner of a weight above 0 decides.

Among those partners, the tier's lead priority (``TierBenefit.lead_priority``) comes first:
only the partners of the highest priority present are drawn from (:func:`contenders`); a
partner without a tier, or whose tier sets no benefit, has priority 0. A partner of weight 0
is never drawn, whatever its priority, so it does not hold the lead back from the others.

:func:`pick` breaks the tie among the contenders by a weighted random choice with
``random.Random(seed)``: the seed is stored on the assignment with every eligible partner,
its priority and weight, so the choice can be replayed exactly (:func:`replay`). The pure
functions are what the fairness test drives.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prm.accounts.models import User
from prm.core import access
from prm.core.events import emit
from prm.core.translated import in_every_language
from prm.leads.models import (
    OPEN_STATUSES,
    AssignmentResponse,
    Lead,
    LeadAssignment,
    LeadRoutingRule,
    LeadStatus,
)
from prm.notifications.services import notify
from prm.partners.lifecycle import Stage
from prm.partners.models import Partner
from prm.tiers.selectors import lead_priorities

SEED_BITS = 62  # fits a signed 64-bit column
EXPLAINED_CANDIDATES = 10  # the explanation lists the likeliest; all are stored


@dataclass(frozen=True)
class Candidate:
    partner_id: int
    name: str
    weight: float
    priority: int = 0  # the lead priority of the partner's tier


@dataclass
class Plan:
    rule: LeadRoutingRule | None
    candidates: list[Candidate] = field(default_factory=list)
    # Rules that matched the lead but found no eligible partner, passed over.
    passed_over: list[str] = field(default_factory=list)


def new_seed() -> int:
    return secrets.randbits(SEED_BITS)


def pick(candidates: Sequence[tuple[int, float]], seed: int) -> int | None:
    """The partner id chosen among ``(partner_id, weight)`` pairs with ``seed``.

    Candidates are sorted by id first, so the same set gives the same answer whatever order
    it came in. When every weight is 0, each candidate is equally likely."""
    ordered = sorted(candidates)
    if not ordered:
        return None
    weights = [max(float(w), 0.0) for _pk, w in ordered]
    if sum(weights) <= 0:
        weights = [1.0] * len(ordered)
    return random.Random(seed).choices([pk for pk, _w in ordered], weights=weights, k=1)[0]


def contenders(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates the draw is among: those of weight above 0 with the highest lead
    priority present. Leads go first to partners of a higher priority; the weights share
    the lead only among partners of the same priority."""
    drawable = [c for c in candidates if c.weight > 0]
    if not drawable:
        return []
    top = max(c.priority for c in drawable)
    return [c for c in drawable if c.priority == top]


def stored(assignment: LeadAssignment) -> list[Candidate]:
    """The candidates recorded on an assignment (offers made before priorities were
    recorded have none: every partner then counts as priority 0, as it did)."""
    return [
        Candidate(c["partner"], c.get("name", ""), c["weight"], c.get("priority", 0))
        for c in assignment.candidates
    ]


def replay(assignment: LeadAssignment) -> int | None:
    """The partner the recorded candidates and seed choose: the assigned one, always."""
    pairs = [(c.partner_id, c.weight) for c in contenders(stored(assignment))]
    return pick(pairs, assignment.seed)


def _in(value: str, allowed: list[str]) -> bool:
    return not allowed or value.strip().casefold() in {a.strip().casefold() for a in allowed}


def rule_matches(rule: LeadRoutingRule, lead: Lead) -> bool:
    return (
        _in(lead.country.code or "", rule.countries)
        and _in(lead.region, rule.regions)
        and _in(lead.industry, rule.industries)
    )


def excluded_partners(lead: Lead) -> set[int]:
    """Partners that declined this lead or let it lapse: never offered it again."""
    if lead.pk is None:
        return set()
    passed = (AssignmentResponse.DECLINED, AssignmentResponse.EXPIRED)
    return set(
        access.unrestricted(LeadAssignment)
        .filter(lead=lead, response__in=passed)
        .values_list("partner_id", flat=True)
    )


def eligible(rule: LeadRoutingRule, lead: Lead, excluded: set[int]) -> list[Candidate]:
    partners = access.unrestricted(Partner).filter(stage=Stage.ACTIVE).exclude(pk__in=excluded)
    if rule.countries:
        partners = partners.filter(country__in=rule.countries)
    if rule.regions:
        condition = Q()
        for region in rule.regions:
            condition |= Q(region__iexact=region.strip())
        partners = partners.filter(condition)
    if rule.industries:
        condition = Q()
        for industry in rule.industries:
            condition |= Q(industry__iexact=industry.strip())
        partners = partners.filter(condition)
    types = [t.code for t in rule.partner_types.all()]
    if types:
        partners = partners.filter(types__code__in=types).distinct()
    if rule.min_tier_rank is not None:
        partners = partners.filter(tier__rank__gte=rule.min_tier_rank)
    if rule.capacity is not None:
        open_leads = Count(
            "leads",
            filter=Q(leads__status__in=OPEN_STATUSES) & ~Q(leads__pk=lead.pk or 0),
            distinct=True,
        )
        partners = partners.annotate(open_leads=open_leads).filter(open_leads__lt=rule.capacity)
    priorities = lead_priorities()
    return [
        Candidate(pk, name, rule.weight_of(pk), priorities.get(tier_id, 0))
        for pk, name, tier_id in partners.order_by("pk").values_list("pk", "name", "tier_id")
    ]


def plan(lead: Lead) -> Plan:
    excluded = excluded_partners(lead)
    passed_over: list[str] = []
    rules = LeadRoutingRule.objects.filter(active=True).prefetch_related("partner_types")
    for rule in rules:
        if not rule_matches(rule, lead):
            continue
        candidates = eligible(rule, lead, excluded)
        if any(c.weight > 0 for c in candidates):
            return Plan(rule, candidates, passed_over)
        passed_over.append(rule.name)
    return Plan(None, [], passed_over)


def _conditions(rule: LeadRoutingRule) -> str:
    parts = []
    if rule.countries:
        parts.append(_("countries %(list)s") % {"list": ", ".join(rule.countries)})
    if rule.regions:
        parts.append(_("regions %(list)s") % {"list": ", ".join(rule.regions)})
    if rule.industries:
        parts.append(_("industries %(list)s") % {"list": ", ".join(rule.industries)})
    types = [str(t) for t in rule.partner_types.all()]
    if types:
        parts.append(_("partner types %(list)s") % {"list": ", ".join(types)})
    if rule.min_tier_rank is not None:
        parts.append(_("tier rank at least %(rank)s") % {"rank": rule.min_tier_rank})
    if rule.capacity is not None:
        parts.append(_("fewer than %(n)s open leads") % {"n": rule.capacity})
    return "; ".join(parts) or _("no conditions")


def _priority_lines(candidates: list[Candidate], drawn_from: list[Candidate]) -> list[str]:
    """Say which lead priority the draw was among, when a lower one was passed over."""
    drawable = [c for c in candidates if c.weight > 0]
    passed_over = len(drawable) - len(drawn_from)
    if not passed_over:
        return []
    top = drawn_from[0].priority
    return [
        ngettext(
            "Leads go first to partners of a higher lead priority (set by their tier): only "
            "the partner of lead priority %(priority)s took part in the draw.",
            "Leads go first to partners of a higher lead priority (set by their tier): only "
            "the %(n)s partners of lead priority %(priority)s took part in the draw.",
            len(drawn_from),
        )
        % {"n": len(drawn_from), "priority": top},
        ngettext(
            "%(n)s eligible partner of a lower lead priority was passed over.",
            "%(n)s eligible partners of a lower lead priority were passed over.",
            passed_over,
        )
        % {"n": passed_over},
    ]


def explain(lead_plan: Plan, chosen: Candidate, excluded: set[int]) -> str:
    """Why ``chosen`` got the lead, in the active language, for staff."""
    rule = lead_plan.rule
    drawn_from = contenders(lead_plan.candidates)
    in_draw = {c.partner_id for c in drawn_from}
    total = sum(c.weight for c in drawn_from) or 1.0

    def share(c: Candidate) -> str:
        return f"{100 * c.weight / total if c.partner_id in in_draw else 0:.1f}"

    lines = [
        _("Rule “%(rule)s” matches the lead but no partner is eligible.") % {"rule": name}
        for name in lead_plan.passed_over
    ]
    lines.append(
        _("Rule “%(rule)s” (order %(order)s) matched: %(conditions)s.")
        % {"rule": rule.name, "order": rule.order, "conditions": _conditions(rule)}
    )
    eligible = len(lead_plan.candidates)
    lines.append(
        ngettext(
            "%(n)s active partner was eligible.",
            "%(n)s active partners were eligible.",
            eligible,
        )
        % {"n": eligible}
    )
    if excluded:
        lines.append(
            ngettext(
                "%(excluded)s partner that passed on it before was left out.",
                "%(excluded)s partners that passed on it before were left out.",
                len(excluded),
            )
            % {"excluded": len(excluded)}
        )
    lines.extend(_priority_lines(lead_plan.candidates, drawn_from))
    ranked = sorted(
        lead_plan.candidates,
        key=lambda c: (c.partner_id not in in_draw, -c.priority, -c.weight, c.partner_id),
    )
    shown = ranked[:EXPLAINED_CANDIDATES]
    if chosen not in shown:
        shown.append(chosen)
    for c in shown:
        lines.append(
            _("* %(name)s: lead priority %(priority)s, weight %(weight)s, chance %(share)s%%")
            % {
                "name": c.name,
                "priority": c.priority,
                "weight": f"{c.weight:g}",
                "share": share(c),
            }
        )
    if len(ranked) > len(shown):
        lines.append(
            _(
                "* and %(n)s more (the candidates, priorities and weights are stored with the "
                "assignment)"
            )
            % {"n": len(ranked) - len(shown)}
        )
    lines.append(
        _("%(name)s was drawn by weighted random choice (chance %(share)s%%).")
        % {"name": chosen.name, "share": share(chosen)}
    )
    return "\n".join(lines)


def route(lead: Lead, *, seed: int | None = None) -> LeadAssignment | None:
    """Offer ``lead`` to the partner the rules choose; ``None`` (and the lead unassigned)
    when no rule finds anyone. Call inside a transaction with the lead locked."""
    excluded = excluded_partners(lead)
    lead_plan = plan(lead)
    if lead_plan.rule is None:
        lead.partner = None
        lead.status = LeadStatus.UNASSIGNED
        lead.offered_at = lead.sla_due = None
        lead.save(update_fields=["partner", "status", "offered_at", "sla_due", "updated_at"])
        return None
    seed = new_seed() if seed is None else seed
    drawn_from = contenders(lead_plan.candidates)
    chosen_id = pick([(c.partner_id, c.weight) for c in drawn_from], seed)
    chosen = next(c for c in drawn_from if c.partner_id == chosen_id)
    now = timezone.now()
    due = now + timedelta(hours=lead_plan.rule.effective_sla_hours())
    assignment = access.unrestricted(LeadAssignment).create(
        lead=lead,
        partner_id=chosen.partner_id,
        rule=lead_plan.rule,
        rule_name=lead_plan.rule.name,
        seed=seed,
        candidates=[
            {"partner": c.partner_id, "name": c.name, "weight": c.weight, "priority": c.priority}
            for c in lead_plan.candidates
        ],
        explanation=in_every_language(lambda: explain(lead_plan, chosen, excluded)),
        offered_at=now,
        sla_due=due,
    )
    lead.partner_id = chosen.partner_id
    lead.status = LeadStatus.OFFERED
    lead.offered_at, lead.sla_due = now, due
    lead.save(update_fields=["partner", "status", "offered_at", "sla_due", "updated_at"])
    _announce(lead, assignment)
    return assignment


def _announce(lead: Lead, assignment: LeadAssignment) -> None:
    from django.urls import reverse

    users = access.unrestricted(User).filter(partner_id=assignment.partner_id, is_active=True)
    due = timezone.localtime(assignment.sla_due).strftime("%Y-%m-%d %H:%M")
    name, company = lead.pk, lead.company_name

    def body() -> Any:
        return _(
            "Lead %(id)s (%(company)s) is offered to you. Accept or decline it by %(due)s."
        ) % {
            "id": name,
            "company": company,
            "due": due,
        }

    notify(
        users,
        title=lambda: _("New lead: %(company)s") % {"company": company},
        body=body,
        url=reverse("leads:portal_detail", args=[lead.pk]),
    )
    emit("lead.assigned", lead_id=lead.pk, partner_id=assignment.partner_id)
