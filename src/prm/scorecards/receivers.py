"""Subscribers: new observations recompute the scorecards they feed, in the background."""

from __future__ import annotations

import logging

from prm.core.events import subscribe

logger = logging.getLogger(__name__)


@subscribe("metrics.observations_changed")
def observations_changed(*, partner_ids, period_kind, period_start) -> None:
    from prm.scorecards.tasks import recompute_partners

    ids = sorted({int(p) for p in partner_ids or ()})
    if not ids:
        return
    recompute_partners.enqueue(ids, str(period_kind), str(period_start))
