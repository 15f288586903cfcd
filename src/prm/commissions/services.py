"""Writes on commission rules and statements.

Rules: staff only; a rule for one partner is changed by whoever may change that partner's
records (its partner manager, admins), a rule for every partner by admins.

Statements: :func:`statements_generate` builds drafts for a period from the won deals
(``won_at`` in the period, Asia/Seoul calendar) and the rules (see ``engine`` for the
precedence and the bracket modes). Approval freezes a statement: regeneration never
touches it again, and a deal corrected after approval (amount changed, or no longer won)
gets an adjustment line in the partner's next statement instead.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.commissions import engine
from prm.commissions.models import (
    CommissionBracket,
    CommissionRule,
    CommissionStatement,
    LineKind,
    RuleKind,
    StatementLine,
    StatementStatus,
)
from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.core.events import emit
from prm.notifications.services import notify
from prm.partners.models import Partner
from prm.sales.models import Deal

RULE_FIELDS = (
    "name",
    "partner",
    "partner_type",
    "tier",
    "product_category",
    "kind",
    "rate",
    "bracket_mode",
    "currency",
    "effective_from",
    "effective_to",
    "is_active",
    "notes",
)
FROZEN = (StatementStatus.APPROVED, StatementStatus.PAID)


# Rules -------------------------------------------------------------------------------


def _require_rule_write(actor: User, partner: Partner | None) -> None:
    if partner is None:
        if access.role_of(actor) != Role.ADMIN:
            raise BusinessError(
                _("Only admins may change rules that apply to every partner."),
                code="forbidden",
                status=403,
                field="partner",
            )
    elif not access.can_add(actor, CommissionRule, partner):
        raise BusinessError(
            _("You may not change commission rules for this partner."),
            code="forbidden",
            status=403,
            field="partner",
        )


def _clean_brackets(rule: CommissionRule, brackets: list[dict[str, Any]]) -> list:
    """Bracket rows checked one by one and together: a tiered rule needs at least one,
    brackets may not overlap, and only the highest may be open-ended."""
    if rule.kind != RuleKind.TIERED:
        return []
    if not brackets:
        raise BusinessError(_("A tiered rule needs at least one bracket."), field="brackets")
    rows = []
    for data in brackets:
        row = CommissionBracket(rule=rule, **data)
        row.full_clean(exclude=["rule"])
        rows.append(row)
    rows.sort(key=lambda b: b.from_amount)
    for lower, upper in itertools.pairwise(rows):
        if lower.to_amount is None or lower.to_amount > upper.from_amount:
            raise BusinessError(
                _("Brackets overlap: %(a)s and %(b)s.")
                % {"a": lower.describe(), "b": upper.describe()},
                field="brackets",
            )
    return rows


def _apply_rule(rule: CommissionRule, data: dict[str, Any]) -> None:
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise BusinessError(
            _("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    for name, value in data.items():
        setattr(rule, name, value)


def _save_rule(rule: CommissionRule, brackets: list[dict[str, Any]] | None) -> CommissionRule:
    rule.full_clean()
    if brackets is None and rule.pk:
        brackets = [
            {"from_amount": b.from_amount, "to_amount": b.to_amount, "rate": b.rate}
            for b in rule.brackets.all()
        ]
    rows = _clean_brackets(rule, brackets or [])
    rule.save()
    access.unrestricted(CommissionBracket).filter(rule=rule).delete()
    for row in rows:
        row.rule = rule
        row.save()
    return rule


@transaction.atomic
def rule_create(
    *, actor: User, data: dict[str, Any], brackets: list[dict[str, Any]] | None = None
) -> CommissionRule:
    """A new rule; a tiered rule comes with its brackets."""
    rule = CommissionRule()
    _apply_rule(rule, data)
    _require_rule_write(actor, rule.partner)
    return _save_rule(rule, brackets or [])


@transaction.atomic
def rule_update(
    *,
    actor: User,
    rule: CommissionRule,
    data: dict[str, Any],
    brackets: list[dict[str, Any]] | None = None,
) -> CommissionRule:
    """Changes the fields given; ``brackets``, when given, replace the rule's brackets.
    Statements already generated keep the terms they were computed with."""
    rule = access.get_object(actor, CommissionRule, Action.CHANGE, pk=rule.pk)
    _require_rule_write(actor, rule.partner)
    _apply_rule(rule, data)
    _require_rule_write(actor, rule.partner)
    return _save_rule(rule, brackets)


@transaction.atomic
def rule_delete(*, actor: User, rule: CommissionRule) -> None:
    """Deletes a rule no statement was computed with; a rule in use is deactivated instead,
    so that statements keep pointing at the terms they were paid on."""
    rule = access.get_object(actor, CommissionRule, Action.DELETE, pk=rule.pk)
    _require_rule_write(actor, rule.partner)
    try:
        with transaction.atomic():
            rule.delete()
    except ProtectedError as exc:
        raise BusinessError(
            _("Statements were computed with this rule; deactivate it instead of deleting it."),
            code="in_use",
            status=409,
        ) from exc


# Statements ---------------------------------------------------------------------------


@dataclass
class GenerationResult:
    created: list[CommissionStatement] = field(default_factory=list)
    updated: list[CommissionStatement] = field(default_factory=list)
    frozen: list[CommissionStatement] = field(default_factory=list)
    removed: int = 0

    @property
    def statements(self) -> list[CommissionStatement]:
        return [*self.created, *self.updated]


def _facts(deal: Deal, partner: Partner, type_codes: frozenset[str]) -> engine.DealFacts:
    return engine.DealFacts(
        partner_id=partner.pk,
        type_codes=type_codes,
        tier_id=partner.tier_id,
        category_id=deal.product_category_id,
        currency=deal.currency,
        won_on=engine.seoul_date(deal.won_at),
    )


def _deal_line(deal: Deal, **values: Any) -> StatementLine:
    return StatementLine(
        deal=deal,
        deal_title=deal.title[:200],
        customer=str(deal.account)[:200],
        won_at=deal.won_at,
        **values,
    )


def _commission_lines(
    deals: list[Deal], partner: Partner, rules: list[CommissionRule], currency: str
) -> list[StatementLine]:
    """One line per won deal: percentage rules price each deal alone; a tiered rule prices
    the total of the deals it decides and shares the commission out by amount."""
    type_codes = frozenset(t.code for t in partner.types.all())
    lines: list[StatementLine] = []
    tiered_groups: dict[int, list[Deal]] = defaultdict(list)
    tiered_rules: dict[int, CommissionRule] = {}
    for deal in deals:
        rule = engine.select_rule(rules, _facts(deal, partner, type_codes))
        if rule is None:
            lines.append(
                _deal_line(
                    deal,
                    deal_amount=deal.amount,
                    amount=Decimal(0),
                    note=str(_("No commission rule applies to this deal.")),
                )
            )
        elif rule.kind == RuleKind.TIERED:
            tiered_groups[rule.pk].append(deal)
            tiered_rules[rule.pk] = rule
        else:
            amount = engine.quantize(engine.percentage(deal.amount, rule.rate), currency)
            lines.append(
                _deal_line(
                    deal,
                    deal_amount=deal.amount,
                    rule=rule,
                    rule_name=rule.name,
                    rule_terms=rule.describe()[:500],
                    rate=rule.rate,
                    amount=amount,
                )
            )
    for pk, group in tiered_groups.items():
        rule = tiered_rules[pk]
        total = sum((d.amount for d in group), Decimal(0))
        commission = engine.quantize(
            engine.tiered(total, [b.as_bracket() for b in rule.brackets.all()], rule.bracket_mode),
            currency,
        )
        shares = engine.allocate(commission, [d.amount for d in group], currency)
        rate = engine.effective_rate(commission, total)
        for deal, share in zip(group, shares, strict=True):
            lines.append(
                _deal_line(
                    deal,
                    deal_amount=deal.amount,
                    rule=rule,
                    rule_name=rule.name,
                    rule_terms=rule.describe()[:500],
                    rate=rate,
                    amount=share,
                    note=str(
                        _("Period total %(total)s, commission %(commission)s")
                        % {"total": f"{total:,}", "commission": f"{commission:,}"}
                    ),
                )
            )
    lines.sort(key=lambda line: (line.won_at, line.deal_id or 0))
    return lines


def _current_amount(deal: Deal) -> Decimal:
    """What a deal is worth for commissions now: its amount while won, nothing otherwise."""
    return deal.amount if deal.stage.is_won and deal.won_at else Decimal(0)


def _adjustment_lines(
    partner: Partner, period: engine.Period, exclude_ids: set[int]
) -> dict[str, list[StatementLine]]:
    """Adjustments, by currency, for deals whose amount or won state changed after an
    approved statement paid them. The history of a deal is every line of it in an approved
    statement of an earlier period plus adjustments waiting in other drafts; the last line
    holds the amount last recorded, the sum of their commissions what has been counted."""
    history = access.unrestricted(StatementLine).filter(
        statement__partner=partner, deal__isnull=False
    ).exclude(statement_id__in=exclude_ids).filter(
        statement__status__in=FROZEN,
        statement__period_start__lt=period.start,
    ) | access.unrestricted(StatementLine).filter(
        statement__partner=partner,
        deal__isnull=False,
        kind=LineKind.ADJUSTMENT,
        statement__status=StatementStatus.DRAFT,
    ).exclude(statement_id__in=exclude_ids)
    history = history.select_related("statement", "deal__stage", "deal__account").order_by(
        "statement__period_start", "id"
    )
    by_deal: dict[int, list[StatementLine]] = defaultdict(list)
    for line in history:
        by_deal[line.deal_id].append(line)
    result: dict[str, list[StatementLine]] = defaultdict(list)
    for lines in by_deal.values():
        originals = [ln for ln in lines if ln.kind == LineKind.COMMISSION]
        if not originals:
            continue
        original = originals[0]
        if original.statement.status not in FROZEN:
            continue
        deal = original.deal
        currency = original.statement.currency
        recorded = lines[-1].deal_amount
        current = _current_amount(deal) if deal.currency == currency else Decimal(0)
        if current == recorded:
            continue
        counted = sum((ln.amount for ln in lines), Decimal(0))
        due = engine.quantize(engine.percentage(current, original.rate), currency)
        if current:
            note = _("Deal amount corrected from %(old)s to %(new)s after approval.") % {
                "old": f"{recorded:,}",
                "new": f"{current:,}",
            }
        else:
            note = _("Deal no longer won after approval (was %(old)s).") % {"old": f"{recorded:,}"}
        result[currency].append(
            StatementLine(
                kind=LineKind.ADJUSTMENT,
                deal=deal,
                deal_title=deal.title[:200],
                customer=str(deal.account)[:200],
                won_at=deal.won_at,
                deal_amount=current,
                rule=original.rule,
                rule_name=original.rule_name,
                rule_terms=original.rule_terms,
                rate=original.rate,
                amount=due - counted,
                adjusts=original.statement,
                note=str(note)[:300],
            )
        )
    return result


def _generation_partners(actor: User | None, period: engine.Period, partner: Partner | None):
    partners = (
        access.unrestricted(Partner)
        if actor is None
        else access.scope(actor, Partner, Action.CHANGE)
    )
    if partner is not None:
        partners = partners.filter(pk=partner.pk)
    won = access.unrestricted(Deal).filter(
        stage__is_won=True, won_at__gte=period.start_at, won_at__lt=period.end_at
    )
    paid_before = access.unrestricted(CommissionStatement).filter(
        status__in=FROZEN, period_start__lt=period.start
    )
    return (
        (
            partners.filter(pk__in=won.values("partner_id"))
            | partners.filter(pk__in=paid_before.values("partner_id"))
        )
        .distinct()
        .prefetch_related("types")
    )


def statements_generate(
    *, actor: User | None, period: engine.Period, partner: Partner | None = None
) -> GenerationResult:
    """Draft statements of ``period`` for every partner with won deals in it or with
    corrections to carry (only the partners ``actor`` may change; all for the system).

    A draft already there is rebuilt; an approved or paid one is left as it is. A deal is
    paid commission once: a deal already on another statement is not listed again.
    """
    if actor is not None and access.role_of(actor) not in (Role.ADMIN, Role.PARTNER_MANAGER):
        raise PermissionDenied
    if partner is not None and actor is not None and not access.can(actor, partner, Action.CHANGE):
        raise BusinessError(
            _("You may not generate statements for this partner."), code="forbidden", status=403
        )
    rules = list(
        access.unrestricted(CommissionRule)
        .filter(is_active=True)
        .select_related("partner", "tier", "product_category")
        .prefetch_related("brackets")
    )
    result = GenerationResult()
    # The rule terms and notes are recorded as text, in the product's language, so that a
    # statement reads the same whoever generated it.
    with translation.override(settings.LANGUAGE_CODE):
        for target in _generation_partners(actor, period, partner):
            with transaction.atomic():
                _generate_for(target, period, rules, result)
    return result


def _generate_for(
    partner: Partner, period: engine.Period, rules: list[CommissionRule], result: GenerationResult
) -> None:
    existing = {
        s.currency: s
        for s in access.unrestricted(CommissionStatement)
        .select_for_update(of=("self",))
        .filter(partner=partner, period_kind=period.kind, period_start=period.start)
    }
    mine = {s.pk for s in existing.values()}
    paid_deals = set(
        access.unrestricted(StatementLine)
        .filter(kind=LineKind.COMMISSION, deal__partner=partner)
        .exclude(statement_id__in=mine)
        .values_list("deal_id", flat=True)
    )
    deals = [
        d
        for d in access.unrestricted(Deal)
        .filter(
            partner=partner,
            stage__is_won=True,
            won_at__gte=period.start_at,
            won_at__lt=period.end_at,
        )
        .select_related("account", "stage")
        .order_by("won_at", "id")
        if d.pk not in paid_deals
    ]
    by_currency: dict[str, list[Deal]] = defaultdict(list)
    for deal in deals:
        by_currency[deal.currency].append(deal)
    adjustments = _adjustment_lines(partner, period, mine)
    now = timezone.now()
    for currency in sorted(set(by_currency) | set(adjustments) | set(existing)):
        statement = existing.get(currency)
        if statement is not None and statement.is_frozen:
            result.frozen.append(statement)
            continue
        lines = _commission_lines(by_currency.get(currency, []), partner, rules, currency)
        lines += adjustments.get(currency, [])
        if not lines:
            if statement is not None:
                statement.delete()
                result.removed += 1
            continue
        if statement is None:
            statement = CommissionStatement(
                partner=partner,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.last_day,
                currency=currency,
            )
            result.created.append(statement)
        else:
            # Approved meanwhile (two people at once): leave it frozen.
            still_draft = (
                access.unrestricted(CommissionStatement)
                .filter(pk=statement.pk, status=StatementStatus.DRAFT)
                .update(generated_at=now)
            )
            if not still_draft:
                result.frozen.append(statement)
                continue
            access.unrestricted(StatementLine).filter(statement=statement).delete()
            result.updated.append(statement)
        statement.total = sum((line.amount for line in lines), Decimal(0))
        statement.generated_at = now
        statement.full_clean()
        statement.save()
        for line in lines:
            line.statement = statement
        access.unrestricted(StatementLine).bulk_create(lines)


def _decide(
    actor: User, statement: CommissionStatement, expected: str, values: dict[str, Any], message
) -> CommissionStatement:
    """Moves a statement on from ``expected``; of two people deciding at once, the second
    finds it already moved and gets ``message``, nothing changed."""
    statement = access.get_object(actor, CommissionStatement, Action.CHANGE, pk=statement.pk)
    changed = (
        access.unrestricted(CommissionStatement)
        .filter(pk=statement.pk, status=expected)
        .update(**values)
    )
    if not changed:
        raise BusinessError(message, code="conflict", status=409, field="status")
    statement.refresh_from_db()
    return statement


@transaction.atomic
def statement_approve(*, actor: User, statement: CommissionStatement) -> CommissionStatement:
    """Draft → approved: the statement is frozen from now on, and the partner is told."""
    statement = _decide(
        actor,
        statement,
        StatementStatus.DRAFT,
        {
            "status": StatementStatus.APPROVED,
            "approved_at": timezone.now(),
            "approved_by": actor,
        },
        _("Only a draft statement can be approved; this one is already approved."),
    )
    emit(
        "commission.statement_approved", statement_id=statement.pk, partner_id=statement.partner_id
    )
    label = statement.period_label
    notify(
        access.unrestricted(User).filter(partner=statement.partner, is_active=True),
        title=lambda: str(
            _("Your commission statement for %(period)s is ready") % {"period": label}
        ),
        body=lambda: str(
            _("Total: %(total)s %(currency)s. Download it from the portal.")
            % {"total": f"{statement.total:,}", "currency": statement.currency}
        ),
        url=reverse("commissions:portal_detail", args=[statement.pk]),
    )
    return statement


@transaction.atomic
def statement_mark_paid(*, actor: User, statement: CommissionStatement) -> CommissionStatement:
    """Approved → paid."""
    return _decide(
        actor,
        statement,
        StatementStatus.APPROVED,
        {"status": StatementStatus.PAID, "paid_at": timezone.now(), "paid_by": actor},
        _("Only an approved statement can be marked paid."),
    )
