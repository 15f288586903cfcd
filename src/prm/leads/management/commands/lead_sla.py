from django.core.management.base import BaseCommand

from prm.audit.context import Channel, acting
from prm.leads import services, tasks


class Command(BaseCommand):
    help = (
        "Lapse lead offers whose answer time has passed and route those leads to the next "
        "partner. Run it every few minutes (cron), or with --enqueue for the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the work for `prm worker` instead of doing it now",
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = tasks.expire_overdue_offers.enqueue()
            self.stdout.write(f"Queued task {result.id}.")
            return
        with acting(None, Channel.CLI):
            count = services.leads_expire_overdue()
        self.stdout.write(self.style.SUCCESS(f"{count} lead offer(s) lapsed and re-routed."))
