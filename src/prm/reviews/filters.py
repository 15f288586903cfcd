"""One filter definition per model: the list pages, the API and the exports all use these."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.partners.filters import owners, partners
from prm.reviews.models import (
    PERIOD_CHOICES,
    ActionItem,
    BusinessPlan,
    ItemStatus,
    OwnerSide,
    PlanStatus,
    Review,
    ReviewStatus,
)


def _search(queryset, value: str, *fields: str):
    value = value.strip()
    if not value:
        return queryset
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": value})
    return queryset.filter(condition)


class ReviewFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=ReviewStatus.choices)
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    period_kind = django_filters.ChoiceFilter(label=_("Period kind"), choices=PERIOD_CHOICES)
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=owners)
    meeting_from = django_filters.DateFilter(
        label=_("Meeting from"), field_name="meeting_date", lookup_expr="gte"
    )
    meeting_to = django_filters.DateFilter(
        label=_("Meeting until"), field_name="meeting_date", lookup_expr="lte"
    )

    class Meta:
        model = Review
        fields: list[str] = []

    def search(self, queryset, name, value):
        return _search(queryset, value, "title", "partner__name")


class ActionItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=ItemStatus.choices)
    owner_side = django_filters.ChoiceFilter(label=_("Owned by"), choices=OwnerSide.choices)
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    review = django_filters.NumberFilter(label=_("Review"), field_name="review_id", min_value=1)
    owner_user = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=owners)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    due_before = django_filters.DateFilter(
        label=_("Due before"), field_name="due_on", lookup_expr="lt"
    )

    class Meta:
        model = ActionItem
        fields: list[str] = []

    def search(self, queryset, name, value):
        return _search(queryset, value, "title", "description", "partner__name")

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status=ItemStatus.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class BusinessPlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanStatus.choices)
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    period_kind = django_filters.ChoiceFilter(label=_("Period kind"), choices=PERIOD_CHOICES)

    class Meta:
        model = BusinessPlan
        fields: list[str] = []

    def search(self, queryset, name, value):
        return _search(queryset, value, "title", "partner__name")
