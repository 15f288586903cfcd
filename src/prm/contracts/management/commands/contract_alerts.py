"""``prm contract-alerts``: send the due contract alerts and compliance reminders.

Run it daily (cron or a scheduler). ``--enqueue`` hands the work to the task worker
(``prm worker``) instead of doing it now; ``--date`` runs it as of another day (checks).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from prm.contracts import alerts
from prm.contracts.tasks import send_contract_alerts


class Command(BaseCommand):
    help = "Send contract deadline alerts and compliance document reminders (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="run it in the task worker")
        parser.add_argument("--date", help="as of this day (YYYY-MM-DD); default today")

    def handle(self, *args, enqueue=False, **options):
        date = options.get("date")
        if enqueue:
            result = send_contract_alerts.enqueue()
            self.stdout.write(f"Enqueued task {result.id}; run `prm worker` to process it.")
            return
        today = None
        if date:
            try:
                today = _parse(date)
            except ValueError as exc:
                raise CommandError(f"--date {date!r}: use YYYY-MM-DD.") from exc
        report = alerts.run_all(today)
        self.stdout.write(
            f"Contract alerts: {report.notices} notice deadline, {report.ends} end, "
            f"{report.expired} expired. Compliance: {report.compliance_reminders} reminders, "
            f"{report.compliance_expired} expired."
        )


def _parse(value: str) -> date:
    return date.fromisoformat(value)
