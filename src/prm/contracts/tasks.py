"""Background work of contracts: the daily deadline alerts and compliance reminders."""

from django.tasks import task

from prm.contracts import alerts


@task
def send_contract_alerts() -> dict[str, int]:
    report = alerts.run_all()
    return {
        "notices": report.notices,
        "ends": report.ends,
        "expired": report.expired,
        "compliance_reminders": report.compliance_reminders,
        "compliance_expired": report.compliance_expired,
    }
