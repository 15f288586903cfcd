from django.contrib import admin

from prm.core.admin import ReadOnlyModelAdmin
from prm.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "user", "created_at", "read_at")
    search_fields = ("title", "user__email")
