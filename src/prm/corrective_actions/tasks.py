"""Background work of corrective action requests: the daily reminders of overdue ones."""

from django.tasks import task

from prm.corrective_actions import services


@task
def send_corrective_reminders() -> dict[str, int]:
    return {"reminded": services.send_reminders()}
