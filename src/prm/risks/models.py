"""Risk management: the register, 5x5 assessment, signals, responses, mitigation actions and
the heat map.

Risks are staff-only: partners never see them (they answer corrective action requests).
A risk's current level is its residual level once assessed after mitigation, its inherent
level until then; a partner's overall level (:class:`PartnerRiskLevel`) is the highest
current level among its open risks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from prm.accounts.roles import Role
from prm.core.access import Action, PartnerPolicy
from prm.core.models import BusinessModel

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


def _localized(obj, field: str = "name") -> str:
    korean = (get_language() or "ko").startswith("ko")
    return getattr(obj, f"{field}_ko" if korean else f"{field}_en")


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


LEVEL_RANK = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3, Level.CRITICAL: 4}
RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}
LEVEL_BADGES = {
    Level.LOW: "success",
    Level.MEDIUM: "info",
    Level.HIGH: "warning",
    Level.CRITICAL: "danger",
}


@dataclass(frozen=True)
class RiskPolicy(PartnerPolicy):
    """Staff only. Partner managers change the risks of the partners they own and the risks
    they own themselves (program-wide risks have no partner)."""

    staff_only: bool = True
    owner_path: str = "owner"

    def filter(self, user, role, action):
        if role == Role.PARTNER_MANAGER and action != Action.VIEW and self.partner_path:
            return Q(**{self._lookup("owner"): user}) | Q(**{self.owner_path: user})
        return super().filter(user, role, action)


class RiskCategory(models.Model):
    """A kind of risk (financial, operational, …); admins maintain the list."""

    code = models.SlugField(_("code"), max_length=32, primary_key=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    active = models.BooleanField(_("active"), default=True)

    audited = True

    class Meta:
        verbose_name = _("risk category")
        verbose_name_plural = _("risk categories")
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return _localized(self)


class Axis(models.TextChoices):
    LIKELIHOOD = "likelihood", _("Likelihood")
    IMPACT = "impact", _("Impact")


class ScaleLevel(models.Model):
    """The definition of one step (1..5) of the likelihood or impact scale, in both languages."""

    axis = models.CharField(_("axis"), max_length=16, choices=Axis.choices)
    value = models.PositiveSmallIntegerField(_("value"), validators=SCALE)
    name_ko = models.CharField(_("name (Korean)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=64)
    definition_ko = models.TextField(_("definition (Korean)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)

    audited = True

    class Meta:
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        ordering = ["axis", "value"]
        constraints = [
            models.UniqueConstraint(fields=["axis", "value"], name="risk_scale_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.value} · {_localized(self)}"

    @property
    def definition(self) -> str:
        return _localized(self, "definition")


class LevelBand(models.Model):
    """The scores (likelihood x impact) that make one level; the four bands are contiguous
    and cover 1..25 (checked by ``services.bands_update``)."""

    level = models.CharField(_("level"), max_length=16, choices=Level.choices, primary_key=True)
    min_score = models.PositiveSmallIntegerField(
        _("from score"), validators=[MaxValueValidator(25)]
    )
    max_score = models.PositiveSmallIntegerField(_("to score"), validators=[MaxValueValidator(25)])

    audited = True

    class Meta:
        verbose_name = _("level band")
        verbose_name_plural = _("level bands")
        ordering = ["min_score"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.min_score}-{self.max_score}"


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Strategy(models.TextChoices):
    AVOID = "avoid", _("Avoid")
    MITIGATE = "mitigate", _("Mitigate")
    TRANSFER = "transfer", _("Transfer")
    ACCEPT = "accept", _("Accept")


class Risk(BusinessModel):
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="risks",
        help_text=_("Leave empty for a risk to the whole program."),
    )
    category = models.ForeignKey(
        RiskCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="risks"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    consequence = models.TextField(_("consequence"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_risks",
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now, db_index=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signal = models.ForeignKey(
        "RiskSignal",
        verbose_name=_("raised by signal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # rule:subject of the signal that raised it; a signal for the same cause updates the open
    # risk instead of opening another one.
    signal_key = models.CharField(_("signal key"), max_length=200, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    # The latest assessments, kept on the risk for the heat map and lists; the history is
    # in Assessment.
    inherent_likelihood = models.PositiveSmallIntegerField(
        _("inherent likelihood"), null=True, blank=True, validators=SCALE
    )
    inherent_impact = models.PositiveSmallIntegerField(
        _("inherent impact"), null=True, blank=True, validators=SCALE
    )
    inherent_score = models.PositiveSmallIntegerField(_("inherent score"), null=True, blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(
        _("residual likelihood"), null=True, blank=True, validators=SCALE
    )
    residual_impact = models.PositiveSmallIntegerField(
        _("residual impact"), null=True, blank=True, validators=SCALE
    )
    residual_score = models.PositiveSmallIntegerField(_("residual score"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    level_rank = models.PositiveSmallIntegerField(_("level rank"), default=0, db_index=True)
    strategy = models.CharField(_("strategy"), max_length=16, choices=Strategy.choices, blank=True)
    acceptance_reason = models.TextField(_("reason for acceptance"), blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    close_note = models.TextField(_("closing note"), blank=True)
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_index=True)

    access_policy = RiskPolicy()

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["-level_rank", "-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "signal_key"], name="risk_open_signal_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("risks:detail", args=[self.pk])

    @property
    def current_score(self) -> int | None:
        return self.residual_score if self.residual_score is not None else self.inherent_score

    @property
    def level_badge(self) -> str:
        return LEVEL_BADGES.get(self.level, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN


class AssessmentKind(models.TextChoices):
    INHERENT = "inherent", _("Inherent")
    RESIDUAL = "residual", _("Residual")


class Assessment(BusinessModel):
    """One assessment of a risk; every assessment is kept, so the trend shows."""

    risk = models.ForeignKey(
        Risk, verbose_name=_("risk"), on_delete=models.CASCADE, related_name="assessments"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AssessmentKind.choices)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), validators=SCALE)
    impact = models.PositiveSmallIntegerField(_("impact"), validators=SCALE)
    score = models.PositiveSmallIntegerField(_("score"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    note = models.TextField(_("note"), blank=True)
    assessed_at = models.DateTimeField(_("assessed"), default=timezone.now, db_index=True)
    # The risk's level from this assessment on (its latest residual level by then, else this
    # inherent one) and just before it: the trend adds up these changes in one query instead
    # of replaying every risk's history (see ``selectors.trend``).
    risk_level = models.CharField(
        _("risk level from then"), max_length=16, choices=Level.choices, blank=True
    )
    previous_risk_level = models.CharField(
        _("risk level before"), max_length=16, choices=Level.choices, blank=True
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    access_policy = RiskPolicy(partner_path="risk__partner", owner_path="risk__owner")

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.likelihood}x{self.impact}={self.score}"

    @property
    def level_badge(self) -> str:
        return LEVEL_BADGES.get(self.level, "secondary")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_ACTIONS = (ActionStatus.DONE, ActionStatus.CANCELLED)


def evidence_path(instance: MitigationAction, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return f"risks/{instance.risk_id}/{uuid.uuid4().hex}{suffix}"


class MitigationAction(BusinessModel):
    risk = models.ForeignKey(
        Risk, verbose_name=_("risk"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_actions",
    )
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ActionStatus.choices,
        default=ActionStatus.PLANNED,
        db_index=True,
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to=evidence_path, max_length=255, blank=True
    )
    evidence_filename = models.CharField(_("file name"), max_length=255, blank=True)
    evidence_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    reminded_on = models.DateField(_("reminder sent"), null=True, blank=True)

    access_policy = RiskPolicy(partner_path="risk__partner", owner_path="risk__owner")

    class Meta:
        verbose_name = _("mitigation action")
        verbose_name_plural = _("mitigation actions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_ACTIONS

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_finished and self.due_on is not None and self.due_on < today


class SignalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class RiskSignal(BusinessModel):
    """A cause found by a signal rule (``rule`` + ``subject``): open while the cause lasts."""

    rule = models.CharField(_("rule"), max_length=64, db_index=True)
    subject = models.CharField(_("subject"), max_length=120)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="risk_signals",
    )
    risk = models.ForeignKey(
        Risk,
        verbose_name=_("risk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signals",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SignalStatus.choices,
        default=SignalStatus.OPEN,
        db_index=True,
    )
    detail = models.TextField(_("detail"), blank=True)
    evidence_url = models.CharField(_("evidence"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    times_seen = models.PositiveIntegerField(_("times seen"), default=1)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    access_policy = RiskPolicy(partner_path="partner", owner_path="risk__owner")

    class Meta:
        verbose_name = _("risk signal")
        verbose_name_plural = _("risk signals")
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject"],
                condition=Q(status="open"),
                name="risk_signal_one_open_per_cause",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} · {self.subject}"

    @property
    def key(self) -> str:
        return f"{self.rule}:{self.subject}"

    @property
    def rule_name(self) -> str:
        from prm.risks.rules import RULES

        rule = RULES.get(self.rule)
        return str(rule.name) if rule else self.rule


class SignalRule(models.Model):
    """An admin's settings of a signal rule kept in code (``prm.risks.rules``)."""

    code = models.CharField(_("code"), max_length=64, primary_key=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    audited = True

    class Meta:
        verbose_name = _("signal rule")
        verbose_name_plural = _("signal rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class PartnerRiskLevel(BusinessModel):
    """A partner's overall risk level: the highest current level among its open risks
    (residual when assessed, else inherent); rank 0 and no level when none is open."""

    partner = models.OneToOneField(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="risk_level",
    )
    level = models.CharField(_("risk level"), max_length=16, choices=Level.choices, blank=True)
    level_rank = models.PositiveSmallIntegerField(_("risk level rank"), default=0, db_index=True)
    open_risks = models.PositiveIntegerField(_("open risks"), default=0)
    top_score = models.PositiveSmallIntegerField(_("highest score"), null=True, blank=True)

    access_policy = PartnerPolicy(partner_path="partner", staff_only=True)

    class Meta:
        verbose_name = _("partner risk level")
        verbose_name_plural = _("partner risk levels")
        ordering = ["-level_rank", "partner_id"]

    def __str__(self) -> str:
        return self.get_level_display() or "—"

    @property
    def level_badge(self) -> str:
        return LEVEL_BADGES.get(self.level, "secondary")


class TrendPoint(models.Model):
    """How many risks of the whole register were open at one level at the end of a past
    day, counted from the assessment history once the day is over: the unfiltered trend
    reads these instead of counting the history on every view (``selectors.trend``)."""

    day = models.DateField(_("day"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    open_risks = models.PositiveIntegerField(_("open risks"))

    class Meta:
        verbose_name = _("risk trend point")
        verbose_name_plural = _("risk trend points")
        ordering = ["day", "level"]
        constraints = [
            models.UniqueConstraint(fields=["day", "level"], name="risk_trend_point_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_level_display()} {self.open_risks}"
