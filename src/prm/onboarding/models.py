"""Self-registration and onboarding: applications, journey templates and journeys.

An application creates its Partner at submission, in stage "applied", with the applicant's
contacts and documents: the lifecycle already has a stage for it, the partner list shows
who is waiting, and duplicate detection against pending applications is duplicate detection
against partners. Rejection moves that partner to "offboarded"; approval to "onboarding".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from prm.core.access import Action, PartnerPolicy
from prm.core.models import BusinessModel, TimeStampedModel
from prm.partners.models import DocumentKind, PartnerType


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", pgettext_lazy("application status", "Rejected")


OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED)


class Application(BusinessModel):
    """A company's request to become a partner, made through the public form."""

    partner = models.OneToOneField(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="application",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    email = models.EmailField(_("applicant e-mail"))
    language = models.CharField(_("language"), max_length=8, default="ko")
    message = models.TextField(_("message from the applicant"), blank=True)
    duplicate_ids = models.JSONField(_("possible duplicates"), default=list, blank=True)
    submitted_ip = models.GenericIPAddressField(_("submitted from"), null=True, blank=True)
    info_request = models.TextField(_("information requested"), blank=True)
    info_requests = models.PositiveSmallIntegerField(_("information requests"), default=0)
    info_response = models.TextField(_("applicant's answer"), blank=True)
    info_answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    auto_approved = models.BooleanField(_("approved by a rule"), default=False)

    # Applicants' data: staff only. Partner managers decide on unowned applications and on
    # those of partners they own (see services.application_decide).
    access_policy = PartnerPolicy(partner_path="partner", staff_only=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.partner) if self.partner_id else str(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("onboarding:application", args=[self.pk])


class AutoApprovalRule(TimeStampedModel):
    """An admin's rule: applications matching it are approved without review.

    Off by default; an empty country matches every country. The admin who made the rule is
    the one recorded as approving.
    """

    name = models.CharField(_("name"), max_length=100)
    partner_type = models.ForeignKey(
        PartnerType, verbose_name=_("partner type"), on_delete=models.CASCADE
    )
    country = CountryField(_("country"), blank=True)
    require_registration_number = models.BooleanField(
        _("registration number required"), default=True
    )
    active = models.BooleanField(_("active"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"role": "admin"},
    )

    class Meta:
        verbose_name = _("auto-approval rule")
        verbose_name_plural = _("auto-approval rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StepKind(models.TextChoices):
    DOCUMENT = "document", _("Submit a document")
    CONTRACT = "contract", _("Sign a contract")
    MEETING = "meeting", _("Meeting")
    TASK = "task", _("Custom task")


class StepOwner(models.TextChoices):
    STAFF = "staff", _("Staff")
    PARTNER = "partner", _("Partner")


class JourneyTemplate(TimeStampedModel):
    """The onboarding steps for partners of one type."""

    partner_type = models.OneToOneField(
        PartnerType,
        verbose_name=_("partner type"),
        on_delete=models.CASCADE,
        related_name="journey_template",
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("onboarding template")
        verbose_name_plural = _("onboarding templates")
        ordering = ["partner_type"]

    def __str__(self) -> str:
        return self.name


class StepFields(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    owner = models.CharField(
        _("done by"), max_length=8, choices=StepOwner.choices, default=StepOwner.PARTNER
    )
    document_kind = models.CharField(
        _("document kind"),
        max_length=16,
        choices=DocumentKind.choices,
        blank=True,
        help_text=_("For document steps: the kind of document to submit."),
    )

    class Meta:
        abstract = True


class TemplateStep(StepFields):
    template = models.ForeignKey(
        JourneyTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    due_days = models.PositiveSmallIntegerField(
        _("due after (days)"), default=7, help_text=_("Days after the journey starts.")
    )

    class Meta:
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Journey(BusinessModel):
    """A partner's onboarding: its steps, started when onboarding starts."""

    partner = models.OneToOneField(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="journey",
    )
    template = models.ForeignKey(
        JourneyTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    access_policy = PartnerPolicy(
        partner_path="partner",
        portal_user=frozenset({Action.VIEW}),
        portal_admin=frozenset({Action.VIEW}),
    )

    class Meta:
        verbose_name = _("onboarding journey")
        verbose_name_plural = _("onboarding journeys")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return str(self.partner) if self.partner_id else str(self.pk)

    @property
    def days_to_onboard(self) -> float | None:
        if self.completed_at is None:
            return None
        return round((self.completed_at - self.started_at).total_seconds() / 86400, 1)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("onboarding:journey", args=[self.pk])


class StepStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


class JourneyStep(StepFields, BusinessModel):
    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=StepStatus.choices, default=StepStatus.OPEN
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        "partners.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    # Contract steps complete when the partner signs a contract ("contract.signed"): the id
    # of that contracts.Contract, kept without a foreign key so that the capabilities stay
    # joined by events only.
    signed_contract_id = models.PositiveBigIntegerField(_("signed contract"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    # Portal users complete their partner's own steps (services.step_complete checks that
    # the step is the partner's to do).
    access_policy = PartnerPolicy(
        partner_path="journey__partner",
        portal_user=frozenset({Action.VIEW, Action.CHANGE}),
        portal_admin=frozenset({Action.VIEW, Action.CHANGE}),
    )

    class Meta(BusinessModel.Meta):
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == StepStatus.OPEN and self.due_on is not None and self.due_on < today
