"""Background work of the leads capability."""

from django.tasks import task

from prm.leads import services


@task()
def expire_overdue_offers() -> int:
    """Lapse the offers not answered in time and route their leads to the next partner."""
    return services.leads_expire_overdue()
