from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from prm.demo import seed
from prm.demo.output import write_logins


class Command(BaseCommand):
    help = (
        "Load the demo program: about 200 partners of every type and stage with contacts, "
        "documents, interactions and a log-in for every role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--partners",
            type=int,
            default=seed.DEFAULT_PARTNERS,
            help=f"how many partners ({seed.MIN_PARTNERS} to {seed.MAX_PARTNERS}, "
            f"default {seed.DEFAULT_PARTNERS})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=seed.DEFAULT_SEED,
            help="random seed: the same seed builds the same program",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="remove the demo data already loaded (and only that) before loading it again",
        )

    def handle(self, *args, **options):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not up to date: run prm migrate first.")
        try:
            report = seed.seed_demo(
                partners=options["partners"],
                seed=options["seed"],
                reset=options["reset"],
                log=lambda message: self.stdout.write(f"  {message}"),
            )
        except seed.DemoError as exc:
            raise CommandError(str(exc)) from exc
        for note in report.notes:
            self.stderr.write(self.style.WARNING(note))
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {report.partners} partners ({report.real_companies} from the sample "
                f"data sets), {report.contacts} contacts, {report.documents} documents and "
                f"{report.interactions} interactions in {report.seconds:.1f} s."
            )
        )
        write_logins(self.stdout, report.logins)
