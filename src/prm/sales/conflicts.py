"""Conflict detection for deal registrations.

A registration conflicts with another partner's open or approved registration for the same
end customer, and it is worth a reviewer's look when it names a customer like an existing
account. Customers are compared by business registration number, domain, normalised company
name (``prm.partners.names``: legal forms, spacing, punctuation and case removed) and the
accounts' aliases, with rapidfuzz scores. The same product line is flagged.

Candidates come from indexed lookups (registration number, domain, exact name key) and a
trigram similarity search over name and alias keys (``prm.sales.search``: pg_trgm on
PostgreSQL, FTS5 on SQLite), each capped, and only they are scored, so the work does not grow
with the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from rapidfuzz import fuzz

from prm.core import access
from prm.partners.names import name_key
from prm.sales import search
from prm.sales.models import (
    ACTIVE_STATUSES,
    Account,
    ConflictReason,
    Deal,
    DealConflict,
    DealRules,
)

# How many accounts each lookup contributes at most: exact keys (registration number, domain,
# name key) and the similarity search (``prm.sales.search``). Only these are scored.
MAX_EXACT = 50
MAX_SIMILAR = 100
REASON_ORDER = {
    ConflictReason.REGISTRATION_NUMBER: 0,
    ConflictReason.DOMAIN: 1,
    ConflictReason.NAME: 2,
    ConflictReason.ALIAS: 3,
}


@dataclass(frozen=True)
class Match:
    account_id: int
    reason: str
    score: float


@dataclass(frozen=True)
class Customer:
    """What a registration says about its customer."""

    name: str
    registration_number: str = ""
    domain: str = ""


def _better(a: Match | None, b: Match) -> Match:
    if a is None:
        return b
    if b.score != a.score:
        return b if b.score > a.score else a
    return b if REASON_ORDER[b.reason] < REASON_ORDER[a.reason] else a


@dataclass
class SearchStats:
    """What one search did: how many accounts were scored, and the candidate search used."""

    scored: int = 0
    method: str = ""


FIELDS = ("pk", "registration_number", "domain", "name_key", "alias_keys")


def _candidates(customer: Customer, key: str, threshold: float) -> tuple[list[dict], str]:
    accounts = access.unrestricted(Account)
    condition = Q(pk__in=[])
    if customer.registration_number:
        condition |= Q(registration_number=customer.registration_number)
    if customer.domain:
        condition |= Q(domain=customer.domain)
    if key:
        condition |= Q(name_key=key)
    rows = list(accounts.filter(condition).values(*FIELDS)[:MAX_EXACT])
    similar, how = search.similar_account_ids(key, limit=MAX_SIMILAR, name_threshold=threshold)
    seen = {r["pk"] for r in rows}
    wanted = [pk for pk in similar if pk not in seen]
    if how == "prefix" and key:
        # Without a trigram index an alias is found by its exact key only.
        wanted_q = Q(pk__in=wanted) | Q(alias_keys__contains=key)
        rows += list(accounts.filter(wanted_q).exclude(pk__in=seen).values(*FIELDS)[:MAX_SIMILAR])
    elif wanted:
        rows += list(accounts.filter(pk__in=wanted).values(*FIELDS))
    return rows, how


def matching_accounts(
    customer: Customer, threshold: float | None = None, stats: SearchStats | None = None
) -> dict[int, Match]:
    """Accounts that look like ``customer``, each with its strongest reason and score.

    ``stats``, when given, receives the number of accounts scored and the search used.
    """
    if threshold is None:
        threshold = DealRules.load().name_threshold
    key = name_key(customer.name)
    rows, how = _candidates(customer, key, threshold)
    if stats is not None:
        stats.scored = len(rows)
        stats.method = how
    found: dict[int, Match] = {}
    for row in rows:
        best = None
        if customer.registration_number and row["registration_number"] == (
            customer.registration_number
        ):
            best = _better(best, Match(row["pk"], ConflictReason.REGISTRATION_NUMBER, 100.0))
        if customer.domain and row["domain"] == customer.domain:
            best = _better(best, Match(row["pk"], ConflictReason.DOMAIN, 100.0))
        if key and row["name_key"]:
            score = float(fuzz.ratio(key, row["name_key"]))
            if score >= threshold:
                best = _better(best, Match(row["pk"], ConflictReason.NAME, round(score, 1)))
        if key:
            for alias in filter(None, row["alias_keys"].splitlines()):
                score = float(fuzz.ratio(key, alias))
                if score >= threshold:
                    best = _better(best, Match(row["pk"], ConflictReason.ALIAS, round(score, 1)))
        if best is not None:
            found[row["pk"]] = best
    return found


def customer_of(deal: Deal) -> Customer:
    account = deal.account
    return Customer(
        name=account.name,
        registration_number=account.registration_number,
        domain=account.domain,
    )


def detect(deal: Deal, customer: Customer | None = None) -> list[DealConflict]:
    """Replace the stored conflicts of ``deal`` with the ones found now; returns them.

    Another partner's open or approved registration for a matching account is a conflict
    with that deal; a matching account other than the deal's own, with no such
    registration, is recorded as a possible duplicate customer.
    """
    customer = customer or customer_of(deal)
    matches = matching_accounts(customer)
    # The deal's own account always matches itself at full strength.
    own = matches.get(deal.account_id)
    if own is None:
        matches[deal.account_id] = Match(deal.account_id, ConflictReason.NAME, 100.0)
    others = (
        access.unrestricted(Deal)
        .filter(account_id__in=list(matches), status__in=list(ACTIVE_STATUSES))
        .exclude(partner_id=deal.partner_id)
        .exclude(pk=deal.pk)
        .only("pk", "account_id", "product_category_id")
    )
    conflicts: list[DealConflict] = []
    accounts_with_deals = set()
    for other in others:
        match = matches[other.account_id]
        accounts_with_deals.add(other.account_id)
        conflicts.append(
            DealConflict(
                deal=deal,
                conflicting_deal=other,
                account_id=other.account_id,
                reason=match.reason,
                score=Decimal(str(match.score)),
                product_line_match=bool(
                    deal.product_category_id
                    and deal.product_category_id == other.product_category_id
                ),
            )
        )
    for account_id, match in matches.items():
        if account_id == deal.account_id or account_id in accounts_with_deals:
            continue
        conflicts.append(
            DealConflict(
                deal=deal,
                account_id=account_id,
                reason=match.reason,
                score=Decimal(str(match.score)),
            )
        )
    access.unrestricted(DealConflict).filter(deal=deal).delete()
    for conflict in conflicts:
        conflict.full_clean()
        conflict.save()
    return conflicts
