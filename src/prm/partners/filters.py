"""One filter definition per model: the list pages, the API and the exports all use these."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from prm.accounts.models import User
from prm.accounts.roles import STAFF_ROLES
from prm.contracts.models import ComplianceStatus
from prm.core import access
from prm.partners.lifecycle import Stage
from prm.partners.models import (
    Contact,
    Document,
    DocumentKind,
    Interaction,
    InteractionKind,
    Partner,
    Tier,
    TypeCode,
)
from prm.partners.names import name_key
from prm.risks.models import Level as RiskLevel

RISK_LEVEL_CHOICES = [*RiskLevel.choices, ("none", _("No open risk"))]


def _user(request):
    return getattr(request, "user", None)


def owners(request):
    return User.objects.filter(role__in=list(STAFF_ROLES), is_active=True).order_by("email")


def partners(request):
    return access.scope(_user(request), Partner).only("id", "name")


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    stage = django_filters.MultipleChoiceFilter(label=_("Stage"), choices=Stage.choices)
    type = django_filters.MultipleChoiceFilter(
        label=_("Type"), choices=TypeCode.choices, field_name="types__code", distinct=True
    )
    # ?tier=gold: the predicate compares the code, so the lookup goes through it.
    tier = django_filters.ModelMultipleChoiceFilter(
        label=_("Tier"), field_name="tier__code", queryset=Tier.objects.all(), to_field_name="code"
    )
    country = django_filters.MultipleChoiceFilter(label=_("Country"), choices=list(countries))
    region = django_filters.CharFilter(label=_("Region"), lookup_expr="icontains")
    industry = django_filters.CharFilter(label=_("Industry"), lookup_expr="icontains")
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=owners)
    parent = django_filters.ModelChoiceFilter(label=_("Parent partner"), queryset=partners)
    tag = django_filters.CharFilter(label=_("Tag"), field_name="tags__name", distinct=True)
    on_hold = django_filters.BooleanFilter(label=_("On hold"))
    # The overall level kept by the risks capability (prm.risks.models.PartnerRiskLevel).
    risk_level = django_filters.MultipleChoiceFilter(
        label=_("Risk level"), choices=RISK_LEVEL_CHOICES, method="filter_risk_level"
    )
    # The status stored by the contracts capability (kept fresh there), so one query filters
    # any number of partners. A partner without a stored row has no required document.
    compliance = django_filters.MultipleChoiceFilter(
        label=_("Compliance"), choices=ComplianceStatus.choices, method="filter_compliance"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(
            ("name", "name"),
            ("stage", "stage"),
            ("tier__rank", "tier"),
            ("country", "country"),
            ("region", "region"),
            ("created_at", "created"),
            ("updated_at", "updated"),
            ("risk_level__level_rank", "risk"),
        ),
        field_labels={
            "name": _("Name"),
            "stage": _("Stage"),
            "tier__rank": _("Tier"),
            "country": _("Country"),
            "region": _("Region"),
            "created_at": _("Created"),
            "updated_at": _("Updated"),
            "risk_level__level_rank": _("Risk level"),
        },
    )

    class Meta:
        model = Partner
        fields: list[str] = []

    def filter_risk_level(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q(risk_level__level__in=[v for v in value if v != "none"])
        if "none" in value:
            condition |= Q(risk_level__isnull=True) | Q(risk_level__level="")
        return queryset.filter(condition)

    def filter_compliance(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q(compliance__status__in=value)
        if ComplianceStatus.COMPLETE in value:
            condition |= Q(compliance__isnull=True)
        return queryset.filter(condition)

    def search(self, queryset, name, value):
        """Name (also normalised: "한빛소프트" finds "(주)한빛소프트"), legal name, registration
        number with or without dashes, domain, region, industry, tags and contact names."""
        value = value.strip()
        if not value:
            return queryset
        # Contacts and tags are matched in subqueries: joining them would multiply rows.
        contacts = Contact._base_manager.filter(name__icontains=value).values("partner_id")
        tagged = Partner.tags.through.objects.filter(tag__name__iexact=value).values("partner_id")
        condition = (
            Q(name__icontains=value)
            | Q(legal_name__icontains=value)
            | Q(domain__icontains=value)
            | Q(region__icontains=value)
            | Q(industry__icontains=value)
            | Q(pk__in=tagged)
            | Q(pk__in=contacts)
        )
        key = name_key(value)
        if key:
            condition |= Q(name_key__contains=key)
        digits = value.replace("-", "").replace(" ", "")
        if digits.isdigit() and len(digits) >= 3:
            condition |= Q(registration_number__startswith=digits)
        return queryset.filter(condition)


class ContactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    portal_access = django_filters.BooleanFilter(label=_("Portal access"))
    email = django_filters.CharFilter(label=_("E-mail"), lookup_expr="iexact")

    class Meta:
        model = Contact
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(email__icontains=value) | Q(title__icontains=value)
        )


class DocumentFilter(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=DocumentKind.choices)
    expires_before = django_filters.DateFilter(
        label=_("Expires before"), field_name="expires_on", lookup_expr="lt"
    )

    class Meta:
        model = Document
        fields: list[str] = []


class InteractionFilter(django_filters.FilterSet):
    partner = django_filters.ModelChoiceFilter(label=_("Partner"), queryset=partners)
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=InteractionKind.choices)
    since = django_filters.IsoDateTimeFilter(
        label=_("Since"), field_name="occurred_at", lookup_expr="gte"
    )

    class Meta:
        model = Interaction
        fields: list[str] = []
