"""Reads for the portal: the signed-in user's own company and what belongs to it.

Everything goes through the access layer with the portal user, so a portal page can only
ever show its own partner's rows.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from prm.accounts.models import User
from prm.core import access
from prm.partners.models import Contact, Document, Partner

EXPIRY_WARNING_DAYS = 60


def portal_partner(*, user: User) -> Partner:
    """The user's own company (404 when the user has none or may not see it)."""
    queryset = (
        access.scope(user, Partner)
        .select_related("tier", "owner", "parent")
        .prefetch_related("types")
    )
    return access.get_object(user, queryset, pk=user.partner_id)


def company_users(*, user: User, partner: Partner) -> QuerySet:
    return access.scope(user, User).filter(partner=partner).order_by("-is_active", "email")


def expiry_horizon(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=EXPIRY_WARNING_DAYS)


def expiring_documents(*, user: User, partner: Partner) -> QuerySet:
    """Documents that have expired or expire within ``EXPIRY_WARNING_DAYS``, soonest first."""
    return (
        access.scope(user, Document)
        .filter(partner=partner, expires_on__isnull=False, expires_on__lte=expiry_horizon())
        .order_by("expires_on", "title")
    )


def portal_counts(*, user: User, partner: Partner) -> dict[str, int]:
    return {
        "contacts": access.scope(user, Contact).filter(partner=partner).count(),
        "documents": access.scope(user, Document).filter(partner=partner).count(),
        "users": company_users(user=user, partner=partner).filter(is_active=True).count(),
    }
