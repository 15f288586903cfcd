from prm.core import access
from prm.notifications.models import Notification


def unread_notifications(request):
    """The number on the bell in the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = access.scope(user, Notification).filter(read_at__isnull=True).count()
    return {"unread_notifications": count}
