"""Back-office forms of risk management; saving goes through ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.partners.forms import StyledForm
from prm.partners.models import Partner
from prm.risks.models import (
    ActionStatus,
    AssessmentKind,
    Level,
    MitigationAction,
    Risk,
    RiskCategory,
    ScaleLevel,
    Strategy,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCALE_CHOICES = [(n, str(n)) for n in range(1, 6)]


def _owners():
    return User.objects.filter(
        role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True
    ).order_by("email")


class RiskForm(StyledForm, forms.ModelForm):
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("Leave empty for a risk to the whole program."),
    )
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood"),
        choices=[("", "—"), *SCALE_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )
    impact = forms.TypedChoiceField(
        label=_("Impact"),
        choices=[("", "—"), *SCALE_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )

    class Meta:
        model = Risk
        fields = ("partner", "category", "title", "description", "cause", "consequence", "owner")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "consequence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = access.scope(user, Partner).only("id", "name")
        self.fields["category"].queryset = RiskCategory.objects.filter(active=True)
        self.fields["owner"].queryset = _owners()
        if self.instance.pk:
            del self.fields["likelihood"]
            del self.fields["impact"]

    def _post_clean(self):
        pass  # the service validates the model


class AssessForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AssessmentKind.choices)
    # Plain numbers, so a bad value reaches the service and gets its translated message.
    likelihood = forms.IntegerField(label=_("Likelihood"))
    impact = forms.IntegerField(label=_("Impact"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Offer the scale's steps with their names; a posted value outside them still
        # reaches the service, which refuses it with its message.
        for axis in ("likelihood", "impact"):
            steps = [(level.value, str(level)) for level in ScaleLevel.objects.filter(axis=axis)]
            if steps:
                self.fields[axis].widget = forms.Select(
                    choices=[("", "—"), *steps], attrs={"class": "form-select"}
                )


class StrategyForm(StyledForm, forms.Form):
    strategy = forms.ChoiceField(label=_("Strategy"), choices=Strategy.choices)
    reason = forms.CharField(
        label=_("Reason for acceptance"), required=False, widget=forms.Textarea({"rows": 2})
    )
    review_on = forms.DateField(label=_("Review on"), required=False, widget=DATE)


class CloseForm(StyledForm, forms.Form):
    note = forms.CharField(
        label=_("Closing note"), required=False, widget=forms.Textarea({"rows": 2})
    )


class ActionForm(StyledForm, forms.ModelForm):
    class Meta:
        model = MitigationAction
        fields = ("title", "description", "owner", "due_on", "status")
        widgets = {"due_on": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _owners()

    def _post_clean(self):
        pass


class ActionStatusForm(StyledForm, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    evidence_note = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea({"rows": 2})
    )
    file = forms.FileField(label=_("Evidence file"), required=False)


class BandsForm(StyledForm, forms.Form):
    def __init__(self, *args, bands: dict[str, tuple[int, int]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Level.choices:
            low, high = bands.get(value, (None, None))
            self.fields[f"{value}_min"] = forms.IntegerField(
                label=_("%(level)s from") % {"level": label}, initial=low
            )
            self.fields[f"{value}_max"] = forms.IntegerField(
                label=_("%(level)s to") % {"level": label}, initial=high
            )

    def bands(self) -> dict[str, tuple[int, int]]:
        data = self.cleaned_data
        return {v: (data.get(f"{v}_min"), data.get(f"{v}_max")) for v in Level.values}


class ScaleLevelForm(StyledForm, forms.ModelForm):
    class Meta:
        model = ScaleLevel
        fields = ("name_ko", "name_en", "definition_ko", "definition_en")
        widgets = {
            "definition_ko": forms.Textarea(attrs={"rows": 2}),
            "definition_en": forms.Textarea(attrs={"rows": 2}),
        }

    def _post_clean(self):
        pass
