"""One filter definition per model: the list pages, the API and the exports all use these."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.metrics.periods import Period
from prm.partners.filters import partners
from prm.scorecards.models import (
    KPI,
    Dispute,
    DisputeStatus,
    ScorecardResult,
    ScorecardTemplate,
    Standing,
)


class PeriodField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return Period.parse(value)
        except ValueError:
            raise forms.ValidationError(
                _("Give a period such as 2026-Q3, 2026-11 or 2026."), code="period"
            ) from None


class PeriodFilter(django_filters.Filter):
    field_class = PeriodField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(period_kind=value.kind, period_start=value.start)


class KPIFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = KPI
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name_ko__icontains=value)
            | Q(name_en__icontains=value)
            | Q(formula__icontains=value)
        )


class ScorecardResultFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), field_name="partner__name", lookup_expr="icontains"
    )
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    template = django_filters.ModelChoiceFilter(
        label=_("Scorecard template"), queryset=ScorecardTemplate.objects.all()
    )
    period = PeriodFilter(label=_("Period"))
    standing = django_filters.MultipleChoiceFilter(label=_("Standing"), choices=Standing.choices)
    no_score = django_filters.BooleanFilter(
        label=_("No score"), field_name="score", lookup_expr="isnull"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(
            ("period_start", "period"),
            ("score", "score"),
            ("partner__name", "partner"),
        ),
        field_labels={
            "period_start": _("Period"),
            "score": _("Score"),
            "partner__name": _("Partner"),
        },
    )

    class Meta:
        model = ScorecardResult
        fields: list[str] = []


class DisputeFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=DisputeStatus.choices)
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"), queryset=partners, field_name="result__partner"
    )

    class Meta:
        model = Dispute
        fields: list[str] = []
