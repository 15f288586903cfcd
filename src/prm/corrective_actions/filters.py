"""One filter definition for corrective action requests: the list page, the API and the
export all use it."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.corrective_actions.models import (
    AWAITING_ANSWER,
    CLOSED,
    CorrectiveActionRequest,
    Severity,
    Status,
)
from prm.partners.filters import partners


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    severity = django_filters.MultipleChoiceFilter(label=_("Severity"), choices=Severity.choices)
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    open = django_filters.BooleanFilter(label=_("Open"), method="filter_open")
    risk = django_filters.NumberFilter(
        label=_("Risk"), field_name="risk_id", min_value=1, max_value=2**63 - 1
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(
            ("due_on", "due"),
            ("created_at", "created"),
            ("sent_at", "sent"),
            ("partner__name", "partner"),
            ("title", "title"),
        ),
        field_labels={
            "due_on": _("Answer due"),
            "created_at": _("Created"),
            "sent_at": _("Sent"),
            "partner__name": _("Partner"),
            "title": _("Title"),
        },
    )

    class Meta:
        model = CorrectiveActionRequest
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(title__icontains=value) | Q(partner__name__icontains=value)
        digits = value.upper().removeprefix("CAR-").lstrip("0")
        if digits.isdigit() and len(digits) <= 18:
            condition |= Q(pk=int(digits))
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status__in=AWAITING_ANSWER, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        closed = Q(status__in=CLOSED)
        return queryset.exclude(closed) if value else queryset.filter(closed)
