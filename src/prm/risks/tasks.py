"""Background work of risk management: the nightly signal sweep and the reminders of overdue
mitigation actions."""

from django.tasks import task

from prm.risks import engine, services


@task
def risk_sweep() -> dict[str, int]:
    report = engine.sweep()
    return {"raised": report.raised, "updated": report.updated, "resolved": report.resolved}


@task
def risk_reminders() -> dict[str, int]:
    return {"reminded": services.action_reminders()}
