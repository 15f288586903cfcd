"""Commission rules, their brackets, and the statements paid to partners per period."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.commissions import engine
from prm.core.access import Action, PartnerPolicy
from prm.core.models import BusinessModel
from prm.partners.models import Partner, Tier, TypeCode


def validate_currency(value: str) -> None:
    if value not in engine.CURRENCIES:
        raise ValidationError(
            _("%(value)s is not a supported ISO 4217 currency code."),
            code="currency",
            params={"value": value},
        )


RATE_VALIDATORS = [
    MinValueValidator(Decimal(0), _("A rate cannot be negative.")),
    MaxValueValidator(Decimal(100), _("A rate cannot be more than 100%%.")),
]


class RuleKind(models.TextChoices):
    PERCENTAGE = "percentage", _("Percentage of the won amount")
    TIERED = "tiered", _("Tiered brackets over the period's total")


class BracketMode(models.TextChoices):
    MARGINAL = "marginal", _("Marginal: each slice at its bracket's rate")
    WHOLE = "whole", _("Whole total at the rate of the bracket reached")


class CommissionRule(BusinessModel):
    """How much a partner earns on its won deals. Blank criteria match anything; the most
    specific active rule wins (see ``prm.commissions.engine``)."""

    name = models.CharField(_("name"), max_length=120)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commission_rules",
        help_text=_("Leave blank for every partner."),
    )
    partner_type = models.CharField(
        _("partner type"),
        max_length=16,
        choices=TypeCode.choices,
        blank=True,
        help_text=_("Leave blank for every type."),
    )
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave blank for every tier."),
    )
    product_category = models.ForeignKey(
        "sales.ProductCategory",
        verbose_name=_("product category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave blank for every product category."),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=RuleKind.choices, default=RuleKind.PERCENTAGE
    )
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=7,
        decimal_places=4,
        default=Decimal(0),
        validators=RATE_VALIDATORS,
        help_text=_("For a percentage rule: the percentage of each won deal's amount."),
    )
    bracket_mode = models.CharField(
        _("bracket mode"), max_length=16, choices=BracketMode.choices, default=BracketMode.MARGINAL
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=engine.CURRENCY_CHOICES,
        default=engine.DEFAULT_CURRENCY,
        validators=[validate_currency],
        help_text=_("The rule applies to deals in this currency."),
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    # Staff only. A rule for one partner may be changed by that partner's manager; rules for
    # every partner by admins.
    access_policy = PartnerPolicy(partner_path="partner", staff_only=True)

    class Meta:
        verbose_name = _("commission rule")
        verbose_name_plural = _("commission rules")
        ordering = ["-effective_from", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError(
                {"effective_to": _("The end date cannot be before the start date.")}
            )

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("commissions:rule_edit", args=[self.pk])

    @property
    def criteria(self) -> list[str]:
        parts = []
        if self.partner_id:
            parts.append(str(self.partner))
        if self.partner_type:
            parts.append(str(TypeCode(self.partner_type).label))
        if self.tier_id:
            parts.append(str(self.tier))
        if self.product_category_id:
            parts.append(str(self.product_category))
        return parts

    def describe(self) -> str:
        """The rule's terms in a line, for statements."""
        if self.kind == RuleKind.PERCENTAGE:
            return str(_("%(rate)s%% of the won amount") % {"rate": _rate_text(self.rate)})
        brackets = ", ".join(b.describe() for b in self.brackets.all())
        mode = _("marginal") if self.bracket_mode == BracketMode.MARGINAL else _("whole total")
        return str(
            _("Tiered over the period's total (%(mode)s): %(brackets)s")
            % {"mode": mode, "brackets": brackets}
        )


def _rate_text(rate: Decimal) -> str:
    text = format(Decimal(rate).normalize(), "f")
    return text


