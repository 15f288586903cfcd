"""Back-office and portal forms of corrective action requests. Thin: the services hold the
rules; the forms check types and offer only what the user may choose."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.core import access
from prm.corrective_actions.models import CorrectiveActionRequest
from prm.partners.forms import StyledForm
from prm.partners.models import Partner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(StyledForm, forms.ModelForm):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())

    class Meta:
        model = CorrectiveActionRequest
        fields = ("partner", "title", "description", "severity", "due_on", "external_id")
        widgets = {"due_on": DATE, "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user: User, risk=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.risk = risk
        if self.instance.pk:
            del self.fields["partner"]
        else:
            self.fields["partner"].queryset = access.scope(user, Partner, "change").only(
                "id", "name"
            )

    def _post_clean(self):
        # The service validates the model in the user's language.
        pass

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "partner"}
        if self.risk is not None:
            data["risk"] = self.risk
        return data


class AnswerForm(StyledForm, forms.Form):
    root_cause = forms.CharField(
        label=_("Root cause"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why did it happen? (e.g. 5 Whys, fishbone)"),
    )
    containment = forms.CharField(
        label=_("Containment"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done at once to protect the customer?"),
    )
    corrective_action = forms.CharField(
        label=_("Corrective action"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What removes the root cause, by whom and by when?"),
    )
    preventive_action = forms.CharField(
        label=_("Preventive action"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What stops it from happening elsewhere?"),
    )


class EvidenceForm(StyledForm, forms.Form):
    file = forms.FileField(label=_("Evidence file"))
    title = forms.CharField(label=_("Description"), max_length=200, required=False)


class DecisionForm(StyledForm, forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
