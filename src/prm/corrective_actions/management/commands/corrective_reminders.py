"""``prm corrective-reminders``: remind partners of their overdue corrective action requests.

Run it daily (cron or a scheduler). Each overdue request is reminded at most once a week
(``PRM_CORRECTIVE_REMIND_EVERY_DAYS``). ``--enqueue`` hands the work to the task worker
(``prm worker``); ``--date`` runs it as of another day.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from prm.corrective_actions import services
from prm.corrective_actions.tasks import send_corrective_reminders


class Command(BaseCommand):
    help = "Remind partners (and requesters) of overdue corrective action requests (daily)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="run it in the task worker")
        parser.add_argument("--date", help="as of this day (YYYY-MM-DD); default today")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = send_corrective_reminders.enqueue()
            self.stdout.write(f"Enqueued task {result.id}; run `prm worker` to process it.")
            return
        today = None
        if options.get("date"):
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date {options['date']!r}: use YYYY-MM-DD.") from exc
        count = services.send_reminders(today)
        self.stdout.write(f"Corrective action reminders: {count} overdue request(s) reminded.")
