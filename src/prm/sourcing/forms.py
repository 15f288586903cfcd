"""Back-office forms for sourcing. Forms check the shape of the input and offer choices
drawn through the access layer; the services enforce the rules."""

from __future__ import annotations

from fractions import Fraction

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.core import access
from prm.partners.forms import StyledForm
from prm.partners.models import Partner
from prm.sourcing import ahp, services
from prm.sourcing.models import (
    Criterion,
    Decision,
    Direction,
    EvaluationTemplate,
    ProjectCandidate,
    SourcingProject,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(StyledForm, forms.ModelForm):
    class Meta:
        model = SourcingProject
        fields = ["name", "goal", "owner", "starts_on", "ends_on", "notes"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "goal": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = services.evaluator_choices()
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("You, when left empty.")

    def _post_clean(self):
        # The service validates the model (with the acting user's rules); skip it here.
        pass


class CandidateAddForm(StyledForm, forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    notes = forms.CharField(
        label=_("Market-research notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, project: SourcingProject, **kwargs):
        super().__init__(*args, **kwargs)
        taken = access.scope(user, ProjectCandidate).filter(project=project).values("partner_id")
        self.fields["partner"].queryset = (
            access.scope(user, Partner)
            .filter(stage__in=list(services.CANDIDATE_STAGES))
            .exclude(pk__in=taken)
            .order_by("name", "id")
        )


class NotesForm(StyledForm, forms.Form):
    notes = forms.CharField(
        label=_("Market-research notes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class SourceForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    text = forms.CharField(
        label=_("Excerpt"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("url") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Give a link or an excerpt for the source."))
        return data


class DecisionForm(StyledForm, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("", "---------"),
            (Decision.SELECTED, _("Select (moves the partner to onboarding)")),
            (Decision.REJECTED, _("Reject")),
            (Decision.ON_HOLD, _("Hold")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a rejection."),
    )


class TemplateForm(StyledForm, forms.ModelForm):
    class Meta:
        model = EvaluationTemplate
        fields = ["name", "description", "owner"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = services.evaluator_choices()
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("You, when left empty.")

    def _post_clean(self):
        pass


class CriterionForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    scale_max = forms.TypedChoiceField(
        label=_("Scale"),
        coerce=int,
        choices=[(n, _("1 to %(n)s") % {"n": n}) for n in (5, 10, 3, 7)],
        initial=5,
    )
    raw_weight = forms.DecimalField(
        label=_("Weight"),
        initial=1,
        max_digits=12,
        decimal_places=4,
        help_text=_("Any positive number; weights are scaled to add up to 1."),
    )


class WeightsForm(StyledForm, forms.Form):
    """One weight per criterion, entered directly."""

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"weight_{c.pk}"] = forms.DecimalField(
                label=c.name, initial=c.raw_weight, max_digits=12, decimal_places=4
            )

    def weights(self) -> dict[int, object]:
        return {c.pk: self.cleaned_data[f"weight_{c.pk}"] for c in self.criteria}


def _scale_choices(a: str, b: str) -> list[tuple[str, str]]:
    choices = []
    for value in reversed(ahp.SCALE):
        text = ahp.format_value(float(value))
        if value > 1:
            label = _("%(value)s: %(a)s is more important") % {"value": text, "a": a}
        elif value < 1:
            label = _("%(value)s: %(b)s is more important") % {"value": text, "b": b}
        else:
            label = _("1: equally important")
        choices.append((text, label))
    return choices


class AhpForm(StyledForm, forms.Form):
    """The comparisons above the diagonal: how much more important row is than column."""

    def __init__(self, *args, criteria: list[Criterion], matrix=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.pairs = []
        for i, a in enumerate(criteria):
            for j in range(i + 1, len(criteria)):
                b = criteria[j]
                name = f"cmp_{i}_{j}"
                initial = "1"
                if matrix and len(matrix) == len(criteria):
                    initial = str(matrix[i][j])
                self.fields[name] = forms.ChoiceField(
                    label=_("%(a)s compared with %(b)s") % {"a": a.name, "b": b.name},
                    choices=_scale_choices(a.name, b.name),
                    initial=initial,
                )
                self.pairs.append((i, j, name))

    def upper(self) -> dict[tuple[int, int], Fraction | str]:
        return {(i, j): self.cleaned_data[name] for i, j, name in self.pairs}


class RoundForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    template = forms.ModelChoiceField(
        label=_("Evaluation template"), queryset=EvaluationTemplate.objects.none()
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)
    candidates = forms.ModelMultipleChoiceField(
        label=_("Candidates"),
        queryset=ProjectCandidate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Evaluators"),
        queryset=services.evaluator_choices().none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Admins and partner managers; each scores on their own."),
    )

    def __init__(self, *args, user, project: SourcingProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = access.scope(user, EvaluationTemplate)
        self.fields["candidates"].queryset = (
            access.scope(user, ProjectCandidate)
            .filter(project=project)
            .select_related("partner")
            .order_by("partner__name", "id")
        )
        self.fields["evaluators"].queryset = services.evaluator_choices()
