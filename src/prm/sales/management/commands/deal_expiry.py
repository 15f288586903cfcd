"""``prm deal-expiry``: expire approved deal registrations without progress.

Run it daily (cron or a scheduler). ``--enqueue`` hands the work to the task worker
(``prm worker``) instead of doing it now.
"""

from django.core.management.base import BaseCommand

from prm.audit.context import Channel, acting
from prm.sales import services
from prm.sales.tasks import expire_stale_deals


class Command(BaseCommand):
    help = "Expire approved deal registrations without progress (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="run it in the task worker")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = expire_stale_deals.enqueue()
            self.stdout.write(f"Enqueued task {result.id}; run `prm worker` to process it.")
            return
        with acting(None, Channel.CLI):
            expired = services.expire_stale_deals()
        self.stdout.write(f"Expired {len(expired)} deal registration(s).")
