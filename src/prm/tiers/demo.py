"""Demo data of the tier program: requirements and benefits of Registered, Silver, Gold and
Platinum, and a few pending proposals from a tier review of some active partners."""

from __future__ import annotations

from decimal import Decimal

from prm.core import access
from prm.partners.lifecycle import Stage
from prm.partners.models import Partner, Tier
from prm.scorecards.models import KPI, Direction
from prm.tiers import services
from prm.tiers.models import TierBenefit, TierProposal, TierRequirement

# tier code → (revenue over 4 quarters in KRW or None, minimum standing or "")
REQUIREMENTS = {
    "silver": (Decimal("50000000"), ""),
    "gold": (Decimal("300000000"), "good"),
    "platinum": (Decimal("1000000000"), "excellent"),
}
# tier code → (discount %, MDF, lead priority)
BENEFITS = {
    "registered": (Decimal("0"), False, 0),
    "silver": (Decimal("5"), False, 1),
    "gold": (Decimal("10"), True, 2),
    "platinum": (Decimal("15"), True, 3),
}
PROPOSAL_SAMPLE = 12


def seed(ctx) -> str:
    wipe()
    tiers = {t.code: t for t in Tier.objects.all()}
    requirements = []
    for code, (revenue, standing) in REQUIREMENTS.items():
        if code not in tiers:
            continue
        requirements.append(TierRequirement(tier=tiers[code], kind="revenue", threshold=revenue))
        if standing:
            requirements.append(
                TierRequirement(tier=tiers[code], kind="standing", standing=standing)
            )
    kpi = KPI.objects.filter(direction=Direction.HIGHER).order_by("code").first()
    if kpi is not None and "platinum" in tiers:
        requirements.append(
            TierRequirement(
                tier=tiers["platinum"],
                kind="kpi",
                kpi_code=kpi.code,
                comparison="gte",
                threshold=kpi.target if kpi.target is not None else Decimal("80"),
            )
        )
    TierRequirement.objects.bulk_create(requirements)
    TierBenefit.objects.bulk_create(
        [
            TierBenefit(tier=tiers[code], discount_percent=d, mdf_eligible=m, lead_priority=p)
            for code, (d, m, p) in BENEFITS.items()
            if code in tiers
        ]
    )
    active = list(
        access.unrestricted(Partner)
        .filter(pk__in=[c.partner.pk for c in ctx.companies if getattr(c, "partner", None)])
        .filter(stage=Stage.ACTIVE)
        .values_list("pk", flat=True)
    )
    sample = ctx.rng.sample(active, min(PROPOSAL_SAMPLE, len(active)))
    report = services.tier_review(as_of=ctx.today, partner_ids=sample)
    pending = access.unrestricted(TierProposal).filter(status="pending").count()
    return (
        f"{len(requirements)} tier requirements, {len(BENEFITS)} tier benefits, "
        f"{pending} pending tier proposals ({report.evaluated} partners reviewed)"
    )


def wipe() -> None:
    """Requirements and benefits are program data; deleting the demo partners leaves them."""
    TierRequirement.objects.all().delete()
    TierBenefit.objects.all().delete()
