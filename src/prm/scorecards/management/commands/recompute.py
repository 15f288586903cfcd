"""``prm recompute``: compute the scorecards of every applicable partner.

``--period 2026-Q3`` (or ``2026-11``, ``2026``; default: each template's current period),
``--template ID`` (default: every active template), ``--enqueue`` to hand it to the task
worker (``prm worker``). New observations recompute their scorecards by themselves; run
this after changing a template or targets, or on a schedule.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from prm.audit.context import Channel, acting
from prm.metrics.periods import Period
from prm.scorecards import compute
from prm.scorecards.models import ScorecardTemplate
from prm.scorecards.tasks import recompute_all


class Command(BaseCommand):
    help = "Recompute scorecards (all active templates, or one) for a period."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="2026-Q3, 2026-11 or 2026; default: current")
        parser.add_argument("--template", type=int, help="template id; default: every active one")
        parser.add_argument("--enqueue", action="store_true", help="run it in the task worker")

    def handle(self, *args, period=None, template=None, enqueue=False, **options):
        parsed = None
        if period:
            try:
                parsed = Period.parse(period)
            except ValueError as exc:
                raise CommandError(
                    f"--period {period!r}: use a label such as 2026-Q3, 2026-11 or 2026."
                ) from exc
        templates = None
        if template is not None:
            found = ScorecardTemplate.objects.filter(pk=template).first()
            if found is None:
                ids = ", ".join(
                    f"{t.pk} ({t.name_en})" for t in ScorecardTemplate.objects.order_by("pk")
                )
                raise CommandError(f"No template {template}; templates: {ids or 'none'}.")
            templates = [found]
        if enqueue:
            if templates is not None:
                raise CommandError("--enqueue recomputes every active template; drop --template.")
            result = recompute_all.enqueue(parsed.label if parsed else None)
            self.stdout.write(f"Enqueued task {result.id}; run `prm worker` to process it.")
            return
        # tqdm draws only on a terminal (disable=None), so logs and pipes stay clean.
        with (
            tqdm(desc="partners", unit=" partners", disable=None, file=sys.stderr) as bar,
            acting(None, Channel.CLI),
        ):
            reports = compute.recompute_all(period=parsed, templates=templates, progress=bar.update)
        for report in reports:
            self.stdout.write(
                f"Template {report.template} {report.period}: {report.partners} partners, "
                f"{report.created} new, {report.updated} changed, {report.unchanged} unchanged, "
                f"{report.no_score} without score, {report.standing_changes} standing changes."
            )
        if not reports:
            self.stdout.write("No active scorecard template; define one first.")
