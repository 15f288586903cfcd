"""Forms of the leads pages: validate input; the services make the changes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.leads.models import Lead
from prm.leads.services import REASON_MAX
from prm.partners.forms import StyledForm


class LeadForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Lead
        fields = (
            "company_name",
            "contact_name",
            "contact_email",
            "contact_phone",
            "country",
            "region",
            "industry",
            "product_interest",
            "estimated_value",
            "currency",
            "external_id",
            "notes",
        )
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DeclineForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline this lead?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you decline the lead.")},
    )
