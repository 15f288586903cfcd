"""The audit log's one filter definition: the log page (and any later export) use it."""

import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from prm.audit.context import Channel
from prm.audit.models import AuditAction, AuditEntry


def audited_types(request=None):
    """The content types of every audited model."""
    models = [m for m in apps.get_models() if getattr(m, "audited", False)]
    ids = [ContentType.objects.get_for_model(m, for_concrete_model=False).pk for m in models]
    return ContentType.objects.filter(pk__in=ids)


class ObjectTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ContentType) -> str:
        model = obj.model_class()
        return capfirst(model._meta.verbose_name) if model else obj.model


class ObjectTypeFilter(django_filters.ModelChoiceFilter):
    field_class = ObjectTypeField


class AuditFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Object"), field_name="object_repr", lookup_expr="icontains"
    )
    object_type = ObjectTypeFilter(
        label=_("Object type"),
        field_name="content_type",
        queryset=audited_types,
        empty_label=_("Any"),
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AuditAction.choices, empty_label=_("Any")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, empty_label=_("Any")
    )
    actor = django_filters.CharFilter(
        label=_("Actor e-mail"), field_name="actor_label", lookup_expr="icontains"
    )
    partner = django_filters.NumberFilter(label=_("Partner id"), field_name="partner_id")
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="timestamp",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=_("To"),
        field_name="timestamp",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []
