"""Background work of the co-selling capability."""

from django.tasks import task

from prm.sales import services


@task
def expire_stale_deals() -> list[int]:
    """Approved registrations without progress for the rules' number of days expire."""
    return services.expire_stale_deals()
