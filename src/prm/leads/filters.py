"""One filter definition for leads: the list page, the API and the export use it."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from prm.core import access
from prm.leads.models import Lead, LeadSource, LeadStatus
from prm.partners.models import Partner


def partners(request):
    return access.scope(getattr(request, "user", None), Partner).only("id", "name")


class LeadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=LeadStatus.choices)
    source = django_filters.MultipleChoiceFilter(label=_("Source"), choices=LeadSource.choices)
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    unassigned = django_filters.BooleanFilter(
        label=_("Without partner"), field_name="partner", lookup_expr="isnull"
    )
    country = django_filters.MultipleChoiceFilter(label=_("Country"), choices=list(countries))
    region = django_filters.CharFilter(label=_("Region"), lookup_expr="icontains")
    industry = django_filters.CharFilter(label=_("Industry"), lookup_expr="icontains")
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(
            ("company_name", "company"),
            ("status", "status"),
            ("estimated_value", "value"),
            ("sla_due", "due"),
            ("created_at", "created"),
        ),
        field_labels={
            "company_name": _("Company"),
            "status": _("Status"),
            "estimated_value": _("Estimated value"),
            "sla_due": _("Answer by"),
            "created_at": _("Created"),
        },
    )

    class Meta:
        model = Lead
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(company_name__icontains=value)
            | Q(contact_name__icontains=value)
            | Q(contact_email__icontains=value)
            | Q(product_interest__icontains=value)
            | Q(external_id__iexact=value)
        )
