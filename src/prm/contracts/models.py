"""Contracts with their terms, negotiation rounds and alerts; compliance requirements and
the documents partners submit for them."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from prm.core.access import Action, PartnerPolicy
from prm.core.models import BusinessModel
from prm.partners.models import Document, Partner, PartnerType

# ISO 4217 codes offered for contract values; KRW first.
CURRENCIES = [
    ("KRW", "KRW"),
    ("USD", "USD"),
    ("EUR", "EUR"),
    ("JPY", "JPY"),
    ("CNY", "CNY"),
    ("GBP", "GBP"),
    ("HKD", "HKD"),
    ("SGD", "SGD"),
    ("TWD", "TWD"),
    ("VND", "VND"),
    ("THB", "THB"),
    ("AUD", "AUD"),
    ("CAD", "CAD"),
    ("CHF", "CHF"),
]


def _localized(obj) -> str:
    return obj.name_ko if (get_language() or "ko").startswith("ko") else obj.name_en


class ContractType(models.Model):
    """A kind of contract (NDA, reseller, distribution, …); admins may add more."""

    code = models.SlugField(_("code"), max_length=32, primary_key=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)

    audited = True

    class Meta:
        verbose_name = _("contract type")
        verbose_name_plural = _("contract types")
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return _localized(self)


class Contract(BusinessModel):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contracts"
    )
    type = models.ForeignKey(
        ContractType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="contracts"
    )
    title = models.CharField(_("title"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="KRW")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), db_index=True)
    auto_renew = models.BooleanField(_("renews automatically"), default=False)
    renewal_term_months = models.PositiveSmallIntegerField(
        _("renewal term (months)"), null=True, blank=True
    )
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=30)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_contracts",
    )
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successor",
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signatories = models.JSONField(_("signatories"), default=list, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    access_policy = PartnerPolicy(partner_path="partner", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["end_date", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date must not precede the start date.")
        if self.auto_renew and not self.renewal_term_months:
            errors["renewal_term_months"] = _(
                "Give the renewal term of a contract that renews automatically."
            )
        if self.value is not None and self.value < 0:
            errors["value"] = _("The value cannot be negative.")
        if self.terminated_on and not self.termination_reason.strip():
            errors["termination_reason"] = _("Give the reason for the termination.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("contracts:detail", args=[self.pk])

    def status_on(self, today):
        from prm.contracts.status import status

        return status(self, today)

    @property
    def current_round(self):
        return self.rounds.order_by("-number").first()

    @property
    def accepted_round(self):
        return self.rounds.filter(accepted_at__isnull=False).order_by("-number").first()


class ContractTerm(BusinessModel):
    """An SLA term or obligation of a contract, with its metric, target and due date."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="terms"
    )
    description = models.CharField(_("description"), max_length=300)
    metric = models.CharField(_("metric"), max_length=100, blank=True)
    target = models.CharField(_("target"), max_length=100, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)

    access_policy = PartnerPolicy(
        partner_path="contract__partner", portal_user=frozenset({Action.VIEW})
    )

    class Meta:
        verbose_name = _("contract term")
        verbose_name_plural = _("contract terms")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


