"""The tier program: requirements and benefits per tier, periodic evaluation, proposals,
approval and history.

``partners.Tier`` (code, names, rank) stays the partners app's; this app adds what a tier
asks of a partner (:class:`TierRequirement`, all of them must be met), what it gives
(:class:`TierBenefit`), the proposals a review makes (:class:`TierProposal`) and the history
of every change of a partner's tier (:class:`TierChange`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.core.access import Action, PartnerPolicy
from prm.core.models import BusinessModel
from prm.partners.models import Partner, Tier
from prm.scorecards.models import STANDING_RANK, Standing


def standing_rank(code: str | None) -> int | None:
    """0 for the best standing; ``None`` when unknown."""
    return STANDING_RANK.get(code) if code else None


class RequirementKind(models.TextChoices):
    REVENUE = "revenue", _("Revenue over the last 4 quarters")
    STANDING = "standing", _("Scorecard standing")
    KPI = "kpi", _("KPI value")


class Comparison(models.TextChoices):
    AT_LEAST = "gte", _("at least")
    AT_MOST = "lte", _("at most")


class TierRequirement(models.Model):
    """One condition a partner must meet to hold a tier; a tier asks for all of its
    requirements (AND). Reference data, written by admins."""

    tier = models.ForeignKey(
        Tier, verbose_name=_("tier"), on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RequirementKind.choices)
    kpi_code = models.CharField(
        _("KPI code"),
        max_length=63,
        blank=True,
        help_text=_("The code of a scorecard KPI; only for KPI requirements."),
    )
    comparison = models.CharField(
        _("comparison"), max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    threshold = models.DecimalField(
        _("threshold"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    standing = models.CharField(
        _("minimum standing"), max_length=16, choices=Standing.choices, blank=True
    )

    audited = True

    class Meta:
        verbose_name = _("tier requirement")
        verbose_name_plural = _("tier requirements")
        ordering = ["tier__rank", "kind", "kpi_code", "id"]

    def __str__(self) -> str:
        return str(self.describe())

    def describe(self) -> str:
        if self.kind == RequirementKind.STANDING:
            return _("Scorecard standing at least %(standing)s") % {
                "standing": Standing(self.standing).label if self.standing else "—"
            }
        if self.kind == RequirementKind.REVENUE:
            return _("Revenue over the last 4 quarters at least %(amount)s KRW") % {
                "amount": f"{self.threshold or 0:,.0f}"
            }
        return _("KPI %(kpi)s %(comparison)s %(threshold)s") % {
            "kpi": self.kpi_code,
            "comparison": Comparison(self.comparison).label,
            "threshold": _number(self.threshold),
        }

    def clean(self):
        errors = {}
        if self.kind == RequirementKind.STANDING:
            if not self.standing:
                errors["standing"] = _("Choose the minimum standing.")
        elif self.threshold is None:
            errors["threshold"] = _("Give the threshold.")
        revenue = self.kind == RequirementKind.REVENUE
        if revenue and self.threshold is not None and self.threshold < 0:
            errors["threshold"] = _("The revenue threshold cannot be negative.")
        if self.kind == RequirementKind.KPI and not self.kpi_code.strip():
            errors["kpi_code"] = _("Give the code of the KPI.")
        if self.kind != RequirementKind.KPI and self.kpi_code:
            errors["kpi_code"] = _("Only KPI requirements name a KPI.")
        if errors:
            raise ValidationError(errors)


def _number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text or "0"


class TierBenefit(models.Model):
    """What a tier gives its partners. ``lead_priority`` is read by lead routing (higher
    first); reference data, written by admins."""

    tier = models.OneToOneField(
        Tier, verbose_name=_("tier"), on_delete=models.CASCADE, related_name="benefit"
    )
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    mdf_eligible = models.BooleanField(_("eligible for MDF"), default=False)
    lead_priority = models.PositiveSmallIntegerField(
        _("lead priority"),
        default=0,
        help_text=_("Leads go first to partners of a higher priority."),
    )

    audited = True

    class Meta:
        verbose_name = _("tier benefit")
        verbose_name_plural = _("tier benefits")
        ordering = ["tier__rank"]

    def __str__(self) -> str:
        return str(self.tier)


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    OVERRIDDEN = "overridden", _("Overridden")


class ProposalDirection(models.TextChoices):
    UPGRADE = "upgrade", _("Upgrade")
    DOWNGRADE = "downgrade", _("Downgrade")
    REVIEW = "review", _("Review (no change proposed)")


class ProposalSource(models.TextChoices):
    REVIEW = "review", _("Periodic review")
    SCORECARD = "scorecard", _("Scorecard standing")


class TierProposal(BusinessModel):
    """A proposed change of a partner's tier with the reasons; never applied until a
    manager approves it (or overrides it with a note). Staff only."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="tier_proposals",
    )
    current_tier = models.ForeignKey(
        Tier,
        verbose_name=_("current tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_tier = models.ForeignKey(
        Tier,
        verbose_name=_("proposed tier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    direction = models.CharField(_("direction"), max_length=16, choices=ProposalDirection.choices)
    source = models.CharField(
        _("source"), max_length=16, choices=ProposalSource.choices, default=ProposalSource.REVIEW
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    as_of = models.DateField(_("evaluated on"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier decided"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    access_policy = PartnerPolicy(partner_path="partner", staff_only=True)

    class Meta:
        verbose_name = _("tier proposal")
        verbose_name_plural = _("tier proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(status="pending"),
                name="tier_proposal_one_pending_per_partner",
            )
        ]

    def __str__(self) -> str:
        return _("%(partner)s: %(current)s → %(proposed)s") % {
            "partner": self.partner,
            "current": self.current_tier or _("No tier"),
            "proposed": self.proposed_tier or _("No tier"),
        }

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING


class TierChange(BusinessModel):
    """One change of a partner's tier: the tier history the partner also sees."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="tier_changes"
    )
    from_tier = models.ForeignKey(
        Tier,
        verbose_name=_("from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_tier = models.ForeignKey(
        Tier,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposal = models.ForeignKey(
        TierProposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes",
    )
    note = models.TextField(_("note"), blank=True)

    access_policy = PartnerPolicy(partner_path="partner", portal_user=frozenset({Action.VIEW}))

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_tier or '—'} → {self.to_tier or '—'}"
