"""One filter definition per model: the list pages and the API use these."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import STAFF_ROLES
from prm.core import access
from prm.sourcing.models import EvaluationRound, RoundStatus, SourcingProject


def owners(request):
    return User.objects.filter(role__in=list(STAFF_ROLES), is_active=True).order_by("email")


def projects(request):
    return access.scope(getattr(request, "user", None), SourcingProject).only("id", "name")


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=owners)

    class Meta:
        model = SourcingProject
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(goal__icontains=value)
            | Q(candidates__partner__name__icontains=value)
        ).distinct()


class RoundFilter(django_filters.FilterSet):
    project = django_filters.ModelChoiceFilter(label=_("Sourcing project"), queryset=projects)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RoundStatus.choices)

    class Meta:
        model = EvaluationRound
        fields: list[str] = []
