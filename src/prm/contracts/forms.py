"""Back-office and portal forms of contracts and compliance documents."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.contracts.models import ComplianceRequirement, Contract, ContractTerm
from prm.core import access
from prm.partners.forms import StyledForm
from prm.partners.models import Partner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractForm(StyledForm, forms.ModelForm):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())

    class Meta:
        model = Contract
        fields = (
            "partner",
            "type",
            "title",
            "value",
            "currency",
            "start_date",
            "end_date",
            "auto_renew",
            "renewal_term_months",
            "notice_days",
            "owner",
            "notes",
        )
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["partner"]
        else:
            self.fields["partner"].queryset = access.scope(user, Partner, "change").only(
                "id", "name"
            )
        self.fields["owner"].queryset = User.objects.filter(
            role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True
        ).order_by("email")

    def _post_clean(self):
        # The service validates the model (and says so in the user's language); the form
        # checks only the types of the values.
        pass

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "partner"}
        return data


class TermForm(StyledForm, forms.ModelForm):
    class Meta:
        model = ContractTerm
        fields = ("description", "metric", "target", "due_on")
        widgets = {"due_on": DATE}

    def _post_clean(self):
        pass


class RoundForm(StyledForm, forms.Form):
    file = forms.FileField(label=_("Document version"))
    summary = forms.CharField(
        label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(StyledForm, forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SignForm(StyledForm, forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    signatories = forms.CharField(
        label=_("Signatories"),
        help_text=_("One per line: name, title and company."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def cleaned_signatories(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["signatories"].splitlines()]


class TerminateForm(StyledForm, forms.Form):
    terminated_on = forms.DateField(label=_("Terminated on"), required=False, widget=DATE)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ComplianceUploadForm(StyledForm, forms.Form):
    requirement = forms.ModelChoiceField(
        label=_("Required document"), queryset=ComplianceRequirement.objects.none()
    )
    file = forms.FileField(label=_("File"))
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DATE)

    def __init__(self, *args, requirements, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = ComplianceRequirement.objects.filter(
            pk__in=[r.pk for r in requirements]
        )
