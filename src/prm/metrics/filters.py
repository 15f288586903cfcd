"""One filter definition per model: the list pages, the API and the exports all use these."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.core import access
from prm.metrics.models import (
    DeliveryLine,
    Direction,
    Metric,
    Observation,
    ResellerSale,
    Rollup,
    Source,
)
from prm.metrics.periods import PeriodKind
from prm.partners.filters import partners
from prm.partners.models import Partner


def _user(request):
    return getattr(request, "user", None)


def metrics(request):
    return access.scope(_user(request), Metric).only("id", "code", "name_ko", "name_en")


def suppliers(request):
    return (
        access.scope(_user(request), Partner)
        .filter(types__code="supplier")
        .only("id", "name")
        .distinct()
    )


def resellers(request):
    return (
        access.scope(_user(request), Partner)
        .filter(types__code__in=("reseller", "distributor"))
        .only("id", "name")
        .distinct()
    )


class MetricFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    source = django_filters.MultipleChoiceFilter(label=_("Source"), choices=Source.choices)
    rollup = django_filters.MultipleChoiceFilter(label=_("Roll-up"), choices=Rollup.choices)
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=Direction.choices)
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Metric
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(name_ko__icontains=value) | Q(name_en__icontains=value)
        )


class ObservationFilter(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    metric = django_filters.ModelChoiceFilter(
        label=_("Metric"), queryset=metrics, to_field_name="code"
    )
    period_kind = django_filters.ChoiceFilter(label=_("Period"), choices=PeriodKind.choices)
    source = django_filters.MultipleChoiceFilter(label=_("Source"), choices=Source.choices)
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(
            ("period_start", "period"),
            ("value", "value"),
            ("partner__name", "partner"),
            ("metric__code", "metric"),
        ),
        field_labels={
            "period_start": _("Period"),
            "value": _("Value"),
            "partner__name": _("Partner"),
            "metric__code": _("Metric"),
        },
    )

    class Meta:
        model = Observation
        fields: list[str] = []


# "from" and "to" are Python keywords: added to the class after it is built.
ObservationFilter.base_filters["from"] = django_filters.DateFilter(
    label=_("Period from"), field_name="period_start", lookup_expr="gte"
)
ObservationFilter.base_filters["to"] = django_filters.DateFilter(
    label=_("Period until"), field_name="period_start", lookup_expr="lte"
)


class DeliveryLineFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    supplier = django_filters.ModelChoiceFilter(label=_("Supplier"), queryset=suppliers)
    ordered_from = django_filters.DateFilter(
        label=_("Ordered from"), field_name="order_date", lookup_expr="gte"
    )
    ordered_to = django_filters.DateFilter(
        label=_("Ordered until"), field_name="order_date", lookup_expr="lte"
    )
    open = django_filters.BooleanFilter(
        label=_("Open (not received)"), field_name="received_date", lookup_expr="isnull"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(
            ("order_date", "ordered"),
            ("promised_date", "promised"),
            ("received_date", "received"),
            ("amount_krw", "amount"),
        ),
        field_labels={
            "order_date": _("Order date"),
            "promised_date": _("Promised date"),
            "received_date": _("Received date"),
            "amount_krw": _("Amount (KRW)"),
        },
    )

    class Meta:
        model = DeliveryLine
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(po_number__icontains=value)
            | Q(item__icontains=value)
            | Q(supplier__name__icontains=value)
        )


class ResellerSaleFilter(django_filters.FilterSet):
    reseller = django_filters.ModelChoiceFilter(label=_("Reseller"), queryset=resellers)
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte")
    territory = django_filters.CharFilter(
        label=_("Territory"), field_name="territory", lookup_expr="iexact"
    )

    class Meta:
        model = ResellerSale
        fields: list[str] = []
