"""One filter definition per model: the list pages and the API use these."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.onboarding.models import ApplicationStatus
from prm.partners.models import TypeCode


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=ApplicationStatus.choices
    )
    type = django_filters.MultipleChoiceFilter(
        label=_("Type"),
        choices=TypeCode.choices,
        field_name="partner__types__code",
        distinct=True,
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        digits = "".join(c for c in value if c.isdigit())
        condition = (
            Q(partner__name__icontains=value)
            | Q(partner__legal_name__icontains=value)
            | Q(email__icontains=value)
        )
        if len(digits) >= 3:
            condition |= Q(partner__registration_number__contains=digits)
        return queryset.filter(condition)


class JourneyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), field_name="partner__name", lookup_expr="icontains"
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=(("running", _("Running")), ("completed", _("Completed"))),
        method="by_state",
    )
    type = django_filters.MultipleChoiceFilter(
        label=_("Type"),
        choices=TypeCode.choices,
        field_name="partner__types__code",
        distinct=True,
    )

    def by_state(self, queryset, name, value):
        if value == "running":
            return queryset.filter(completed_at__isnull=True)
        if value == "completed":
            return queryset.filter(completed_at__isnull=False)
        return queryset
