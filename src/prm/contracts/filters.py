"""One filter definition per model: the list pages, the API and the exports all use these."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.contracts.compliance import ComplianceStatus
from prm.contracts.models import ComplianceRequirement, Contract, ContractType
from prm.contracts.status import (
    Status,
    could_be,
    current_period,
    max_notice_days,
    near_deadline,
    status,
    with_status_data,
)
from prm.partners.filters import owners, partners
from prm.partners.models import TypeCode


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, method="filter_status"
    )
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    type = django_filters.ModelMultipleChoiceFilter(
        label=_("Type"),
        field_name="type__code",
        queryset=ContractType.objects.all(),
        to_field_name="code",
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=owners)
    expiring = django_filters.NumberFilter(
        label=_("Deadline within (days)"), method="filter_expiring", min_value=0, max_value=3660
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(
            ("end_date", "end"),
            ("start_date", "start"),
            ("title", "title"),
            ("partner__name", "partner"),
            ("value", "value"),
        ),
        field_labels={
            "end_date": _("End date"),
            "start_date": _("Start date"),
            "title": _("Title"),
            "partner__name": _("Partner"),
            "value": _("Value"),
        },
    )

    class Meta:
        model = Contract
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(partner__name__icontains=value))

    def _ids(self, queryset, keep, prefilter) -> list[int]:
        """The ids of the rows ``keep(contract, today)`` accepts: the status is derived in
        Python (``prm.contracts.status``), the one place that knows it, over the rows the
        database's ``prefilter(today, max_notice)`` could not rule out."""
        today = timezone.localdate()
        rows = with_status_data(
            queryset.order_by().filter(prefilter(today, max_notice_days(queryset)))
        )
        return [c.pk for c in rows if keep(c, today)]

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        wanted = set(value)
        return queryset.filter(
            pk__in=self._ids(
                queryset,
                lambda c, t: status(c, t) in wanted,
                lambda t, notice: could_be(wanted, t, notice),
            )
        )

    def filter_expiring(self, queryset, name, value):
        """Contracts in force whose notice deadline or end falls within ``value`` days."""
        if value is None:
            return queryset
        days = int(value)

        def keep(contract, today):
            if status(contract, today) not in (Status.ACTIVE, Status.EXPIRING):
                return False
            period = current_period(contract, today)
            horizon = today + timedelta(days=days)
            return today <= period.notice_deadline <= horizon or today <= period.end <= horizon

        return queryset.filter(
            pk__in=self._ids(
                queryset,
                keep,
                lambda t, notice: near_deadline(t, t + timedelta(days=days), notice),
            )
        )


class ComplianceRequirementFilter(django_filters.FilterSet):
    partner_type = django_filters.MultipleChoiceFilter(
        label=_("Partner type"), choices=TypeCode.choices
    )
    expires = django_filters.BooleanFilter(label=_("Expires"))

    class Meta:
        model = ComplianceRequirement
        fields: list[str] = []


class CompliancePartnerFilter(django_filters.FilterSet):
    """The compliance list: partners by their compliance status."""

    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    status = django_filters.MultipleChoiceFilter(
        label=_("Compliance status"), choices=ComplianceStatus.choices, method="filter_status"
    )
    type = django_filters.MultipleChoiceFilter(
        label=_("Type"), choices=TypeCode.choices, field_name="types__code", distinct=True
    )

    def filter_status(self, queryset, name, value):
        # The status stored per partner; no stored row means nothing is required.
        if not value:
            return queryset
        condition = Q(compliance__status__in=value)
        if ComplianceStatus.COMPLETE in value:
            condition |= Q(compliance__isnull=True)
        return queryset.filter(condition)
