"""Reads: every list and lookup of partner data, scoped to the acting user."""

from django.db.models import Count, QuerySet
from django.http import QueryDict

from prm.accounts.models import User
from prm.core import access
from prm.partners.filters import ContactFilter, DocumentFilter, InteractionFilter, PartnerFilter
from prm.partners.models import Contact, Document, Interaction, Partner


def filled(params) -> QueryDict:
    """The query without blank values: a filter form sends every field, filled or not, and
    "no country chosen" must mean "any country", not an invalid one."""
    result = QueryDict(mutable=True)
    if params is None:
        return result
    for key, values in params.lists():
        kept = [v for v in values if v.strip()]
        if kept:
            result.setlist(key, kept)
    return result


def partner_list(*, user: User, params=None, request=None) -> tuple[PartnerFilter, QuerySet]:
    """The partners ``user`` may see, filtered and sorted by ``params`` (a QueryDict).

    Returns the filter (for the form and its errors) and the queryset; the queryset's
    query count does not grow with the page size (tier, owner, parent joined; types and
    tags prefetched).
    """
    base = (
        access.scope(user, Partner)
        .select_related("tier", "owner", "parent", "risk_level")
        .prefetch_related("types", "tags")
    )
    filterset = PartnerFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    queryset = filterset.qs
    # A stable order (ties broken by id) so that pages never overlap.
    ordering = (
        list(queryset.query.order_by) if filterset.form.cleaned_data.get("sort") else ["name"]
    )
    queryset = queryset.order_by(*ordering, "id")
    return filterset, queryset


def partner_get(*, user: User, pk) -> Partner:
    return access.get_object(
        user,
        access.scope(user, Partner).select_related("tier", "owner", "parent"),
        pk=pk,
    )


def contact_list(*, user: User, params=None, request=None):
    base = access.scope(user, Contact).select_related("partner")
    filterset = ContactFilter(filled(params), queryset=base, request=request)
    return filterset, filterset.qs if filterset.is_valid() else base.none()


def document_list(*, user: User, params=None, request=None):
    base = access.scope(user, Document).select_related("partner", "uploaded_by")
    filterset = DocumentFilter(filled(params), queryset=base, request=request)
    return filterset, filterset.qs if filterset.is_valid() else base.none()


def interaction_list(*, user: User, params=None, request=None):
    base = access.scope(user, Interaction).select_related("partner", "user", "contact")
    filterset = InteractionFilter(filled(params), queryset=base, request=request)
    return filterset, filterset.qs if filterset.is_valid() else base.none()


def partner_counts(*, user: User, field: str) -> list[dict]:
    """Partners per value of ``field`` (stage, country, region, tier__code, types__code)."""
    return list(
        access.scope(user, Partner)
        .values(field)
        .annotate(count=Count("pk", distinct=True))
        .order_by("-count")
    )
