"""Leads the company hands to partners, the rules that route them, and every assignment.

A lead belongs to the partner it is currently offered to (or accepted by); before it is
assigned, and after every partner passed on it, it belongs to nobody and only staff see it.
Assignments keep the history: who was offered the lead, by which rule, with which seed and
candidates, and what they answered. They are staff's records (the candidates name other
partners), so the portal shows the lead and its deadline, never the assignments.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from prm.accounts.roles import Role
from prm.core.access import Action, PartnerPolicy
from prm.core.models import BusinessModel, TimeStampedModel
from prm.core.translated import in_reader_language
from prm.partners.models import Partner, PartnerType

# ISO 4217 codes accepted for lead values: the common ones (KRW first, the default).
CURRENCIES = (
    "KRW",
    "USD",
    "EUR",
    "JPY",
    "CNY",
    "GBP",
    "HKD",
    "SGD",
    "TWD",
    "VND",
    "THB",
    "IDR",
    "INR",
    "AUD",
    "CAD",
    "CHF",
)
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]
DEFAULT_SLA_HOURS = 48


def global_sla_hours() -> int:
    """The answer time a partner has when the rule sets none (setting PRM_LEAD_SLA_HOURS)."""
    return int(getattr(settings, "PRM_LEAD_SLA_HOURS", DEFAULT_SLA_HOURS))


class LeadSource(models.TextChoices):
    CREATED = "created", _("Created")
    IMPORTED = "imported", _("Imported")
    API = "api", _("API")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CONVERTED = "converted", _("Converted")
    UNASSIGNED = "unassigned", _("Unassigned")


# A partner holds these leads: they count against its capacity.
OPEN_STATUSES = (LeadStatus.OFFERED, LeadStatus.ACCEPTED)
# Leads routing may (re)assign.
ROUTABLE_STATUSES = (
    LeadStatus.NEW,
    LeadStatus.OFFERED,
    LeadStatus.DECLINED,
    LeadStatus.EXPIRED,
    LeadStatus.UNASSIGNED,
)


@dataclass(frozen=True)
class LeadPolicy(PartnerPolicy):
    """A lead belongs to its current partner. Partner managers also manage the leads that
    belong to nobody yet (the company's, waiting to be routed)."""

    def filter(self, user, role, action):
        condition = super().filter(user, role, action)
        if role == Role.PARTNER_MANAGER and action != Action.VIEW and self.partner_path:
            return condition | Q(**{f"{self.partner_path}__isnull": True})
        return condition


class Lead(BusinessModel):
    company_name = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    country = CountryField(_("country"), default="KR", db_index=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    product_interest = models.CharField(_("product interest"), max_length=200, blank=True)
    estimated_value = models.DecimalField(
        _("estimated value"),
        max_digits=18,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0, message=_("The value cannot be negative."))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default="KRW"
    )
    source = models.CharField(
        _("source"), max_length=16, choices=LeadSource.choices, default=LeadSource.CREATED
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    sla_due = models.DateTimeField(_("answer by"), null=True, blank=True, db_index=True)
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_index=True)
    deal_id = models.PositiveBigIntegerField(_("deal"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    access_policy = LeadPolicy(partner_path="partner", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partner", "status"], name="lead_partner_status")]

    def __str__(self) -> str:
        return self.company_name

    def get_absolute_url(self) -> str:
        return reverse("leads:detail", args=[self.pk])

    def clean(self):
        self.contact_email = (self.contact_email or "").strip().lower()
        self.currency = (self.currency or "").strip().upper()
        if self.currency not in CURRENCIES:
            raise ValidationError(
                {
                    "currency": _("Unknown currency %(code)s; use one of: %(codes)s")
                    % {"code": self.currency, "codes": ", ".join(CURRENCIES)}
                }
            )


class LeadRoutingRule(TimeStampedModel):
    """One routing rule. Rules are tried in ``order``; the first active one whose
    conditions match the lead and which finds at least one eligible partner assigns it.

    The conditions on country, region and industry apply to the lead (does the rule
    cover it?) and to the partners (do they cover the lead's market?)."""

    audited = True

    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)
    countries = models.JSONField(
        _("countries"), default=list, blank=True, help_text=_('ISO codes, e.g. ["KR", "JP"]')
    )
    regions = models.JSONField(_("regions"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    partner_types = models.ManyToManyField(
        PartnerType, verbose_name=_("partner types"), blank=True, related_name="+"
    )
    min_tier_rank = models.PositiveSmallIntegerField(_("minimum tier rank"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Most open (offered or accepted) leads a partner may hold; empty: no limit."),
    )
    sla_hours = models.PositiveIntegerField(
        _("answer time (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the global answer time."),
    )
    default_weight = models.DecimalField(
        _("default weight"),
        max_digits=8,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    weights = models.JSONField(
        _("performance weights"),
        default=dict,
        blank=True,
        help_text=_('By partner id, e.g. {"12": 3, "15": 1}; others get the default weight.'),
    )

    class Meta:
        verbose_name = _("lead routing rule")
        verbose_name_plural = _("lead routing rules")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        for name in ("countries", "regions", "industries"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = _("Enter a list of names.")
        if "countries" not in errors:
            self.countries = [c.strip().upper() for c in self.countries if c.strip()]
        weights = self.weights
        if not isinstance(weights, dict):
            errors["weights"] = _("Enter an object of partner ids and weights.")
        else:
            for key, value in weights.items():
                if not str(key).isdigit() or not isinstance(value, int | float) or value < 0:
                    errors["weights"] = _(
                        "Each weight needs a partner id and a number of at least 0."
                    )
                    break
        if errors:
            raise ValidationError(errors)

    def weight_of(self, partner_id: int) -> float:
        value = (self.weights or {}).get(str(partner_id))
        return float(self.default_weight if value is None else value)

    def effective_sla_hours(self) -> int:
        return self.sla_hours or global_sla_hours()


class AssignmentResponse(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer in time")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LeadAssignment(BusinessModel):
    """One offer of a lead to a partner, with why that partner was chosen."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="assignments"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+"
    )
    rule = models.ForeignKey(
        LeadRoutingRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    rule_name = models.CharField(_("rule name"), max_length=120, blank=True)
    seed = models.BigIntegerField(_("seed"), default=0)
    candidates = models.JSONField(_("candidates"), default=list, blank=True)
    # In every language of the site (prm.core.translated); read explanation_text.
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    offered_at = models.DateTimeField(_("offered"))
    sla_due = models.DateTimeField(_("answer by"))
    response = models.CharField(
        _("response"),
        max_length=16,
        choices=AssignmentResponse.choices,
        default=AssignmentResponse.PENDING,
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    # Staff's record: the candidates and the explanation name other partners.
    access_policy = PartnerPolicy(partner_path="partner", staff_only=True)

    class Meta:
        verbose_name = _("lead assignment")
        verbose_name_plural = _("lead assignments")
        ordering = ["-offered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.lead_id} → {self.partner_id}"

    @property
    def explanation_text(self) -> str:
        """Why this partner was chosen, in the reader's language."""
        return in_reader_language(self.explanation)
