from django.core.management.base import BaseCommand

from prm.onboarding import services, tasks


class Command(BaseCommand):
    help = "Remind partners and partner managers of overdue onboarding steps (once per step)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work for `prm worker` instead of doing it now.",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = tasks.send_overdue_reminders.enqueue()
            self.stdout.write(f"Queued ({result.id}).")
            return
        sent = services.send_overdue_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
