"""Background work of metrics: materialising the derived metrics."""

from django.tasks import task

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
