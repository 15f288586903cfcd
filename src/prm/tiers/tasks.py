"""Background work of the tier program: the periodic tier review."""

from django.tasks import task

from prm.audit.context import Channel, acting
from prm.tiers import services


@task
def run_tier_review(dry_run: bool = False) -> dict[str, int]:
    with acting(None, Channel.JOB):
        report = services.tier_review(dry_run=dry_run)
    return {
        "evaluated": report.evaluated,
        "upgrades": report.upgrades,
        "downgrades": report.downgrades,
        "created": report.created,
        "refreshed": report.refreshed,
    }
