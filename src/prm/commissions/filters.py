"""One filter definition per model: the list pages, the API and the exports use these."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.commissions import engine
from prm.commissions.models import (
    CommissionRule,
    CommissionStatement,
    PeriodKind,
    RuleKind,
    StatementStatus,
)
from prm.core import access
from prm.partners.models import Partner, TypeCode


def partners(request):
    return access.scope(getattr(request, "user", None), Partner).only("id", "name")


class StatementFilter(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=StatementStatus.choices)
    period_kind = django_filters.ChoiceFilter(label=_("Period"), choices=PeriodKind.choices)
    period = django_filters.CharFilter(
        label=_("Period (YYYY-MM or YYYY-Qn)"), method="filter_period"
    )
    currency = django_filters.ChoiceFilter(label=_("Currency"), choices=engine.CURRENCY_CHOICES)

    class Meta:
        model = CommissionStatement
        fields: list[str] = []

    def filter_period(self, queryset, name, value):
        try:
            period = engine.parse_period(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(period_kind=period.kind, period_start=period.start)


class RuleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RuleKind.choices)
    partner_type = django_filters.ChoiceFilter(label=_("Partner type"), choices=TypeCode.choices)
    currency = django_filters.ChoiceFilter(label=_("Currency"), choices=engine.CURRENCY_CHOICES)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = CommissionRule
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(notes__icontains=value))
