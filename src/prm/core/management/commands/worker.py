from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from prm.audit.context import Channel, acting


class Command(DatabaseWorkerCommand):
    help = "Run background tasks from the database queue; their changes are audited as jobs."

    def handle(self, *args, **options):
        with acting(None, Channel.JOB):
            return super().handle(*args, **options)
