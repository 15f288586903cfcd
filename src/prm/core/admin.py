"""The Django admin on top of the access layer.

Every model admin of the project derives from :class:`ScopedModelAdmin` (inlines from
:class:`ScopedTabularInline`): its rows and the choices of its related fields come through
``prm.core.access``, like every other screen. Admins see everything anyway; going through the
layer keeps the guarded managers of business models satisfied and keeps one rule for all.
Changes made here are audited like any other web request (channel "ui").
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from prm.core import access

admin.site.site_header = _("PRM administration")
admin.site.site_title = _("PRM administration")
admin.site.index_title = _("Data and settings")


def has_policy(model: type[models.Model]) -> bool:
    return getattr(model, "access_policy", None) is not None


class ScopedAdminMixin:
    """Rows and related choices scoped to the signed-in user by the access layer."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if has_policy(queryset.model):
            queryset = access.scope(request.user, queryset)
        return queryset

    def scoped_choices(
        self, db_field: models.Field, request: HttpRequest, queryset: QuerySet | None
    ) -> QuerySet | None:
        """The choices of a relation: the given queryset, or the related model's rows in the
        related admin's order, scoped when the related model is access-controlled."""
        related = db_field.remote_field.model
        if not has_policy(related):
            return queryset
        if queryset is None:
            queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = related._default_manager.all()
        return access.scope(request.user, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = self.scoped_choices(db_field, request, kwargs.get("queryset"))
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = self.scoped_choices(db_field, request, kwargs.get("queryset"))
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_per_page = 50


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    extra = 0


class ReadOnlyModelAdmin(ScopedModelAdmin):
    """Records nobody edits by hand (the audit log, fixed lists): view only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
