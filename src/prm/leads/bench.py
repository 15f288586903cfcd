"""Lead routing throughput (``prm bench leads``): assignments per second.

Adds a routing rule and unassigned leads to a throwaway database, then routes each lead
through :func:`prm.leads.routing.route` (the rule order, the eligible partners, the weighted
draw, the explanation and the stored assignment), one transaction per lead.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from django.db import transaction

from prm.core import access
from prm.leads import routing
from prm.leads.models import Lead, LeadRoutingRule, LeadStatus
from prm.partners.lifecycle import Stage
from prm.partners.models import Partner

RULE_NAME = "Bench: Seoul and Gyeonggi"


@dataclass
class Result:
    leads: int
    eligible: int
    seconds: float
    assigned: int

    @property
    def per_second(self) -> float:
        return self.assigned / self.seconds if self.seconds else 0.0


def run(count: int, *, seed: int = 3) -> Result:
    rng = random.Random(seed)
    if access.unrestricted(Partner).filter(stage=Stage.ACTIVE, country="KR").count() < 3:
        from prm.partners import bench as partner_bench

        partner_bench.build(200, 0, seed=seed)
    LeadRoutingRule.objects.get_or_create(
        name=RULE_NAME,
        defaults={"order": 1, "countries": ["KR"], "regions": ["서울", "경기"], "sla_hours": 48},
    )
    leads = Lead._base_manager.bulk_create(
        [
            Lead(
                company_name=f"Bench lead {i}",
                country="KR",
                region=rng.choice(["서울", "경기"]),
                status=LeadStatus.NEW,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    eligible = len(routing.plan(leads[0]).candidates)
    assigned = 0
    started = time.perf_counter()
    for lead in leads:
        with transaction.atomic():
            assigned += routing.route(lead, seed=rng.getrandbits(routing.SEED_BITS)) is not None
    return Result(count, eligible, time.perf_counter() - started, assigned)
