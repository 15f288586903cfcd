"""Reads of leads, scoped to the acting user."""

from django.db.models import QuerySet

from prm.accounts.models import User
from prm.core import access
from prm.leads.filters import LeadFilter
from prm.leads.models import Lead, LeadAssignment, LeadRoutingRule
from prm.partners.selectors import filled


def lead_list(*, user: User, params=None, request=None) -> tuple[LeadFilter, QuerySet]:
    base = access.scope(user, Lead).select_related("partner")
    filterset = LeadFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    queryset = filterset.qs
    ordering = (
        list(queryset.query.order_by)
        if filterset.form.cleaned_data.get("sort")
        else ["-created_at"]
    )
    return filterset, queryset.order_by(*ordering, "-id")


def lead_get(*, user: User, pk) -> Lead:
    return access.get_object(user, access.scope(user, Lead).select_related("partner"), pk=pk)


def assignment_history(*, user: User, lead: Lead) -> QuerySet:
    """The offers of a lead, newest first (staff only: they name the other candidates)."""
    return (
        access.scope(user, LeadAssignment)
        .filter(lead=lead)
        .select_related("partner", "responded_by", "rule")
        .order_by("-offered_at", "-id")
    )


def rules() -> QuerySet:
    return LeadRoutingRule.objects.prefetch_related("partner_types").order_by("order", "id")
