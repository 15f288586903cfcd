"""Background work of reviews: the daily reminders of overdue action items."""

from django.tasks import task

from prm.reviews import reminders


@task
def send_review_reminders() -> dict[str, int]:
    report = reminders.send_reminders()
    return {"items": report.items, "notifications": report.notifications}
