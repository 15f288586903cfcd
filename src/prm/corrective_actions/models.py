"""Corrective action requests (SCAR/CAPA) sent to partners and answered in the portal.

A request goes draft → sent → answered → accepted, or is returned to the partner
(returned → answered again …), or is cancelled. Every step is dated on the request
(``sent_at``, the first ``answered_at``, ``accepted_at`` …) and recorded as a
:class:`RequestStep`, so that response times can be measured and the exchange read back.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.accounts.roles import PORTAL_ROLES
from prm.core.access import Action, PartnerPolicy
from prm.core.models import BusinessModel


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


# The partner owes an answer in these states; overdue when the due date has passed.
AWAITING_ANSWER = (Status.SENT, Status.RETURNED)
OPEN = (Status.DRAFT, Status.SENT, Status.ANSWERED, Status.RETURNED)
CLOSED = (Status.ACCEPTED, Status.CANCELLED)

BADGES = {
    Status.DRAFT: "secondary",
    Status.SENT: "primary",
    Status.ANSWERED: "info",
    Status.RETURNED: "warning",
    Status.ACCEPTED: "success",
    Status.CANCELLED: "dark",
}
SEVERITY_BADGES = {
    Severity.MINOR: "secondary",
    Severity.MAJOR: "warning",
    Severity.CRITICAL: "danger",
}


class RequestPolicy(PartnerPolicy):
    """A partner policy under which the partner never sees drafts: a request reaches the
    partner's portal when staff send it."""

    def filter(self, user, role, action):
        condition = super().filter(user, role, action)
        # With no path (``access.can_add`` asks about the partner itself) there is no
        # request to look at.
        if condition is not None and role in PORTAL_ROLES and self.partner_path:
            return condition & ~Q(**{self._lookup_status(): Status.DRAFT})
        return condition

    def _lookup_status(self) -> str:
        prefix = self.partner_path.rsplit("partner", 1)[0]
        return f"{prefix}status"


class CorrectiveActionRequest(BusinessModel):
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="corrective_action_requests",
    )
    risk = models.ForeignKey(
        "risks.Risk",
        verbose_name=_("risk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrective_action_requests",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("nonconformity"), help_text=_("What was found, where and when, and what it broke.")
    )
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.MAJOR
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("answer due"), db_index=True)
    external_id = models.CharField(_("external ID"), max_length=64, blank=True, db_index=True)
    # The partner's answer (the latest one; earlier ones are kept in the steps).
    root_cause = models.TextField(_("root cause"), blank=True)
    containment = models.TextField(_("containment"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    preventive_action = models.TextField(_("preventive action"), blank=True)
    # Staff's latest decision.
    decision_comment = models.TextField(_("decision comment"), blank=True)
    # The dates of each step, so response times can be measured.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    last_answered_at = models.DateTimeField(_("last answered"), null=True, blank=True)
    returned_at = models.DateTimeField(_("last returned"), null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)

    access_policy = RequestPolicy(
        partner_path="partner",
        portal_user=frozenset({Action.VIEW, Action.CHANGE}),
    )

    class Meta:
        verbose_name = _("corrective action request")
        verbose_name_plural = _("corrective action requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"CAR-{self.pk:05d}" if self.pk else "CAR-new"

    def get_absolute_url(self) -> str:
        return reverse("corrective_actions:detail", args=[self.pk])

    def get_portal_url(self) -> str:
        return reverse("corrective_actions:portal_detail", args=[self.pk])

    @property
    def badge(self) -> str:
        return BADGES[Status(self.status)]

    @property
    def severity_badge(self) -> str:
        return SEVERITY_BADGES[Severity(self.severity)]

    @property
    def awaiting_answer(self) -> bool:
        return self.status in AWAITING_ANSWER

    def is_overdue(self, today: date) -> bool:
        return self.awaiting_answer and self.due_on is not None and self.due_on < today

    @property
    def time_to_answer(self) -> timedelta | None:
        """From sending to the partner's first answer."""
        if self.sent_at and self.answered_at:
            return self.answered_at - self.sent_at
        return None

    @property
    def time_to_close(self) -> timedelta | None:
        """From sending to acceptance."""
        if self.sent_at and self.accepted_at:
            return self.accepted_at - self.sent_at
        return None

    @property
    def has_answer(self) -> bool:
        return any(
            (self.root_cause, self.containment, self.corrective_action, self.preventive_action)
        )


class StepKind(models.TextChoices):
    CREATED = "created", _("Created")
    SENT = "sent", _("Sent to the partner")
    ANSWERED = "answered", _("Answered")
    RETURNED = "returned", _("Returned to the partner")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")
    EVIDENCE = "evidence", _("Evidence uploaded")
    REMINDED = "reminded", _("Reminder sent")


class RequestStep(BusinessModel):
    """One dated step of the exchange: who did what, with the comment or the answer given."""

    request = models.ForeignKey(
        CorrectiveActionRequest,
        verbose_name=_("corrective action request"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    kind = models.CharField(_("step"), max_length=16, choices=StepKind.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    answer = models.JSONField(_("answer"), default=dict, blank=True)

    access_policy = RequestPolicy(
        partner_path="request__partner", portal_user=frozenset({Action.VIEW})
    )

    class Meta:
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class Evidence(BusinessModel):
    """A file the partner (or staff) attached to a request, stored as a partner document
    (same type and size checks, served through the access layer)."""

    request = models.ForeignKey(
        CorrectiveActionRequest,
        verbose_name=_("corrective action request"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    document = models.OneToOneField(
        "partners.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="corrective_evidence",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    access_policy = RequestPolicy(
        partner_path="request__partner", portal_user=frozenset({Action.VIEW, Action.ADD})
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return str(self.document)
