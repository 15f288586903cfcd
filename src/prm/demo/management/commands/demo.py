from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from prm.core import access
from prm.demo import seed
from prm.demo.output import write_logins
from prm.partners.models import Partner


class Command(BaseCommand):
    help = (
        "Run the demo: migrate the database, load the demo data when the registry is empty, "
        "print the log-ins and serve on http://127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="where to serve (127.0.0.1:8000)"
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="prepare the database and print the log-ins without starting the server",
        )

    def handle(self, *args, **options):
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if access.unrestricted(Partner).exists():
            self.stdout.write("The registry already holds partners: no demo data loaded.")
        else:
            self.stdout.write("Loading the demo data…")
            try:
                report = seed.seed_demo(log=lambda message: self.stdout.write(f"  {message}"))
            except seed.DemoError as exc:
                raise CommandError(str(exc)) from exc
            for note in report.notes:
                self.stderr.write(self.style.WARNING(note))
            self.stdout.write(
                self.style.SUCCESS(f"Loaded {report.partners} partners in {report.seconds:.1f} s.")
            )
        write_logins(self.stdout, seed.demo_logins())
        if options["no_serve"]:
            return
        address = options["addrport"]
        self.stdout.write(f"Open http://{address}/ and log in; Ctrl+C stops the demo.")
        # One process: the auto-reloader would run this command (and its output) twice.
        call_command("runserver", address, use_reloader=False)
