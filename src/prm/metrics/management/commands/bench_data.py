"""``prm bench-data performance``: write the performance benchmark data (partners x metrics
x months of monthly observations) and time ``values_for`` on it.

Run it against a throwaway database: it adds thousands of partners. Example (4.8 million
rows on PostgreSQL): ``prm bench-data performance --partners 10000 --metrics 20 --months 24``.
"""

from django.core.management.base import BaseCommand, CommandError

from prm.metrics import bench


class Command(BaseCommand):
    help = "Generate the performance benchmark data and time values_for on it."

    def add_arguments(self, parser):
        parser.add_argument("scenario", choices=["performance"])
        parser.add_argument("--partners", type=int, default=10_000)
        parser.add_argument("--metrics", type=int, default=20)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--runs", type=int, default=10, help="values_for timing runs")
        parser.add_argument("--no-measure", action="store_true", help="only write the data")

    def handle(self, *args, **options):
        if options["partners"] < 1 or not 1 <= options["metrics"] <= 99:
            raise CommandError("--partners must be at least 1 and --metrics 1 to 99.")
        if options["months"] < 1:
            raise CommandError("--months must be at least 1.")
        bench.generate(
            options["partners"], options["metrics"], options["months"], stdout=self.stdout
        )
        if not options["no_measure"]:
            bench.measure_values_for(
                metrics=options["metrics"], runs=options["runs"], stdout=self.stdout
            )