def version_path(instance: "NegotiationRound", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"contracts/{instance.contract_id}/{uuid.uuid4().hex}{suffix}"


class NegotiationRound(BusinessModel):
    """One round of negotiation: a version of the contract document and what changed."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    summary = models.TextField(_("what changed"), blank=True)
    file = models.FileField(_("document version"), upload_to=version_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    access_policy = PartnerPolicy(
        partner_path="contract__partner", portal_user=frozenset({Action.VIEW})
    )

    class Meta:
        verbose_name = _("negotiation round")
        verbose_name_plural = _("negotiation rounds")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="round_unique_number")
        ]

    def __str__(self) -> str:
        return str(_("Round %(number)s") % {"number": self.number})


class RoundComment(BusinessModel):
    """A comment on a negotiation round, by staff or (through the portal) by the partner."""

    round = models.ForeignKey(
        NegotiationRound,
        verbose_name=_("round"),
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
        partner_path="round__contract__partner",
        portal_user=frozenset({Action.VIEW, Action.ADD}),
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]


class AlertKind(models.TextChoices):
    NOTICE = "notice", _("Notice deadline")
    END = "end", _("End")
    EXPIRED = "expired", _("Expired")


class ContractAlert(BusinessModel):
    """An alert sent about a contract: once per contract, kind, threshold and date."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    threshold_days = models.PositiveSmallIntegerField(_("days before"), default=0)
    due_on = models.DateField(_("date"))

    access_policy = PartnerPolicy(partner_path="contract__partner", staff_only=True)

    class Meta:
        verbose_name = _("contract alert")
        verbose_name_plural = _("contract alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "threshold_days", "due_on"],
                name="contract_alert_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"


# Compliance ----------------------------------------------------------------------------


class ComplianceStatus(models.TextChoices):
    COMPLETE = "complete", _("Complete")
    MISSING = "missing", pgettext_lazy("compliance status", "Missing")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")


class ComplianceRequirement(models.Model):
    """A document every partner of a type must hold (사업자등록증, ISO 9001, insurance …)."""

    partner_type = models.ForeignKey(
        PartnerType,
        verbose_name=_("partner type"),
        on_delete=models.CASCADE,
        related_name="compliance_requirements",
    )
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    expires = models.BooleanField(_("expires"), default=False)
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        help_text=_("When a document carries no expiry date: how long it is valid."),
    )
    warning_days = models.PositiveSmallIntegerField(_("warn days before expiry"), default=30)
    active = models.BooleanField(_("active"), default=True)

    audited = True

    class Meta:
        verbose_name = _("compliance requirement")
        verbose_name_plural = _("compliance requirements")
        ordering = ["partner_type", "name_en", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner_type", "name_en"], name="compliance_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return _localized(self)


class ComplianceSubmission(BusinessModel):
    """A partner's document submitted for a requirement; the latest one counts."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="compliance_submissions",
    )
    requirement = models.ForeignKey(
        ComplianceRequirement,
        verbose_name=_("requirement"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    document = models.OneToOneField(
        Document,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="compliance_submission",
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_on = models.DateField(_("reminder sent"), null=True, blank=True)
    expiry_announced_on = models.DateField(_("expiry announced"), null=True, blank=True)

    access_policy = PartnerPolicy(
        partner_path="partner", portal_user=frozenset({Action.VIEW, Action.ADD})
    )

    class Meta:
        verbose_name = _("compliance submission")
        verbose_name_plural = _("compliance submissions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requirement} · {self.document}"


class PartnerCompliance(BusinessModel):
    """A partner's compliance status, stored so that the partner list can filter 10,000
    partners on it in one query. Derived data: :func:`prm.contracts.compliance.refresh`
    writes it when a submission, a requirement or the partner's types change, and the
    daily job (``prm contract-alerts``) rewrites it as documents reach their expiry. The
    submissions themselves are audited; this cache is not."""

    partner = models.OneToOneField(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="compliance"
    )
    status = models.CharField(
        _("compliance status"),
        max_length=16,
        choices=ComplianceStatus.choices,
        default=ComplianceStatus.COMPLETE,
        db_index=True,
    )
    required = models.PositiveSmallIntegerField(_("required documents"), default=0)
    missing = models.PositiveSmallIntegerField(pgettext_lazy("documents", "missing"), default=0)
    expiring = models.PositiveSmallIntegerField(_("expiring"), default=0)
    expired = models.PositiveSmallIntegerField(_("expired"), default=0)
    computed_on = models.DateField(_("computed on"), null=True, blank=True)

    audited = False
    access_policy = PartnerPolicy(partner_path="partner", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("partner compliance")
        verbose_name_plural = _("partner compliance")
        ordering = ["partner_id"]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.status}"
