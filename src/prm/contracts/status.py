"""A contract's status, derived from its dates and events in one place.

Nothing stores the status: it is computed from the contract (signed, started, ended,
renewed, terminated) and "today" (``timezone.localdate()``: calendar dates are business days
in the project's zone, Asia/Seoul), so it never drifts from the facts.

Dates are inclusive: a contract running from 2025-01-01 to 2025-12-31 is in force on both
days. The notice deadline is ``notice_days`` before the end; from that day on, the contract
is *expiring* (inside the notice window) until its end. An auto-renewing contract that was
neither renewed nor terminated rolls on by its term: its current period is computed here.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")
    TERMINATED = "terminated", _("Terminated")


BADGES = {
    Status.DRAFT: "secondary",
    Status.NEGOTIATING: "info",
    Status.SIGNED: "primary",
    Status.ACTIVE: "success",
    Status.EXPIRING: "warning",
    Status.EXPIRED: "danger",
    Status.RENEWED: "dark",
    Status.TERMINATED: "danger",
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(start: date, months: int) -> date:
    """The last day of a term of ``months`` starting on ``start``: the day before the same
    day ``months`` later (2025-01-15 + 12 → 2026-01-14), or the last day of that month when
    it has no such day (2024-02-29 + 12 → 2025-02-28)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if start.day > calendar.monthrange(year, month)[1]:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, start.day) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    notice_deadline: date


def current_period(contract: Any, today: date) -> Period:
    """The period in force (or last in force) on ``today``: the contract's own dates, rolled
    on by the renewal term for an auto-renewing contract past its end that was neither
    renewed by a successor nor terminated."""
    start, end = contract.start_date, contract.end_date
    months = contract.renewal_term_months or 0
    if (
        contract.auto_renew
        and months > 0
        and not _has_successor(contract)
        and contract.terminated_on is None
    ):
        while end < today:
            start = end + timedelta(days=1)
            end = term_end(start, months)
    return Period(start, end, end - timedelta(days=contract.notice_days or 0))


def _has_successor(contract: Any) -> bool:
    cached = getattr(contract, "has_successor", None)
    if cached is not None:
        return bool(cached)
    try:
        return contract.successor is not None
    except contract.__class__.successor.RelatedObjectDoesNotExist:
        return False


def _has_rounds(contract: Any) -> bool:
    cached = getattr(contract, "has_rounds", None)
    if cached is not None:
        return bool(cached)
    return contract.pk is not None and contract.rounds.exists()


def status(contract: Any, today: date) -> Status:
    """The contract's status on ``today`` (a calendar date in the business zone)."""
    if contract.terminated_on is not None and contract.terminated_on <= today:
        return Status.TERMINATED
    if contract.signed_on is None:
        return Status.NEGOTIATING if _has_rounds(contract) else Status.DRAFT
    if today < contract.start_date:
        return Status.SIGNED
    if _has_successor(contract):
        return Status.RENEWED if today > contract.end_date else Status.ACTIVE
    period = current_period(contract, today)
    if today > period.end:
        return Status.EXPIRED
    if today >= period.notice_deadline:
        return Status.EXPIRING
    return Status.ACTIVE


def with_status_data(queryset):
    """``queryset`` annotated with what :func:`status` needs, so that deriving the status of
    many contracts takes no query per contract."""
    from django.db.models import Exists, OuterRef

    model = queryset.model
    rounds = model.rounds.rel.related_model._base_manager.filter(contract=OuterRef("pk"))
    successors = model._base_manager.filter(predecessor=OuterRef("pk"))
    return queryset.annotate(has_rounds=Exists(rounds), has_successor=Exists(successors))


# SQL pre-filters. They let the database drop the contracts that cannot have a status
# before :func:`status` decides on the few that can; they never decide alone (a contract
# they keep may still have another status), so the rules above stay the one definition.


def max_notice_days(queryset) -> int:
    from django.db.models import Max

    return queryset.aggregate(m=Max("notice_days"))["m"] or 0


def _live_signed(today: date):
    from django.db.models import Q

    return ~Q(terminated_on__lte=today) & Q(signed_on__isnull=False)


def could_be(wanted: set[str], today: date, max_notice: int):
    """A condition every contract whose status on ``today`` is in ``wanted`` meets."""
    from django.db.models import Q

    live = ~Q(terminated_on__lte=today)
    started = _live_signed(today) & Q(start_date__lte=today)
    parts = []
    if wanted & {Status.DRAFT, Status.NEGOTIATING}:
        parts.append(live & Q(signed_on__isnull=True))
    if Status.TERMINATED in wanted:
        parts.append(Q(terminated_on__lte=today))
    if Status.SIGNED in wanted:
        parts.append(_live_signed(today) & Q(start_date__gt=today))
    if Status.ACTIVE in wanted:
        parts.append(started & (Q(end_date__gte=today) | Q(auto_renew=True)))
    if Status.EXPIRING in wanted:
        parts.append(started & in_force_until(today, today + timedelta(days=max_notice)))
    if wanted & {Status.EXPIRED, Status.RENEWED}:
        parts.append(_live_signed(today) & Q(end_date__lt=today))
    condition = Q(pk__in=[])
    for part in parts:
        condition |= part
    return condition


def in_force_until(today: date, last_end: date):
    """Contracts that may be in force on ``today`` with an end no later than ``last_end``:
    the end lies in between, or the contract renews itself (its period rolls on)."""
    from django.db.models import Q

    return Q(end_date__gte=today, end_date__lte=last_end) | Q(auto_renew=True)


def near_deadline(today: date, horizon: date, max_notice: int):
    """Contracts that may have a notice deadline or an end between ``today`` and
    ``horizon`` (the notice deadline is at most ``max_notice`` days before the end)."""
    from django.db.models import Q

    return (
        _live_signed(today)
        & Q(start_date__lte=today)
        & in_force_until(today, horizon + timedelta(days=max_notice))
    )
