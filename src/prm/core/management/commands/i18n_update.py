from django.core.management.base import BaseCommand

from prm.core import i18n


class Command(BaseCommand):
    help = "Refresh the catalogues from the code; prints how many messages still need Korean."

    def handle(self, *args, **options):
        for language, missing in i18n.update().items():
            self.stdout.write(f"{language}: {missing} untranslated")
