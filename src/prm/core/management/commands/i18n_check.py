from django.core.management.base import BaseCommand, CommandError

from prm.core import i18n


class Command(BaseCommand):
    help = "Fail unless the Korean and English catalogues are complete and compiled."

    def handle(self, *args, **options):
        report = i18n.check()
        if report.problems:
            for problem in report.problems[:200]:
                self.stderr.write(problem)
            raise CommandError(f"{len(report.problems)} catalogue problem(s)")
        self.stdout.write("Catalogues complete and compiled: " + ", ".join(i18n.LANGUAGES))
