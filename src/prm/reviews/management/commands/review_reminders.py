"""``prm review-reminders``: remind the owners of overdue action items.

Run it daily (cron or a scheduler). ``--enqueue`` hands the work to the task worker
(``prm worker``) instead of doing it now; ``--date`` runs it as of another day.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from prm.reviews import reminders
from prm.reviews.tasks import send_review_reminders


class Command(BaseCommand):
    help = "Remind the owners of overdue review action items (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="run it in the task worker")
        parser.add_argument("--date", help="as of this day (YYYY-MM-DD); default today")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = send_review_reminders.enqueue()
            self.stdout.write(f"Enqueued task {result.id}; run `prm worker` to process it.")
            return
        today = None
        if options.get("date"):
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date {options['date']!r}: use YYYY-MM-DD.") from exc
        report = reminders.send_reminders(today)
        self.stdout.write(
            f"Overdue action items: {report.items} reminded, "
            f"{report.notifications} notifications sent."
        )
