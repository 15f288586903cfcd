"""KPIs as safe formulas over metrics, targets, weighted scorecards per period with standings
and their actions, results with the snapshot they were computed with, and disputes.

KPIs, templates, their weights and standing bands are reference data (defined by admins,
read by every signed-in user: a partner sees KPI names on its scorecard). Targets, results
and disputes belong to a partner and go through the access layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from prm.core.access import Action, PartnerPolicy
from prm.core.models import BusinessModel
from prm.metrics.periods import Period, PeriodKind
from prm.partners.models import PartnerType, Tier

CODE_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
validate_code = RegexValidator(
    CODE_PATTERN,
    _(
        "A code starts with a lower-case letter and holds only lower-case letters, digits "
        "and underscores (at most 63 characters)."
    ),
    code="code",
)


def _localized(obj) -> str:
    return obj.name_ko if (get_language() or "ko").startswith("ko") else obj.name_en


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class ScoringRule(models.TextChoices):
    LINEAR = "linear", _("Linear between floor and target")
    BANDS = "bands", _("Bands of values")


class Standing(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("standing", "Excellent")
    GOOD = "good", pgettext_lazy("standing", "Good")
    WATCH = "watch", pgettext_lazy("standing", "Watch")
    CRITICAL = "critical", pgettext_lazy("standing", "Critical")


# Best first: a higher band must carry a better (or equal) standing.
STANDING_RANK = {
    Standing.EXCELLENT: 0,
    Standing.GOOD: 1,
    Standing.WATCH: 2,
    Standing.CRITICAL: 3,
}
STANDING_BADGES = {
    Standing.EXCELLENT: "text-bg-success",
    Standing.GOOD: "text-bg-primary",
    Standing.WATCH: "text-bg-warning",
    Standing.CRITICAL: "text-bg-danger",
}
DEFAULT_BANDS = (
    (Standing.EXCELLENT, Decimal(85), Decimal(100), ["notify"]),
    (Standing.GOOD, Decimal(70), Decimal(85), []),
    (Standing.WATCH, Decimal(50), Decimal(70), ["notify", "open_risk"]),
    (Standing.CRITICAL, Decimal(0), Decimal(50), ["notify", "open_risk", "hold", "tier_review"]),
)


class StandingAction(models.TextChoices):
    NOTIFY = "notify", _("Notify the owner and the partner")
    OPEN_RISK = "open_risk", _("Open a risk")
    HOLD = "hold", _("Put the partner on hold")
    TIER_REVIEW = "tier_review", _("Propose a tier review")


TEMPLATE_PERIODS = [
    (PeriodKind.MONTH.value, PeriodKind.MONTH.label),
    (PeriodKind.QUARTER.value, PeriodKind.QUARTER.label),
    (PeriodKind.YEAR.value, PeriodKind.YEAR.label),
]


class KPI(models.Model):
    """A key performance indicator: a formula over metric codes, scored against a target."""

    code = models.CharField(_("code"), max_length=63, unique=True, validators=[validate_code])
    name_ko = models.CharField(_("name (Korean)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    formula = models.CharField(
        _("formula"),
        max_length=1000,
        help_text=_(
            "Metric codes, numbers, + - * /, comparisons, min, max, abs, round and "
            "if(condition, then, else); e.g. on_time_lines / total_lines * 100"
        ),
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    scoring = models.CharField(
        _("scoring rule"), max_length=8, choices=ScoringRule.choices, default=ScoringRule.LINEAR
    )
    target = models.DecimalField(
        _("default target"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Used when neither the partner nor its tier has a target."),
    )
    floor = models.DecimalField(
        _("default floor"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("The value that scores 0 (linear rule)."),
    )
    bands = models.JSONField(
        _("bands"),
        default=list,
        blank=True,
        help_text=_('Value ranges and their scores: [{"min": 0, "max": 90, "score": 0}, …]'),
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    audited = True

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scorecards:kpi_detail", args=[self.pk])

    @property
    def name(self) -> str:
        return _localized(self)


class Target(BusinessModel):
    """A KPI's target (and floor) for a tier or for one partner; the partner's wins."""

    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="targets"
    )
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kpi_targets",
    )
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    floor = models.DecimalField(_("floor"), max_digits=20, decimal_places=4, null=True, blank=True)

    # Staff set targets; partners see theirs in the scorecard's snapshot.
    access_policy = PartnerPolicy(partner_path="partner", staff_only=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["kpi", "tier", "partner", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tier__isnull=True, partner__isnull=False)
                | models.Q(tier__isnull=False, partner__isnull=True),
                name="target_tier_or_partner",
            ),
            models.UniqueConstraint(fields=["kpi", "tier"], name="target_unique_tier"),
            models.UniqueConstraint(fields=["kpi", "partner"], name="target_unique_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} · {self.partner or self.tier}: {self.target}"

    def clean(self):
        if (self.tier_id is None) == (self.partner_id is None):
            raise ValidationError(_("A target is for a tier or for a partner, not both."))


class ScorecardTemplate(models.Model):
    """What a scorecard weighs: KPIs with weights summing to 100, per period kind, for some
    partner types, with the standings its score bands give."""

    name_ko = models.CharField(_("name (Korean)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    period_kind = models.CharField(
        _("period"), max_length=8, choices=TEMPLATE_PERIODS, default=PeriodKind.QUARTER
    )
    partner_types = models.ManyToManyField(
        PartnerType, verbose_name=_("partner types"), related_name="scorecard_templates"
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    audited = True

    class Meta:
        verbose_name = _("scorecard template")
        verbose_name_plural = _("scorecard templates")
        ordering = ["name_en", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scorecards:template_detail", args=[self.pk])

    @property
    def name(self) -> str:
        return _localized(self)


class TemplateKPI(models.Model):
    template = models.ForeignKey(
        ScorecardTemplate,
        verbose_name=_("scorecard template"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="template_lines"
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    audited = True

    class Meta:
        verbose_name = _("KPI weight")
        verbose_name_plural = _("KPI weights")
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "kpi"], name="template_kpi_once")
        ]

    def __str__(self) -> str:
        return f"{self.kpi} ({self.weight})"


class StandingBand(models.Model):
    """Scores from ``min_score`` (inclusive) to ``max_score`` (exclusive; 100 inclusive)
    give ``standing`` and trigger ``actions``."""

    template = models.ForeignKey(
        ScorecardTemplate,
        verbose_name=_("scorecard template"),
        on_delete=models.CASCADE,
        related_name="bands",
    )
    standing = models.CharField(_("standing"), max_length=10, choices=Standing.choices)
    min_score = models.DecimalField(_("from score"), max_digits=5, decimal_places=2)
    max_score = models.DecimalField(_("to score"), max_digits=5, decimal_places=2)
    actions = models.JSONField(_("actions"), default=list, blank=True)

    audited = True

    class Meta:
        verbose_name = _("standing band")
        verbose_name_plural = _("standing bands")
        ordering = ["template", "-min_score"]

    def __str__(self) -> str:
        return f"{self.get_standing_display()} {self.min_score}-{self.max_score}"


def _decimal(value, default: Decimal | None = None) -> Decimal | None:
    return default if value is None else Decimal(value)


@dataclass(frozen=True)
class KPILine:
    """One KPI line of a scorecard as its snapshot stored it: the value, the target it was
    scored against, the score, its weight before and after weighting out KPIs with no
    data, and the inputs (metric code → value as text, None for no data)."""

    kpi_id: int | None
    code: str
    name_ko: str
    name_en: str
    formula: str
    unit: str
    direction: str
    scoring: str
    value: Decimal | None
    target: Decimal | None
    floor: Decimal | None
    target_source: str
    score: Decimal | None
    weight: Decimal
    effective_weight: Decimal
    inputs: dict[str, str | None]
    order: int

    @classmethod
    def of(cls, item: dict, order: int) -> KPILine:
        return cls(
            kpi_id=item.get("kpi"),
            code=item.get("code", ""),
            name_ko=item.get("name_ko", ""),
            name_en=item.get("name_en", ""),
            formula=item.get("formula", ""),
            unit=item.get("unit", ""),
            direction=item.get("direction", ""),
            scoring=item.get("scoring", ""),
            value=_decimal(item.get("value")),
            target=_decimal(item.get("target")),
            floor=_decimal(item.get("floor")),
            target_source=item.get("target_source", ""),
            score=_decimal(item.get("score")),
            weight=_decimal(item.get("weight"), Decimal(0)),
            effective_weight=_decimal(item.get("effective_weight"), Decimal(0)),
            inputs=dict(item.get("inputs") or {}),
            order=order,
        )

    @property
    def name(self) -> str:
        return (self.name_ko if (get_language() or "ko").startswith("ko") else self.name_en) or (
            self.code
        )

    @property
    def has_data(self) -> bool:
        return self.score is not None


class ScorecardResult(BusinessModel):
    """A partner's scorecard for one period, stored with everything it was computed from
    (``snapshot``), so that a later change of template or target never changes it."""

    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="scorecard_results",
    )
    template = models.ForeignKey(
        ScorecardTemplate,
        verbose_name=_("scorecard template"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"), db_index=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    standing = models.CharField(
        _("standing"), max_length=10, choices=Standing.choices, blank=True, db_index=True
    )
    previous_standing = models.CharField(
        _("previous standing"), max_length=10, choices=Standing.choices, blank=True
    )
    snapshot = models.JSONField(_("computed with"), default=dict)
    # A digest of the snapshot: a recompute compares it instead of reading every snapshot.
    fingerprint = models.CharField(max_length=40, blank=True, editable=False)
    computed_at = models.DateTimeField(_("computed at"))

    # A new result's entry records score, standing and the snapshot's digest, not the
    # snapshot the row holds anyway; a changed snapshot is recorded before and after.
    audit_skip_on_create = ("snapshot",)
    access_policy = PartnerPolicy(partner_path="partner", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-period_start", "partner", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "template", "period_kind", "period_start"],
                name="scorecard_result_once",
            )
        ]
        indexes = [models.Index(fields=["template", "period_kind", "period_start"])]

    def __str__(self) -> str:
        # No related rows here: the audit log labels thousands of results at once.
        return str(_("Scorecard %(period)s") % {"period": self.period.label})

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start)

    @property
    def standing_badge(self) -> str:
        return STANDING_BADGES.get(self.standing, "text-bg-secondary")

    def get_absolute_url(self) -> str:
        return reverse("scorecards:result_detail", args=[self.pk])

    @cached_property
    def lines(self) -> list[KPILine]:
        """The KPI lines, in template order, from the snapshot (the one place they are
        stored, so they never disagree with it)."""
        return [KPILine.of(item, i) for i, item in enumerate(self.snapshot.get("kpis", []))]


class DisputeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("dispute", "Open")
    ANSWERED = "answered", _("Answered")
    RESOLVED = "resolved", _("Resolved")
    RECOMPUTED = "recomputed", _("Recomputed")


DISPUTE_BADGES = {
    DisputeStatus.OPEN: "text-bg-warning",
    DisputeStatus.ANSWERED: "text-bg-info",
    DisputeStatus.RESOLVED: "text-bg-success",
    DisputeStatus.RECOMPUTED: "text-bg-success",
}


class Dispute(BusinessModel):
    """A partner's objection to a scorecard result: open → answered → resolved/recomputed."""

    result = models.ForeignKey(
        ScorecardResult,
        verbose_name=_("scorecard"),
        on_delete=models.CASCADE,
        related_name="disputes",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DisputeStatus.choices,
        default=DisputeStatus.OPEN,
        db_index=True,
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    access_policy = PartnerPolicy(
        partner_path="result__partner", portal_user=frozenset({Action.VIEW, Action.ADD})
    )

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(_("Dispute #%(id)s") % {"id": self.pk})

    @property
    def badge(self) -> str:
        return DISPUTE_BADGES.get(self.status, "text-bg-secondary")

    @property
    def is_closed(self) -> bool:
        return self.status in (DisputeStatus.RESOLVED, DisputeStatus.RECOMPUTED)

    def get_absolute_url(self) -> str:
        return reverse("scorecards:dispute_detail", args=[self.pk])


class DisputeMessage(BusinessModel):
    """One message of a dispute's thread, by the partner or by staff."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_staff = models.BooleanField(_("from staff"), default=False)
    body = models.TextField(_("message"))

    access_policy = PartnerPolicy(
        partner_path="dispute__result__partner",
        portal_user=frozenset({Action.VIEW, Action.ADD}),
    )

    class Meta:
        verbose_name = _("dispute message")
        verbose_name_plural = _("dispute messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:50]
