"""One filter definition per model: the list pages, the heat map, the API and the exports all
use these."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.partners.filters import owners, partners
from prm.partners.models import Tier, TypeCode
from prm.risks.models import (
    ActionStatus,
    Level,
    MitigationAction,
    Risk,
    RiskCategory,
    RiskSignal,
    SignalStatus,
    Status,
    Strategy,
)

ORIGINS = [("signal", _("Raised by a signal")), ("manual", _("Raised by a person"))]


class RiskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Category"),
        field_name="category__code",
        queryset=RiskCategory.objects.all(),
        to_field_name="code",
    )
    level = django_filters.MultipleChoiceFilter(label=_("Level"), choices=Level.choices)
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    partner_type = django_filters.MultipleChoiceFilter(
        label=_("Partner type"),
        choices=TypeCode.choices,
        field_name="partner__types__code",
        distinct=True,
    )
    tier = django_filters.ModelMultipleChoiceFilter(
        label=_("Tier"),
        field_name="partner__tier__code",
        queryset=Tier.objects.all(),
        to_field_name="code",
    )
    region = django_filters.CharFilter(
        label=_("Region"), field_name="partner__region", lookup_expr="icontains"
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=owners)
    strategy = django_filters.MultipleChoiceFilter(label=_("Strategy"), choices=Strategy.choices)
    origin = django_filters.ChoiceFilter(
        label=_("Raised by"), choices=ORIGINS, method="filter_origin"
    )
    program_wide = django_filters.BooleanFilter(
        label=_("Program-wide"), field_name="partner", lookup_expr="isnull"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(
            ("level_rank", "level"),
            ("inherent_score", "inherent"),
            ("residual_score", "residual"),
            ("raised_at", "raised"),
            ("title", "title"),
            ("partner__name", "partner"),
        ),
        field_labels={
            "level_rank": _("Level"),
            "inherent_score": _("Inherent score"),
            "residual_score": _("Residual score"),
            "raised_at": _("Raised"),
            "title": _("Title"),
            "partner__name": _("Partner"),
        },
    )

    class Meta:
        model = Risk
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(cause__icontains=value)
            | Q(partner__name__icontains=value)
        )

    def filter_origin(self, queryset, name, value):
        if value == "signal":
            return queryset.exclude(signal_key="")
        if value == "manual":
            return queryset.filter(signal_key="")
        return queryset


class ActionFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=ActionStatus.choices)
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=owners)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    risk = django_filters.NumberFilter(label=_("Risk"), field_name="risk_id")

    class Meta:
        model = MitigationAction
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        from prm.risks.models import FINISHED_ACTIONS

        overdue = Q(due_on__lt=timezone.localdate()) & ~Q(status__in=FINISHED_ACTIONS)
        if value is True:
            return queryset.filter(overdue)
        if value is False:
            return queryset.exclude(overdue)
        return queryset


class SignalFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=SignalStatus.choices)
    rule = django_filters.CharFilter(label=_("Rule"))
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)

    class Meta:
        model = RiskSignal
        fields: list[str] = []
