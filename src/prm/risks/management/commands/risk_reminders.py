"""``prm risk-reminders``: remind the owners of overdue mitigation actions (run daily).

Each overdue action reminds its owner at most once a day. ``--enqueue`` hands the work to
the task worker (``prm worker``); ``--date`` runs it as of another day.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from prm.audit.context import Channel, acting
from prm.risks import services
from prm.risks.tasks import risk_reminders


class Command(BaseCommand):
    help = "Remind the owners of overdue risk mitigation actions (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="run it in the task worker")
        parser.add_argument("--date", help="as of this day (YYYY-MM-DD); default today")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = risk_reminders.enqueue()
            self.stdout.write(f"Enqueued task {result.id}; run `prm worker` to process it.")
            return
        today = None
        if options.get("date"):
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date {options['date']!r}: use YYYY-MM-DD.") from exc
        with acting(None, Channel.CLI):
            sent = services.action_reminders(today)
        self.stdout.write(f"Risk reminders: {sent} overdue mitigation action(s) reminded.")
