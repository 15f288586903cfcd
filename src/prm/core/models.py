"""Base models and querysets shared by every capability."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from prm.core.errors import UnscopedQueryError
from prm.core.signals import bulk_created, bulk_updated


class AccessQuerySet(models.QuerySet):
    """A queryset that refuses to read or write rows until the access layer scoped it.

    ``prm.core.access.scope(user, Model)`` (or ``access.unrestricted(Model)`` for the system
    itself) marks it checked. Querysets reached from an object already in hand
    (``partner.contacts.all()``, prefetching) count as checked: the parent was.
    Bulk writes announce themselves (``prm.core.signals``) so the audit log records them;
    deletes go through Django's collector, which sends ``post_delete`` for every row.
    """

    _access_checked = False

    def _clone(self):
        clone = super()._clone()
        clone._access_checked = self._access_checked
        return clone

    def _require_checked(self) -> None:
        if not self._access_checked and "instance" not in self._hints:
            raise UnscopedQueryError(
                f"{self.model.__name__} rows were used without the access layer; "
                "use prm.core.access.scope(user, ...) or access.unrestricted(...)"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._require_checked()
        super()._fetch_all()

    def iterator(self, chunk_size=None):
        self._require_checked()
        return super().iterator(chunk_size=chunk_size)

    def delete(self):
        self._require_checked()
        return super().delete()

    delete.alters_data = True

    def update(self, **kwargs):
        self._require_checked()
        names = [self.model._meta.get_field(name).attname for name in kwargs]
        with transaction.atomic(using=self.db):
            before = {row.pop("pk"): row for row in self.values("pk", *names)}
            count = super().update(**kwargs)
            after = self.model._base_manager.using(self.db).filter(pk__in=list(before))
            changes = []
            for row in after.values("pk", *names):
                pk = row.pop("pk")
                changes.append((pk, before[pk], row))
            bulk_updated.send(sender=self.model, changes=changes, using=self.db)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        bulk_created.send(sender=self.model, objects=created, using=self.db)
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        # Django updates each batch through ``update()`` above, which records every
        # changed row once.
        self._require_checked()
        return super().bulk_update(objs, fields, *args, **kwargs)

    bulk_update.alters_data = True


class AccessManager(models.Manager.from_queryset(AccessQuerySet)):
    pass


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class BusinessModel(TimeStampedModel):
    """A business object: access-controlled, audited, timestamped.

    Concrete models set ``access_policy`` (see ``prm.core.access``). Saves, deletes and bulk
    writes are recorded in the audit log.
    """

    audited = True

    objects = AccessManager()

    class Meta:
        abstract = True
