"""Periodic reviews (QBR) with generated reports and action items, and joint business plans.

A review is one meeting with one partner about one period (``prm.metrics.periods``). Its
notes come in two kinds: shared notes the partner reads in the portal, and staff notes that
never leave the back office. Action items are tracked by both sides: each has an owner side
(the company or the partner), and the partner may update the items its side owns.

A joint business plan holds the goals the company and the partner set for a period, each
tied to a metric with a target; progress is computed from the metric's observations.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.core.access import Action, PartnerPolicy
from prm.core.models import BusinessModel
from prm.metrics.periods import Period, PeriodKind
from prm.partners.models import Contact, Partner


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed")


REVIEW_BADGES = {
    ReviewStatus.PLANNED: "info",
    ReviewStatus.HELD: "primary",
    ReviewStatus.CLOSED: "secondary",
}


# Reviews and plans cover a month, a quarter or a year (a day is no period to review).
PERIOD_CHOICES = [(k, label) for k, label in PeriodKind.choices if k != PeriodKind.DAY]


def _check_period_start(kind: str, start) -> None:
    if kind not in PeriodKind.values or not start:
        return
    first = Period.containing(kind, start).start
    if first != start:
        raise ValidationError(
            {
                "period_start": _("A period starts on its first day: %(start)s for this one.")
                % {"start": first.isoformat()}
            }
        )


class Review(BusinessModel):
    """A periodic review (QBR) of one partner for one period."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="reviews"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    period_kind = models.CharField(
        _("period kind"), max_length=8, choices=PERIOD_CHOICES, default=PeriodKind.QUARTER
    )
    period_start = models.DateField(_("period start"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PLANNED,
        db_index=True,
    )
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True, db_index=True)
    attendees = models.TextField(_("attendees"), blank=True, help_text=_("One per line."))
    shared_notes = models.TextField(
        _("meeting notes"), blank=True, help_text=_("Shared with the partner in the portal.")
    )
    staff_notes = models.TextField(
        _("staff notes"), blank=True, help_text=_("Only staff read these.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_reviews",
    )
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    access_policy = PartnerPolicy(partner_path="partner", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-period_start", "partner__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "period_kind", "period_start"],
                name="review_one_per_partner_period",
                violation_error_message=_("This partner already has a review for this period."),
            )
        ]

    def __str__(self) -> str:
        return self.title or str(_("Review %(period)s") % {"period": self.period_label})

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start)

    @property
    def period_label(self) -> str:
        return self.period.label if self.period_start else ""

    @property
    def badge(self) -> str:
        return REVIEW_BADGES.get(self.status, "secondary")

    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]

    def clean(self):
        _check_period_start(self.period_kind, self.period_start)

    def get_absolute_url(self) -> str:
        return reverse("reviews:detail", args=[self.pk])


class OwnerSide(models.TextChoices):
    COMPANY = "company", _("Our company")
    PARTNER = "partner", pgettext_lazy("owner side", "Partner")


class ItemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("action item", "Open")
    DONE = "done", pgettext_lazy("action item", "Done")
    CANCELLED = "cancelled", pgettext_lazy("action item", "Cancelled")


ITEM_BADGES = {
    ItemStatus.OPEN: "primary",
    ItemStatus.DONE: "success",
    ItemStatus.CANCELLED: "secondary",
}


