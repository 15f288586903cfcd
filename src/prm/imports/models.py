import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.core.access import OwnerPolicy
from prm.core.models import AccessManager


def import_path(instance: "ImportRun", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"imports/{uuid.uuid4().hex}{suffix}"


class ImportRun(models.Model):
    """An uploaded file between its preview and its application, and the report of each.

    Only the user who uploaded it (and admins) can see or apply it.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Ready to apply")
        REJECTED = "rejected", _("Has errors")
        APPLIED = "applied", pgettext_lazy("import run", "Applied")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="import_runs",
    )
    entity = models.CharField(_("what"), max_length=50)
    file = models.FileField(_("file"), upload_to=import_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    allow_duplicates = models.BooleanField(_("allow duplicates"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED
    )
    report = models.JSONField(_("report"), default=dict)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    access_policy = OwnerPolicy(user_path="user")
    objects = AccessManager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def entity_label(self) -> str:
        from prm.imports import registry

        entity = registry.get(self.entity)
        return str(entity.label) if entity else self.entity
