"""``prm commission-statements --period 2026-10``: generate a period's draft statements.

Run it after each month (or quarter) closes. Drafts already there are rebuilt; approved
and paid statements are never touched (corrections go to the next period as adjustments).
``--enqueue`` hands the work to the task worker (``prm worker``) instead.
"""

from django.core.management.base import BaseCommand, CommandError

from prm.commissions import engine, services
from prm.commissions.tasks import generate_statements


class Command(BaseCommand):
    help = "Generate draft commission statements for a month (YYYY-MM) or quarter (YYYY-Qn)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM or YYYY-Qn, e.g. 2026-10")
        parser.add_argument("--enqueue", action="store_true", help="run it in the task worker")

    def handle(self, *args, period: str, enqueue: bool = False, **options):
        try:
            parsed = engine.parse_period(period)
        except ValueError as exc:
            raise CommandError(f"--period {period!r}: {exc}") from exc
        if enqueue:
            result = generate_statements.enqueue(parsed.label)
            self.stdout.write(f"Enqueued task {result.id}; run `prm worker` to process it.")
            return
        result = services.statements_generate(actor=None, period=parsed)
        self.stdout.write(
            f"Commission statements {parsed.label}: {len(result.created)} created, "
            f"{len(result.updated)} updated, {len(result.frozen)} approved and left unchanged, "
            f"{result.removed} emptied drafts removed."
        )
