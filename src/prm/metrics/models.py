"""Metrics and their observations per partner and period; the records some metrics are
derived from: supplier delivery lines and reseller sales.

A metric says what is measured (unit, whether higher or lower is better) and how values
roll up over time (see ``prm.metrics.selectors.values_for``). Observations come from four
sources: typed in, imported, posted through the API, or derived by the system from its own
records (``prm.metrics.derivations``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from prm.accounts.roles import PORTAL_ROLES, Role
from prm.core.access import Action, PartnerPolicy, Policy
from prm.core.models import BusinessModel
from prm.metrics.currency import CURRENCY_CHOICES, validate_currency
from prm.metrics.periods import Period, PeriodKind

CODE_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
validate_code = RegexValidator(
    CODE_PATTERN,
    _(
        "A code starts with a lower-case letter and holds only lower-case letters, digits "
        "and underscores (at most 63 characters)."
    ),
    code="code",
)


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Rollup(models.TextChoices):
    SUM = "sum", _("Sum")
    AVERAGE = "average", _("Average")
    LAST = "last", _("Last value")
    RATIO = "ratio", _("Ratio of two sums")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")
    API = "api", _("API")
    DERIVED = "derived", _("Derived")


@dataclass(frozen=True)
class ReferencePolicy(Policy):
    """Reference data: staff read all of it, admins change it; portal users read the
    active rows (partners see metric names on their scorecard, not retired ones)."""

    def filter(self, user, role: Role, action: Action) -> Q | None:
        if role == Role.ADMIN:
            return Q()
        if action != Action.VIEW:
            return None
        if role in PORTAL_ROLES:
            return Q(active=True) if user.partner_id else None
        return Q()


class Metric(BusinessModel):
    code = models.CharField(_("code"), max_length=63, unique=True, validators=[validate_code])
    name_ko = models.CharField(_("name (Korean)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    unit = models.CharField(
        _("unit"), max_length=16, blank=True, help_text=_('For example "%", "KRW", "건", "days".')
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    rollup = models.CharField(
        _("roll-up"), max_length=8, choices=Rollup.choices, default=Rollup.SUM
    )
    numerator = models.ForeignKey(
        "self",
        verbose_name=_("numerator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name=_("denominator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    multiplier = models.DecimalField(
        _("multiplier"),
        max_digits=12,
        decimal_places=4,
        default=Decimal("1"),
        help_text=_("A ratio is multiplied by this: 100 for a percentage."),
    )
    integer = models.BooleanField(
        _("whole numbers only"), default=False, help_text=_("Counts: 2.5 is refused.")
    )
    min_value = models.DecimalField(
        _("smallest value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("largest value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.MANUAL
    )
    derivation = models.CharField(
        _("derivation"),
        max_length=63,
        blank=True,
        help_text=_("The name of the derivation that computes a derived metric."),
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    access_policy = ReferencePolicy()

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ko if (get_language() or "ko").startswith("ko") else self.name_en

    def get_absolute_url(self) -> str:
        return reverse("metrics:metric_detail", args=[self.pk])

    def clean(self):
        from prm.metrics.derivations import registry

        errors: dict[str, list] = {}
        if self.rollup == Rollup.RATIO:
            if not self.numerator_id:
                errors.setdefault("numerator", []).append(
                    _("A ratio needs the metric it divides (the numerator).")
                )
            if not self.denominator_id:
                errors.setdefault("denominator", []).append(
                    _("A ratio needs the metric it divides by (the denominator).")
                )
            for name in ("numerator", "denominator"):
                part = getattr(self, name) if getattr(self, f"{name}_id") else None
                if part is not None and (part.pk == self.pk and self.pk is not None):
                    errors.setdefault(name, []).append(_("A ratio cannot divide by itself."))
                elif part is not None and part.rollup == Rollup.RATIO:
                    errors.setdefault(name, []).append(
                        _("The parts of a ratio must be sums, averages or last values.")
                    )
        elif self.numerator_id or self.denominator_id:
            errors.setdefault("rollup", []).append(
                _("Only a ratio has a numerator and a denominator.")
            )
        if self.source == Source.DERIVED:
            if not self.derivation:
                errors.setdefault("derivation", []).append(
                    _("A derived metric names the derivation that computes it.")
                )
            elif self.derivation not in registry():
                errors.setdefault("derivation", []).append(
                    _("%(name)s is not a registered derivation; choose one of: %(names)s")
                    % {"name": self.derivation, "names": ", ".join(sorted(registry()))}
                )
        elif self.derivation:
            errors.setdefault("derivation", []).append(
                _("Only a derived metric names a derivation.")
            )
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors.setdefault("max_value", []).append(
                _("The largest value must not be below the smallest.")
            )
        if errors:
            raise ValidationError(errors)


class Observation(BusinessModel):
    """A metric's value for one partner in one period."""

    metric = models.ForeignKey(
        Metric, verbose_name=_("metric"), on_delete=models.PROTECT, related_name="observations"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.MANUAL
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    access_policy = PartnerPolicy(partner_path="partner", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-period_start", "metric__code", "partner_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "partner", "period_kind", "period_start"],
                name="metrics_observation_unique_period",
            )
        ]
        indexes = [
            # Covering on PostgreSQL: sums per period (dashboards, scorecards) read the
            # index alone, not millions of heap rows.
            models.Index(
                fields=["metric", "period_kind", "period_start"],
                include=["partner", "value"],
                name="metrics_obs_metric_period_cov",
            ),
            models.Index(fields=["partner", "period_start"], name="metrics_obs_partner_start"),
        ]

    def __str__(self) -> str:
        return f"{self.metric_id} {self.period_label}: {self.value}"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start)

    @property
    def period_label(self) -> str:
        try:
            return self.period.label
        except ValueError:
            return str(self.period_start)

    def clean(self):
        errors: dict[str, list] = {}
        if self.period_kind and self.period_start:
            try:
                Period(self.period_kind, self.period_start)
            except ValueError:
                errors["period_start"] = [
                    _("The period starts on its first day (a month on the 1st).")
                ]
        if errors:
            raise ValidationError(errors)


