"""``prm risk-sweep``: run every signal rule over every partner (nightly).

Events raise signals as things happen; the sweep catches what a lost event missed and
resolves the signals whose cause went away. ``--enqueue`` hands the work to the task worker
(``prm worker``); ``--date`` runs it as of another day; ``--rule`` runs only some rules.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from prm.audit.context import Channel, acting
from prm.risks import engine
from prm.risks.rules import available_rules
from prm.risks.tasks import risk_sweep


class Command(BaseCommand):
    help = "Run the risk signal rules over every partner (run nightly)."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="run it in the task worker")
        parser.add_argument("--date", help="as of this day (YYYY-MM-DD); default today")
        parser.add_argument("--rule", action="append", help="only this rule (repeatable)")

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = risk_sweep.enqueue()
            self.stdout.write(f"Enqueued task {result.id}; run `prm worker` to process it.")
            return
        today = None
        if options.get("date"):
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date {options['date']!r}: use YYYY-MM-DD.") from exc
        known = {r.code for r in available_rules()}
        unknown = sorted(set(options.get("rule") or ()) - known)
        if unknown:
            raise CommandError(
                f"Unknown rule(s) {', '.join(unknown)}; available: {', '.join(sorted(known))}."
            )
        with acting(None, Channel.CLI):
            report = engine.sweep(today, rules=options.get("rule"))
        for code, count in report.by_rule.items():
            self.stdout.write(f"  {code}: {count} cause(s) found")
        self.stdout.write(
            f"Risk sweep: {report.raised} risks raised, {report.updated} updated, "
            f"{report.resolved} signals resolved."
        )
