"""Concentration of spend or revenue: each partner's share of its category's total and the
category's Herfindahl-Hirschman index (HHI, the sum of the squared percentage shares:
10,000 for a single partner, 10,000 / n for n equal partners)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal

HUNDRED = Decimal(100)


def shares(values: Mapping[Hashable, Decimal]) -> dict[Hashable, Decimal]:
    """Each key's percentage of the total of the positive values (0..100)."""
    positive = {k: Decimal(v) for k, v in values.items() if v and Decimal(v) > 0}
    total = sum(positive.values(), Decimal(0))
    if total <= 0:
        return {}
    return {k: v * HUNDRED / total for k, v in positive.items()}


def hhi(values: Mapping[Hashable, Decimal]) -> Decimal:
    """The Herfindahl-Hirschman index of the values, 0..10,000 (0 with no positive value)."""
    return sum((share * share for share in shares(values).values()), Decimal(0))


@dataclass(frozen=True)
class Concentration:
    category: str
    total: Decimal
    hhi: Decimal
    partners: int
    # partner id → percentage share, only those above the share threshold
    dominant: dict[int, Decimal]


def analyse(
    values: Mapping[int, Decimal],
    category_of: Mapping[int, str],
    *,
    share_pct: Decimal,
) -> list[Concentration]:
    """Group ``values`` (partner id → amount) by category, and report for each category its
    total, HHI and the partners whose share is above ``share_pct``."""
    groups: dict[str, dict[int, Decimal]] = {}
    for partner_id, amount in values.items():
        groups.setdefault(category_of.get(partner_id, ""), {})[partner_id] = amount
    found = []
    for category, amounts in sorted(groups.items()):
        parts = shares(amounts)
        if not parts:
            continue
        found.append(
            Concentration(
                category=category,
                total=sum((Decimal(v) for v in amounts.values() if v > 0), Decimal(0)),
                hhi=sum((s * s for s in parts.values()), Decimal(0)),
                partners=len(parts),
                dominant={p: s for p, s in parts.items() if s > Decimal(share_pct)},
            )
        )
    return found