class ActionItem(BusinessModel):
    """A follow-up action with an owner on one side and a due date; both sides track it."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="action_items"
    )
    review = models.ForeignKey(
        Review,
        verbose_name=_("review"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_side = models.CharField(
        _("owned by"), max_length=8, choices=OwnerSide.choices, default=OwnerSide.COMPANY
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_action_items",
    )
    owner_contact = models.ForeignKey(
        Contact,
        verbose_name=_("owner (contact)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ItemStatus.choices,
        default=ItemStatus.OPEN,
        db_index=True,
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_index=True)
    reminded_on = models.DateField(_("reminder sent"), null=True, blank=True)

    # Portal users see their partner's items and change the ones their side owns (the
    # service checks the side); they add comments, never items.
    access_policy = PartnerPolicy(
        partner_path="partner", portal_user=frozenset({Action.VIEW, Action.CHANGE})
    )

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def badge(self) -> str:
        return ITEM_BADGES.get(self.status, "secondary")

    def is_overdue(self, today) -> bool:
        return self.status == ItemStatus.OPEN and self.due_on is not None and self.due_on < today

    @property
    def owner_display(self) -> str:
        if self.owner_user_id:
            user = self.owner_user
            return user.get_full_name() or user.email
        if self.owner_contact_id:
            return self.owner_contact.name
        return ""

    def clean(self):
        errors = {}
        if self.review_id and self.partner_id and self.review.partner_id != self.partner_id:
            errors["review"] = _("The review belongs to another partner.")
        if self.owner_contact_id and self.owner_side != OwnerSide.PARTNER:
            errors["owner_contact"] = _("Only an item the partner owns has a contact as owner.")
        if (
            self.owner_contact_id
            and self.partner_id
            and self.owner_contact.partner_id != self.partner_id
        ):
            errors["owner_contact"] = _("The contact works for another partner.")
        user = self.owner_user if self.owner_user_id else None
        if (
            user is not None
            and self.owner_side == OwnerSide.COMPANY
            and (not user.is_staff_role or user.role == "analyst")
        ):
            errors["owner_user"] = _(
                "An item our company owns is owned by a partner manager or an admin."
            )
        if (
            user is not None
            and self.owner_side == OwnerSide.PARTNER
            and user.partner_id != self.partner_id
        ):
            errors["owner_user"] = _("An item the partner owns is owned by one of its users.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("reviews:item_detail", args=[self.pk])


class ActionComment(BusinessModel):
    """A comment on an action item, by staff or (through the portal) by the partner."""

    item = models.ForeignKey(
        ActionItem, verbose_name=_("action item"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("comment"))

    access_policy = PartnerPolicy(
        partner_path="item__partner", portal_user=frozenset({Action.VIEW, Action.ADD})
    )

    class Meta:
        verbose_name = _("action item comment")
        verbose_name_plural = _("action item comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


# Joint business plans --------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")


class BusinessPlan(BusinessModel):
    """A joint business plan: the goals both sides set for one period."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="business_plans",
    )
    title = models.CharField(_("title"), max_length=200)
    period_kind = models.CharField(
        _("period kind"), max_length=8, choices=PERIOD_CHOICES, default=PeriodKind.YEAR
    )
    period_start = models.DateField(_("period start"))
    status = models.CharField(
        _("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_business_plans",
    )
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    access_policy = PartnerPolicy(partner_path="partner", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("business plan")
        verbose_name_plural = _("business plans")
        ordering = ["-period_start", "partner__name", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start)

    @property
    def period_label(self) -> str:
        return self.period.label if self.period_start else ""

    @property
    def badge(self) -> str:
        return "success" if self.status == PlanStatus.AGREED else "warning"

    def clean(self):
        _check_period_start(self.period_kind, self.period_start)

    def get_absolute_url(self) -> str:
        return reverse("reviews:plan_detail", args=[self.pk])


class Goal(BusinessModel):
    """A goal of a plan: reach ``target`` on a metric over the plan's period."""

    plan = models.ForeignKey(
        BusinessPlan,
        verbose_name=_("business plan"),
        on_delete=models.CASCADE,
        related_name="goals",
    )
    title = models.CharField(_("title"), max_length=200)
    metric = models.ForeignKey(
        "metrics.Metric", verbose_name=_("metric"), on_delete=models.PROTECT, related_name="+"
    )
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The partner proposes goals while the plan is a draft; staff agree the plan.
    access_policy = PartnerPolicy(
        partner_path="plan__partner", portal_user=frozenset({Action.VIEW, Action.ADD})
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.title


class PlanComment(BusinessModel):
    """A comment on a business plan, by staff or by the partner."""

    plan = models.ForeignKey(
        BusinessPlan,
        verbose_name=_("business plan"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("comment"))

    access_policy = PartnerPolicy(
        partner_path="plan__partner", portal_user=frozenset({Action.VIEW, Action.ADD})
    )

    class Meta:
        verbose_name = _("business plan comment")
        verbose_name_plural = _("business plan comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]
