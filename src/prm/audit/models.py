from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.audit.context import Channel
from prm.core.access import StaffReadPolicy
from prm.core.models import AccessManager


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    MERGE = "merge", _("Merged")
    IMPERSONATE = "impersonate", _("Viewed as partner")
    LOGIN = "login", _("Logged in")


class AuditEntry(models.Model):
    """One change to one object: who, when, through which channel, and each field's
    value before and after. Rows are only ever added."""

    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    impersonator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewed as by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255)
    # Not a foreign key: history outlives the partner it is about.
    partner_id = models.BigIntegerField(_("partner"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)
    note = models.TextField(_("note"), blank=True)

    access_policy = StaffReadPolicy()
    objects = AccessManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-timestamp"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"
