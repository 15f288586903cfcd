"""Reminders of overdue action items: each owner hears about an overdue item once, and again
every :data:`REPEAT_DAYS` days while it stays open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.core import access
from prm.notifications.services import notify
from prm.reviews.models import ActionItem, ItemStatus, OwnerSide
from prm.reviews.services import item_owners

REPEAT_DAYS = 7


@dataclass
class ReminderReport:
    items: int = 0
    notifications: int = 0


def overdue_items(today: date):
    """Open items past their due date whose owners were not reminded in the last week."""
    return (
        access.unrestricted(ActionItem)
        .filter(status=ItemStatus.OPEN, due_on__lt=today)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lte=today - timedelta(REPEAT_DAYS)))
        .select_related("partner__owner", "owner_user", "review__owner")
        .order_by("due_on", "id")
    )


def send_reminders(today: date | None = None) -> ReminderReport:
    today = today or timezone.localdate()
    report = ReminderReport()
    for item in overdue_items(today):
        with transaction.atomic():
            days = (today - item.due_on).days
            url = (
                reverse("reviews:portal_item", args=[item.pk])
                if item.owner_side == OwnerSide.PARTNER
                else item.get_absolute_url()
            )
            sent = notify(
                item_owners(item),
                title=lambda item=item: _("Overdue action item: %(title)s") % {"title": item.title},
                body=lambda item=item, days=days: (
                    _("%(title)s was due on %(due)s (%(days)s days ago).")
                    % {"title": item.title, "due": item.due_on.isoformat(), "days": days}
                ),
                url=url,
            )
            access.unrestricted(ActionItem).filter(pk=item.pk).update(reminded_on=today)
        report.items += 1
        report.notifications += len(sent)
    return report
