"""Background work of commissions: generating a period's draft statements."""

from django.tasks import task

from prm.commissions import engine, services


@task
def generate_statements(period: str) -> dict[str, int]:
    """Draft statements of ``period`` (``2026-10`` or ``2026-Q4``) for every partner."""
    result = services.statements_generate(actor=None, period=engine.parse_period(period))
    return {
        "created": len(result.created),
        "updated": len(result.updated),
        "frozen": len(result.frozen),
        "removed": result.removed,
    }
