"""Background work of scorecards: recompute after new observations; full recompute."""

from __future__ import annotations

import datetime

from django.tasks import task

from prm.audit.context import Channel, acting
from prm.metrics.periods import Period
from prm.scorecards import compute


@task
def recompute_partners(partner_ids: list[int], period_kind: str, period_start: str) -> dict:
    """Recompute the scorecards the changed observations feed, for those partners only."""
    start = datetime.date.fromisoformat(period_start)
    done = {"results": 0}
    with acting(None, Channel.JOB):
        for template, period in compute.affected(period_kind, start):
            report = compute.recompute(
                template=template, period=period, partner_ids=[int(p) for p in partner_ids]
            )
            done["results"] += report.created + report.updated
    return done


@task
def recompute_all(period: str | None = None) -> dict:
    with acting(None, Channel.JOB):
        reports = compute.recompute_all(period=Period.parse(period) if period else None)
    return {"results": sum(r.created + r.updated for r in reports)}
