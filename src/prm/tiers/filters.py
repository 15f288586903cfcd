"""One filter definition per model: the list pages, the API and the exports all use these."""

import django_filters
from django.utils.translation import gettext_lazy as _

from prm.partners.filters import owners, partners
from prm.partners.models import Tier
from prm.tiers.models import (
    ProposalDirection,
    ProposalStatus,
    TierChange,
    TierProposal,
)


class TierProposalFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=ProposalStatus.choices)
    direction = django_filters.MultipleChoiceFilter(
        label=_("Direction"), choices=ProposalDirection.choices
    )
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), field_name="partner__owner", queryset=owners
    )
    tier = django_filters.ModelChoiceFilter(
        label=_("Proposed tier"),
        field_name="proposed_tier",
        queryset=Tier.objects.all(),
        to_field_name="code",
    )

    class Meta:
        model = TierProposal
        fields: list[str] = []


class TierChangeFilter(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)

    class Meta:
        model = TierChange
        fields: list[str] = []
