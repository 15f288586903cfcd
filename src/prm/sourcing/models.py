"""Discovery and selection: sourcing projects with their long-list of candidate partners,
evaluation templates (weighted criteria, optionally from AHP), evaluation rounds where
evaluators score candidates independently, and a decision per candidate.

Everything here is staff-only. Projects, templates and rounds belong to a staff owner
(:class:`SourcingPolicy`: admins change all, partner managers read all and change their
own, analysts read); candidates and their sources belong to the partner they name
(``PartnerPolicy(staff_only=True)``); scores belong to their evaluator.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.accounts.roles import Role
from prm.core.access import Action, OwnerPolicy, PartnerPolicy
from prm.core.models import BusinessModel
from prm.partners.models import Partner


@dataclass(frozen=True)
class SourcingPolicy(OwnerPolicy):
    """Staff records with a staff owner (``user_path``): admins do everything, analysts
    read, partner managers read everything and change the rows they own; portal users
    reach nothing."""

    def filter(self, user, role, action):
        if role == Role.ADMIN:
            return Q()
        if role == Role.ANALYST:
            return Q() if action == Action.VIEW else None
        if role == Role.PARTNER_MANAGER:
            return Q() if action == Action.VIEW else Q(**{self.user_path: user})
        return None


class SourcingProject(BusinessModel):
    """A search for partners, e.g. "2027 물류 협력사 발굴" or "Japan reseller expansion"."""

    name = models.CharField(_("name"), max_length=200)
    goal = models.TextField(_("goal"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="sourcing_projects",
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    notes = models.TextField(_("market-research notes"), blank=True)
    partners = models.ManyToManyField(
        Partner,
        through="ProjectCandidate",
        verbose_name=_("candidates"),
        related_name="sourcing_projects",
    )

    access_policy = SourcingPolicy(user_path="owner")

    class Meta:
        verbose_name = _("sourcing project")
        verbose_name_plural = _("sourcing projects")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot precede the start date.")})

    def get_absolute_url(self) -> str:
        return reverse("sourcing:project_detail", args=[self.pk])


class ProjectSource(BusinessModel):
    """Market research about the project as a whole: a title with a link and/or excerpt."""

    project = models.ForeignKey(
        SourcingProject,
        verbose_name=_("sourcing project"),
        on_delete=models.CASCADE,
        related_name="sources",
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    text = models.TextField(_("excerpt"), blank=True)

    access_policy = SourcingPolicy(user_path="project__owner")

    class Meta:
        verbose_name = _("project source")
        verbose_name_plural = _("project sources")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if not self.url and not (self.text or "").strip():
            raise ValidationError(_("Give a link or an excerpt for the source."))


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    SELECTED = "selected", _("Selected")
    REJECTED = "rejected", pgettext_lazy("candidate decision", "Rejected")
    ON_HOLD = "hold", _("On hold")


class ProjectCandidate(BusinessModel):
    """A partner on a project's long-list, with market-research notes and the decision."""

    project = models.ForeignKey(
        SourcingProject,
        verbose_name=_("sourcing project"),
        on_delete=models.CASCADE,
        related_name="candidates",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="sourcing_candidacies",
    )
    notes = models.TextField(_("market-research notes"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    access_policy = PartnerPolicy(partner_path="partner", staff_only=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["partner__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "partner"],
                name="sourcing_candidate_unique_partner",
                violation_error_message=_("This partner is already a candidate of the project."),
            )
        ]

    def __str__(self) -> str:
        return str(self.partner)

    def get_absolute_url(self) -> str:
        return reverse("sourcing:candidate_detail", args=[self.pk])


class CandidateSource(BusinessModel):
    """Where a piece of market research came from: a title with a link and/or an excerpt."""

    candidate = models.ForeignKey(
        ProjectCandidate,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="sources",
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    text = models.TextField(_("excerpt"), blank=True)

    access_policy = PartnerPolicy(partner_path="candidate__partner", staff_only=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if not self.url and not (self.text or "").strip():
            raise ValidationError(_("Give a link or an excerpt for the source."))


class WeightMethod(models.TextChoices):
    DIRECT = "direct", _("Entered directly")
    AHP = "ahp", _("AHP pair-wise comparison")


class EvaluationTemplate(BusinessModel):
    """Weighted criteria to score candidates on."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="evaluation_templates",
    )
    weight_method = models.CharField(
        _("weights"), max_length=8, choices=WeightMethod.choices, default=WeightMethod.DIRECT
    )
    # The pair-wise comparison matrix (rows and columns in criterion order) when AHP is used.
    ahp_matrix = models.JSONField(_("comparison matrix"), default=list, blank=True)
    consistency_ratio = models.DecimalField(
        _("consistency ratio"), max_digits=8, decimal_places=4, null=True, blank=True
    )

    access_policy = SourcingPolicy(user_path="owner")

    class Meta:
        verbose_name = _("evaluation template")
        verbose_name_plural = _("evaluation templates")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sourcing:template_detail", args=[self.pk])


class Direction(models.TextChoices):
    BENEFIT = "benefit", _("Higher is better")
    COST = "cost", _("Lower is better")


class Criterion(BusinessModel):
    template = models.ForeignKey(
        EvaluationTemplate,
        verbose_name=_("evaluation template"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # As entered (any positive number) or as derived by AHP; ``weight`` is it normalised.
    raw_weight = models.DecimalField(
        _("weight as entered"), max_digits=12, decimal_places=4, default=Decimal(1)
    )
    weight = models.DecimalField(
        _("weight"), max_digits=7, decimal_places=6, default=Decimal(0), editable=False
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.BENEFIT
    )
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1, editable=False)
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text=_("Scores go from 1 to this number (e.g. 5 or 10)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    access_policy = SourcingPolicy(user_path="template__owner")

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.raw_weight is not None and self.raw_weight <= 0:
            raise ValidationError({"raw_weight": _("A weight must be greater than 0.")})


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class EvaluationRound(BusinessModel):
    """Evaluators score a project's candidates on a template's criteria."""

    project = models.ForeignKey(
        SourcingProject,
        verbose_name=_("sourcing project"),
        on_delete=models.CASCADE,
        related_name="rounds",
    )
    template = models.ForeignKey(
        EvaluationTemplate,
        verbose_name=_("evaluation template"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    candidates = models.ManyToManyField(
        ProjectCandidate, verbose_name=_("candidates"), related_name="rounds"
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="RoundEvaluator",
        verbose_name=_("evaluators"),
        related_name="evaluation_rounds_as_evaluator",
    )

    access_policy = SourcingPolicy(user_path="owner")

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sourcing:round_detail", args=[self.pk])


class RoundEvaluator(BusinessModel):
    """A staff user who scores the round's candidates."""

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        on_delete=models.CASCADE,
        related_name="evaluator_links",
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.CASCADE,
        related_name="evaluator_links",
    )

    access_policy = SourcingPolicy(user_path="evaluator")

    class Meta:
        verbose_name = _("evaluator")
        verbose_name_plural = _("evaluators")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "evaluator"], name="sourcing_evaluator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round} - {self.evaluator}"


class Score(BusinessModel):
    """One evaluator's score of one candidate on one criterion."""

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.CASCADE,
        related_name="evaluation_scores",
    )
    candidate = models.ForeignKey(
        ProjectCandidate,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    access_policy = SourcingPolicy(user_path="evaluator")

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["round", "evaluator", "candidate", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "evaluator", "candidate", "criterion"],
                name="sourcing_score_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Submission(BusinessModel):
    """An evaluator handed in their scores: they are final and the others' become visible."""

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.CASCADE,
        related_name="evaluation_submissions",
    )

    access_policy = SourcingPolicy(user_path="evaluator")

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "evaluator"], name="sourcing_submission_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} - {self.evaluator}"
