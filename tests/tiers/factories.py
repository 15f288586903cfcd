"""A small tier program and revenue figures for the tier tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from prm.core import access
from prm.metrics.models import Metric, Observation
from prm.partners.models import Partner, Tier
from prm.tiers.models import TierBenefit, TierRequirement
from prm.tiers.sources import revenue_quarters


def make_program() -> dict[str, Tier]:
    """Registered (entry), Silver ≥ 100M, Gold ≥ 500M, Platinum ≥ 1B revenue."""
    tiers = {t.code: t for t in Tier.objects.all()}
    for code, amount in (("silver", 100), ("gold", 500), ("platinum", 1000)):
        TierRequirement.objects.create(
            tier=tiers[code], kind="revenue", threshold=Decimal(amount) * 1_000_000
        )
    for code, discount, mdf, priority in (
        ("registered", 0, False, 0),
        ("silver", 5, False, 1),
        ("gold", 10, True, 2),
        ("platinum", 15, True, 3),
    ):
        TierBenefit.objects.create(
            tier=tiers[code], discount_percent=discount, mdf_eligible=mdf, lead_priority=priority
        )
    return tiers


def set_revenue(partner: Partner, total: int, as_of: datetime.date | None = None) -> None:
    """``total`` KRW over the last 4 complete quarters, a quarter of it in each."""
    metric = access.unrestricted(Metric).get(code="revenue")
    for quarter in revenue_quarters(as_of or timezone.localdate()):
        access.unrestricted(Observation).update_or_create(
            metric=metric,
            partner=partner,
            period_kind="quarter",
            period_start=quarter.start,
            defaults={"value": Decimal(total) / 4, "source": "manual"},
        )