class DeliveryLine(BusinessModel):
    """One purchase-order line of a supplier partner and what was received against it."""

    supplier = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        related_name="delivery_lines",
    )
    po_number = models.CharField(_("PO number"), max_length=64)
    line_number = models.PositiveIntegerField(_("line"))
    item = models.CharField(_("item"), max_length=200, blank=True)
    qty_ordered = models.DecimalField(
        _("quantity ordered"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    qty_received = models.DecimalField(
        _("quantity received"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    qty_rejected = models.DecimalField(
        _("quantity rejected"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    order_date = models.DateField(_("order date"), db_index=True)
    promised_date = models.DateField(_("promised date"), db_index=True)
    received_date = models.DateField(_("received date"), null=True, blank=True, db_index=True)
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=18,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=CURRENCY_CHOICES,
        default="KRW",
        validators=[validate_currency],
    )
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=4)
    amount_krw = models.DecimalField(
        _("amount (KRW)"), max_digits=22, decimal_places=2, editable=False, default=Decimal("0")
    )

    access_policy = PartnerPolicy(partner_path="supplier", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("delivery line")
        verbose_name_plural = _("delivery lines")
        ordering = ["-order_date", "po_number", "line_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "po_number", "line_number"],
                name="metrics_deliveryline_natural_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.po_number}/{self.line_number}"

    @property
    def is_open(self) -> bool:
        return self.received_date is None

    @property
    def lead_time_days(self) -> int | None:
        if self.received_date is None:
            return None
        return (self.received_date - self.order_date).days

    def on_time(self, today=None) -> bool | None:
        """True/False once it counts; None while it is open and not yet due."""
        if self.received_date is not None:
            return self.received_date <= self.promised_date
        today = today or timezone.localdate()
        return False if self.promised_date < today else None

    def clean(self):
        errors: dict[str, list] = {}
        received, ordered, rejected = self.qty_received, self.qty_ordered, self.qty_rejected
        if received is not None and ordered is not None and received > ordered:
            errors.setdefault("qty_received", []).append(
                _("More was received (%(received)s) than ordered (%(ordered)s).")
                % {"received": received, "ordered": ordered}
            )
        if rejected is not None and received is not None and rejected > received:
            errors.setdefault("qty_rejected", []).append(
                _("More was rejected (%(rejected)s) than received (%(received)s).")
                % {"rejected": rejected, "received": received}
            )
        if self.order_date and self.promised_date and self.promised_date < self.order_date:
            errors.setdefault("promised_date", []).append(
                _("The promised date (%(promised)s) is before the order date (%(ordered)s).")
                % {"promised": self.promised_date, "ordered": self.order_date}
            )
        if self.order_date and self.received_date and self.received_date < self.order_date:
            errors.setdefault("received_date", []).append(
                _("The received date (%(received)s) is before the order date (%(ordered)s).")
                % {"received": self.received_date, "ordered": self.order_date}
            )
        if self.received_date and self.qty_received == 0 and self.qty_ordered:
            # A receipt date with nothing received is a data error, not a delivery.
            errors.setdefault("qty_received", []).append(
                _("A line with a received date needs the quantity received.")
            )
        if errors:
            raise ValidationError(errors)


class ResellerSale(BusinessModel):
    """A sale a reseller partner reports (sell-through); it becomes the partner's revenue."""

    reseller = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("reseller"),
        on_delete=models.CASCADE,
        related_name="reseller_sales",
    )
    date = models.DateField(_("date"), db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=4)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=CURRENCY_CHOICES,
        default="KRW",
        validators=[validate_currency],
    )
    amount_krw = models.DecimalField(
        _("amount (KRW)"), max_digits=22, decimal_places=2, editable=False, default=Decimal("0")
    )
    territory = models.CharField(_("territory"), max_length=100, blank=True)
    external_id = models.CharField(_("external id"), max_length=64)

    access_policy = PartnerPolicy(partner_path="reseller", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("reseller sale")
        verbose_name_plural = _("reseller sales")
        ordering = ["-date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reseller", "external_id"], name="metrics_resellersale_natural_key"
            )
        ]

    def __str__(self) -> str:
        return self.external_id
