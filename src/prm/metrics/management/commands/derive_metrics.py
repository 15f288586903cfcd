"""``prm derive-metrics``: store the values of the derived metrics as observations.

Without ``--period`` it refreshes the current and previous month, quarter and year. Run it
daily (or after large imports). ``--from``/``--to`` with ``--kind`` refresh a range (the
first load of history); ``--enqueue`` hands the work to the task worker (``prm worker``).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from prm.metrics import derivations, services
from prm.metrics.periods import Period, PeriodKind
from prm.metrics.tasks import derive_metrics


class Command(BaseCommand):
    help = "Compute the derived metrics (deliveries, deals, leads, revenue) into observations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", action="append", default=[], help="e.g. 2026-Q3, 2026-11 (repeatable)"
        )
        parser.add_argument("--from", dest="start", help="first day of a range (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", help="last day of the range; default today")
        parser.add_argument(
            "--kind",
            action="append",
            choices=[k.value for k in PeriodKind],
            help="period kinds of the range (repeatable; default month, quarter and year)",
        )
        parser.add_argument(
            "--only", action="append", choices=sorted(derivations.registry()), help="derivation"
        )
        parser.add_argument("--enqueue", action="store_true", help="run it in the task worker")

    def handle(self, *args, **options):
        try:
            periods = [Period.parse(label) for label in options["period"]]
        except ValueError as exc:
            raise CommandError(f"{exc}. Example: --period 2026-Q3") from exc
        if options["start"]:
            try:
                start = date.fromisoformat(options["start"])
                end = date.fromisoformat(options["end"]) if options["end"] else timezone.localdate()
            except ValueError as exc:
                raise CommandError("--from/--to: use YYYY-MM-DD.") from exc
            kinds = options["kind"] or [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR]
            for kind in kinds:
                periods += services.periods_between(kind, start, end)
        if options["enqueue"]:
            result = derive_metrics.enqueue([p.label for p in periods] or None)
            self.stdout.write(f"Enqueued task {result.id}; run `prm worker` to process it.")
            return
        periods = periods or services.default_periods()
        totals = {"created": 0, "updated": 0, "deleted": 0}
        for number, period in enumerate(periods, 1):
            counts = services.derived_materialise(period=period, names=options["only"])
            for key, count in counts.items():
                totals[key] += count
            if options["verbosity"] > 1 or len(periods) > 3:
                self.stdout.write(f"[{number}/{len(periods)}] {period.label}: {counts}")
        self.stdout.write(
            f"Derived metrics for {len(periods)} period(s): {totals['created']} created, "
            f"{totals['updated']} updated, {totals['deleted']} removed."
        )
