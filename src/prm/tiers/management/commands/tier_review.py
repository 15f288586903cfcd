"""``prm tier-review``: propose tier upgrades and downgrades (run it monthly or quarterly).

Nothing changes a partner's tier: each proposal waits for a manager's decision on the
"Tier proposals" page. ``--dry-run`` only lists what would be proposed; ``--enqueue`` hands
the work to the task worker (``prm worker``).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from prm.audit.context import Channel, acting
from prm.tiers import services
from prm.tiers.tasks import run_tier_review


class Command(BaseCommand):
    help = "Propose tier upgrades and downgrades from the tier requirements (never applies them)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, save nothing")
        parser.add_argument("--enqueue", action="store_true", help="run it in the task worker")
        parser.add_argument("--date", help="as of this day (YYYY-MM-DD); default today")

    def handle(self, *args, dry_run=False, enqueue=False, **options):
        if enqueue:
            result = run_tier_review.enqueue(dry_run=dry_run)
            self.stdout.write(f"Enqueued task {result.id}; run `prm worker` to process it.")
            return
        as_of = None
        if options.get("date"):
            try:
                as_of = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date {options['date']!r}: use YYYY-MM-DD.") from exc
        with acting(None, Channel.CLI):
            report = services.tier_review(as_of=as_of, dry_run=dry_run)
        for proposal in report.proposals:
            self.stdout.write(
                f"{proposal.partner_id}\t{proposal.direction}\t"
                f"{getattr(proposal.current_tier, 'code', '-')} -> "
                f"{getattr(proposal.proposed_tier, 'code', '-')}"
            )
        prefix = "Dry run: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{report.evaluated} partners checked; {report.upgrades} upgrades, "
            f"{report.downgrades} downgrades, {report.reviews} reviews proposed "
            f"({report.created} new, {report.refreshed} refreshed)."
        )
