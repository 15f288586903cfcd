"""Background work of metrics: materialising the derived metrics."""

from django.tasks import task

from prm.audit.context import Channel, acting
from prm.metrics import services
from prm.metrics.periods import Period


@task
def derive_metrics(period_labels: list[str] | None = None) -> dict[str, int]:
    """Recompute derived observations for the given periods (default: the current and
    previous month, quarter and year)."""
    periods = (
        [Period.parse(label) for label in period_labels]
        if period_labels
        else services.default_periods()
    )
    totals = {"created": 0, "updated": 0, "deleted": 0}
    for period in periods:
        for key, count in services.derived_materialise(period=period).items():
            totals[key] += count
    return totals


@task
def derive_for_partners(plan: list[list]) -> dict[str, int]:
    """Re-derive what changed records touched (``prm.metrics.live``): ``plan`` lists
    ``[derivation, period label, partner ids]``; each runs for those partners only."""
    totals = {"created": 0, "updated": 0, "deleted": 0}
    with acting(None, Channel.JOB):
        for name, label, partner_ids in plan:
            counts = services.derived_materialise(
                period=Period.parse(label), names=[name], partner_ids=partner_ids
            )
            for key, count in counts.items():
                totals[key] += count
    return totals