class CommissionBracket(BusinessModel):
    """One bracket of a tiered rule: from ``from_amount`` (inclusive) to ``to_amount``
    (exclusive; blank for no upper end), paid at ``rate`` percent."""

    rule = models.ForeignKey(
        CommissionRule,
        verbose_name=_("rule"),
        on_delete=models.CASCADE,
        related_name="brackets",
    )
    from_amount = models.DecimalField(
        _("from amount"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0), _("The amount cannot be negative."))],
    )
    to_amount = models.DecimalField(
        _("to amount"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    rate = models.DecimalField(
        _("rate (%)"), max_digits=7, decimal_places=4, validators=RATE_VALIDATORS
    )

    access_policy = PartnerPolicy(partner_path="rule__partner", staff_only=True)

    class Meta:
        verbose_name = _("commission bracket")
        verbose_name_plural = _("commission brackets")
        ordering = ["from_amount", "id"]

    def __str__(self) -> str:
        return self.describe()

    def clean(self):
        if (
            self.to_amount is not None
            and self.from_amount is not None
            and self.to_amount <= self.from_amount
        ):
            raise ValidationError(
                {"to_amount": _("The upper amount must be more than the lower amount.")}
            )

    def describe(self) -> str:
        upper = "∞" if self.to_amount is None else f"{self.to_amount:,.0f}"
        return f"{self.from_amount:,.0f}-{upper}: {_rate_text(self.rate)}%"

    def as_bracket(self) -> engine.Bracket:
        return engine.Bracket(self.from_amount, self.to_amount, self.rate)


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


class CommissionStatement(BusinessModel):
    """A partner's commissions for one period and currency. Drafts are regenerated at will;
    once approved a statement is frozen, and later corrections go to the next statement."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="commission_statements",
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=engine.CURRENCY_CHOICES,
        default=engine.DEFAULT_CURRENCY,
        validators=[validate_currency],
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=StatementStatus.choices,
        default=StatementStatus.DRAFT,
        db_index=True,
    )
    total = models.DecimalField(_("total"), max_digits=18, decimal_places=2, default=Decimal(0))
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked paid by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    access_policy = PartnerPolicy(partner_path="partner", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("commission statement")
        verbose_name_plural = _("commission statements")
        ordering = ["-period_start", "partner__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "period_kind", "period_start", "currency"],
                name="commission_statement_unique_period",
                violation_error_message=_(
                    "This partner already has a statement for this period and currency."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.period_label} {self.currency}"

    @property
    def period(self) -> engine.Period:
        return engine.period_of(self.period_kind, self.period_start)

    @property
    def period_label(self) -> str:
        return self.period.label

    @property
    def is_frozen(self) -> bool:
        return self.status != StatementStatus.DRAFT

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("commissions:statement_detail", args=[self.pk])


class LineKind(models.TextChoices):
    COMMISSION = "commission", _("Commission")
    ADJUSTMENT = "adjustment", _("Adjustment")


class StatementLine(BusinessModel):
    """One deal on a statement, with what it was paid on and how; or an adjustment for a
    deal corrected after the statement that paid it was approved."""

    statement = models.ForeignKey(
        CommissionStatement,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=LineKind.choices, default=LineKind.COMMISSION
    )
    deal = models.ForeignKey(
        "sales.Deal",
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deal_title = models.CharField(_("deal"), max_length=200, blank=True)
    customer = models.CharField(_("customer"), max_length=200, blank=True)
    won_at = models.DateTimeField(_("won at"), null=True, blank=True)
    deal_amount = models.DecimalField(
        _("deal amount"), max_digits=18, decimal_places=2, default=Decimal(0)
    )
    # A rule that paid a statement stays: deactivate it instead of deleting it.
    rule = models.ForeignKey(
        CommissionRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule_name = models.CharField(_("rule"), max_length=120, blank=True)
    rule_terms = models.CharField(_("terms"), max_length=500, blank=True)
    rate = models.DecimalField(_("rate (%)"), max_digits=9, decimal_places=4, default=Decimal(0))
    amount = models.DecimalField(_("commission"), max_digits=18, decimal_places=2)
    adjusts = models.ForeignKey(
        CommissionStatement,
        verbose_name=_("adjusts statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    access_policy = PartnerPolicy(
        partner_path="statement__partner", portal_user=frozenset({Action.VIEW})
    )

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["kind", "won_at", "id"]

    def __str__(self) -> str:
        return f"{self.deal_title} {self.amount}"
