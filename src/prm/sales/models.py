"""Co-selling: end-customer accounts, deal registrations, conflicts and the shared pipeline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from prm.accounts.roles import PORTAL_ROLES, Role
from prm.core.access import Action, PartnerPolicy, Policy
from prm.core.models import BusinessModel
from prm.partners.models import Partner
from prm.partners.names import name_key
from prm.partners.validators import format_brn, normalize_brn, normalize_domain

# ISO 4217 codes accepted for deal amounts (the common ones; extend as needed).
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
    "AUD",
    "CAD",
    "CHF",
    "VND",
    "THB",
    "IDR",
    "INR",
    "MYR",
    "PHP",
)
CURRENCY_CHOICES = [(c, c) for c in CURRENCIES]


def validate_currency(value: str) -> None:
    if value not in CURRENCIES:
        raise ValidationError(
            _("%(value)s is not a supported ISO 4217 currency code."),
            code="currency",
            params={"value": value},
        )


def _localized(ko: str, en: str) -> str:
    return ko if (get_language() or "ko").startswith("ko") else en


class ProductCategory(models.Model):
    """A product line (software, hardware, services, support): conflicts and commissions."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return _localized(self.name_ko, self.name_en)


class StageCode(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("deal stage", "Registered")
    QUALIFIED = "qualified", _("Qualified")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class PipelineStage(models.Model):
    """A pipeline stage with the win probability an admin sets."""

    code = models.CharField(_("code"), max_length=16, unique=True, choices=StageCode.choices)
    name_ko = models.CharField(_("name (Korean)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)
    probability = models.DecimalField(
        _("probability (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_won = models.BooleanField(_("won stage"), default=False)
    is_lost = models.BooleanField(_("lost stage"), default=False)

    audited = True

    class Meta:
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return _localized(self.name_ko, self.name_en)

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


class AccountPolicy(Policy):
    """End customers are staff data; a portal user sees only the accounts of its own deals.

    Admins do everything, partner managers read, add and change, analysts read.
    """

    def filter(self, user, role, action):
        if role == Role.ADMIN:
            return Q()
        if role == Role.ANALYST:
            return Q() if action == Action.VIEW else None
        if role == Role.PARTNER_MANAGER:
            return Q() if action != Action.DELETE else None
        if role in (Role.PARTNER_ADMIN, Role.PARTNER_USER) and user.partner_id:
            if action != Action.VIEW:
                return None
            deal = apps.get_model("sales", "Deal")
            own = deal._base_manager.filter(partner_id=user.partner_id).values("account_id")
            return Q(pk__in=own)
        return None


class Account(BusinessModel):
    """An end customer a deal is sold to."""

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    registration_number = models.CharField(
        _("business registration number"), max_length=12, blank=True, db_index=True
    )
    domain = models.CharField(_("domain"), max_length=253, blank=True, db_index=True)
    country = CountryField(_("country"), default="KR")
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    aliases = models.TextField(
        _("aliases"), blank=True, help_text=_("Other names of the customer, one per line.")
    )

    # The name keys of the aliases, one per line: candidate search for conflicts.
    alias_keys = models.TextField(blank=True, editable=False)

    access_policy = AccountPolicy()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        keys = [name_key(alias) for alias in self.alias_list]
        self.alias_keys = "\n".join(k for k in keys if k)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "aliases"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key", "alias_keys"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        errors = {}
        for field_name, normalize in (
            ("registration_number", normalize_brn),
            ("domain", normalize_domain),
        ):
            try:
                setattr(self, field_name, normalize(getattr(self, field_name)))
            except ValidationError as exc:
                errors[field_name] = exc.error_list
        try:
            super().clean_fields(exclude=[*(exclude or []), *errors])
        except ValidationError as exc:
            errors.update(exc.error_dict)
        if errors:
            raise ValidationError(errors)

    @property
    def alias_list(self) -> list[str]:
        text = (self.aliases or "").strip()
        if not text:
            return []
        if text.startswith("["):
            try:
                return [str(a).strip() for a in json.loads(text) if str(a).strip()]
            except ValueError:
                pass
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def registration_number_display(self) -> str:
        return format_brn(self.registration_number)


class DealStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    INFO_REQUESTED = "info_requested", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")


OPEN_STATUSES = (
    DealStatus.SUBMITTED,
    DealStatus.UNDER_REVIEW,
    DealStatus.INFO_REQUESTED,
)
PENDING_STATUSES = OPEN_STATUSES
ACTIVE_STATUSES = (*OPEN_STATUSES, DealStatus.APPROVED)


class Deal(BusinessModel):
    """A partner's deal registration, and the opportunity it becomes in the pipeline."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="deals"
    )
    account = models.ForeignKey(
        Account, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="deals"
    )
    # The customer's name as this partner registered it (the shared account may spell it
    # differently; a partner sees its own words, never another partner's).
    customer_name = models.CharField(_("customer name"), max_length=200, blank=True)
    contact_name = models.CharField(_("customer contact"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    title = models.CharField(_("deal name"), max_length=200)
    products = models.TextField(_("products or solution"), blank=True)
    product_category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), _("The amount cannot be negative."))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="KRW", validators=[validate_currency]
    )
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("registration status"),
        max_length=16,
        choices=DealStatus.choices,
        default=DealStatus.SUBMITTED,
        db_index=True,
    )
    decision_reason = models.TextField(_("decision reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage = models.ForeignKey(
        PipelineStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals"
    )
    protection_until = models.DateField(_("protected until"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-selling owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_deals",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"), db_index=True)
    last_progress_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    won_at = models.DateTimeField(_("won at"), null=True, blank=True)
    lost_at = models.DateTimeField(_("lost at"), null=True, blank=True)
    close_reason = models.TextField(_("won/lost reason"), blank=True)
    has_conflict = models.BooleanField(_("possible conflict"), default=False, db_index=True)

    access_policy = PartnerPolicy(
        partner_path="partner",
        portal_user=frozenset({Action.VIEW, Action.ADD, Action.CHANGE}),
        portal_admin=frozenset({Action.VIEW, Action.ADD, Action.CHANGE}),
    )

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-registered_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sales:detail", args=[self.pk])

    @property
    def customer_display(self) -> str:
        return self.customer_name or self.account.name

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.stage.probability / Decimal(100)).quantize(Decimal("0.01"))

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.stage.is_closed


class DealRole(models.TextChoices):
    DISTRIBUTOR = "distributor", _("Distributor")
    RESELLER = "reseller", _("Reseller")


class DealPartner(BusinessModel):
    """A partner on a two-tier deal, with its role."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="partner_roles"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="deal_roles"
    )
    role = models.CharField(_("role"), max_length=16, choices=DealRole.choices)

    # Staff manage the roles; the portal shows a deal to its registering partner only.
    access_policy = PartnerPolicy(partner_path="deal__partner", staff_only=True)

    class Meta:
        verbose_name = _("deal partner")
        verbose_name_plural = _("deal partners")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "partner"], name="deal_partner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_role_display()})"


class ConflictReason(models.TextChoices):
    REGISTRATION_NUMBER = "registration_number", _("Same business registration number")
    DOMAIN = "domain", _("Same domain")
    NAME = "name", _("Similar company name")
    ALIAS = "alias", _("Matches an alias")


class DealConflict(BusinessModel):
    """A possible conflict found for a registration: another deal, or an existing account."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="conflicts"
    )
    conflicting_deal = models.ForeignKey(
        Deal,
        verbose_name=_("conflicting deal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("matching account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=24, choices=ConflictReason.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, default=Decimal("0"))
    product_line_match = models.BooleanField(_("same product line"), default=False)

    # Reviewers only: a partner never learns about another partner's deal.
    access_policy = PartnerPolicy(partner_path="deal__partner", staff_only=True)

    class Meta:
        verbose_name = _("deal conflict")
        verbose_name_plural = _("deal conflicts")
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.score})"


class ActivityKind(models.TextChoices):
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    STAGE = "stage", _("Stage change")
    DECISION = "decision", _("Decision")


@dataclass(frozen=True)
class DealActivityPolicy(PartnerPolicy):
    """Staff as :class:`PartnerPolicy`; a portal user reads the activities of its own
    partner's deals that are shared (its own are always shared), never staff-internal
    notes, and adds activities to its own partner's deals."""

    def filter(self, user, role, action):
        rule = super().filter(user, role, action)
        if rule is not None and role in PORTAL_ROLES and action != Action.ADD:
            rule &= Q(shared=True)
        return rule


class DealActivity(BusinessModel):
    """An activity or note on a deal: the co-selling log of staff and the partner.

    Staff notes are internal unless staff share them; what the partner writes is shared.
    """

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=ActivityKind.choices, default=ActivityKind.NOTE
    )
    text = models.TextField(_("text"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), db_index=True)
    shared = models.BooleanField(
        _("shared with the partner"),
        default=False,
        help_text=_("Internal notes are seen by staff only."),
    )

    access_policy = DealActivityPolicy(
        partner_path="deal__partner",
        portal_user=frozenset({Action.VIEW, Action.ADD}),
    )

    class Meta:
        verbose_name = _("deal activity")
        verbose_name_plural = _("deal activities")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class LaterRegistration(models.TextChoices):
    REJECT = "reject", _("Reject it automatically")
    QUEUE = "queue", _("Queue it for review")


class DealRules(models.Model):
    """The registration rules everyone can read and admins edit (one row)."""

    protection_days = models.PositiveIntegerField(
        _("protection period (days)"),
        default=90,
        validators=[MinValueValidator(1)],
        help_text=_("The first approved registration is protected for this long."),
    )
    later_registration = models.CharField(
        _("a later conflicting registration is"),
        max_length=8,
        choices=LaterRegistration.choices,
        default=LaterRegistration.QUEUE,
    )
    expiry_days = models.PositiveIntegerField(
        _("expire approved deals without progress after (days)"),
        default=60,
        validators=[MinValueValidator(1)],
    )
    name_threshold = models.PositiveSmallIntegerField(
        _("name similarity threshold (0-100)"),
        default=88,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
    )

    audited = True

    class Meta:
        verbose_name = _("deal registration rules")
        verbose_name_plural = _("deal registration rules")

    def __str__(self) -> str:
        return str(_("Deal registration rules"))

    @classmethod
    def load(cls) -> DealRules:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj
