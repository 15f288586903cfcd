from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.core.access import OwnerPolicy
from prm.core.models import AccessManager


class Notification(models.Model):
    """An in-app message to one user; also sent by e-mail when asked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    access_policy = OwnerPolicy(user_path="user", admin_sees_all=False)
    objects = AccessManager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
