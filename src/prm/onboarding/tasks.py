"""Background work of onboarding: reminders for overdue steps."""

from django.tasks import task

from prm.onboarding import services


@task()
def send_overdue_reminders() -> int:
    return services.send_overdue_reminders()
