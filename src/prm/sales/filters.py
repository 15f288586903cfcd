"""One filter definition per model: the deal list pages, the API and the exports use it."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.partners.models import Partner
from prm.partners.names import name_key
from prm.sales.models import Deal, DealStatus, ProductCategory, StageCode


def _user(request):
    return getattr(request, "user", None)


def partners(request):
    return access.scope(_user(request), Partner).only("id", "name")


def owners(request):
    return User.objects.filter(
        role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True
    ).order_by("email")


class DealFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=DealStatus.choices)
    stage = django_filters.MultipleChoiceFilter(
        label=_("Stage"), field_name="stage__code", choices=StageCode.choices
    )
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    owner = django_filters.ModelChoiceFilter(label=_("Co-selling owner"), queryset=owners)
    category = django_filters.ModelMultipleChoiceFilter(
        label=_("Product category"),
        field_name="product_category__code",
        to_field_name="code",
        queryset=ProductCategory.objects.all(),
    )
    conflict = django_filters.BooleanFilter(label=_("Possible conflict"), field_name="has_conflict")
    close_after = django_filters.DateFilter(
        label=_("Expected close from"), field_name="expected_close_date", lookup_expr="gte"
    )
    close_before = django_filters.DateFilter(
        label=_("Expected close until"), field_name="expected_close_date", lookup_expr="lte"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(
            ("registered_at", "registered"),
            ("amount", "amount"),
            ("expected_close_date", "close"),
            ("title", "title"),
            ("stage__order", "stage"),
        ),
        field_labels={
            "registered_at": pgettext_lazy("registration date", "Registered"),
            "amount": _("Amount"),
            "expected_close_date": _("Expected close"),
            "title": _("Deal name"),
            "stage__order": _("Stage"),
        },
    )

    class Meta:
        model = Deal
        fields: list[str] = []

    def search(self, queryset, name, value):
        """Deal name, customer (also normalised), products and contact."""
        value = value.strip()
        if not value:
            return queryset
        condition = (
            Q(title__icontains=value)
            | Q(account__name__icontains=value)
            | Q(account__domain__icontains=value)
            | Q(products__icontains=value)
            | Q(contact_name__icontains=value)
        )
        key = name_key(value)
        if key:
            condition |= Q(account__name_key__contains=key)
        return queryset.filter(condition)
