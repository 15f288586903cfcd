"""Back-office forms: commission rules with their brackets, and statement generation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.commissions import engine
from prm.commissions.models import CommissionRule
from prm.core import access
from prm.core.access import Action
from prm.partners.forms import StyledForm, add_service_error  # noqa: F401
from prm.partners.models import Partner
from prm.sales.models import ProductCategory


class RuleForm(StyledForm, forms.ModelForm):
    class Meta:
        model = CommissionRule
        fields = (
            "name",
            "partner",
            "partner_type",
            "tier",
            "product_category",
            "kind",
            "rate",
            "bracket_mode",
            "currency",
            "effective_from",
            "effective_to",
            "is_active",
            "notes",
        )
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "effective_to": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the partners whose rules the user may change are offered.
        self.fields["partner"].queryset = access.scope(user, Partner, Action.CHANGE).only(
            "id", "name"
        )
        self.fields["product_category"].queryset = ProductCategory.objects.all()
        self.fields["effective_from"].widget.format = "%Y-%m-%d"
        self.fields["effective_to"].widget.format = "%Y-%m-%d"

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class BracketForm(StyledForm, forms.Form):
    from_amount = forms.DecimalField(
        label=_("From amount"), max_digits=18, decimal_places=2, min_value=0, required=False
    )
    to_amount = forms.DecimalField(
        label=_("To amount"), max_digits=18, decimal_places=2, min_value=0, required=False
    )
    rate = forms.DecimalField(
        label=_("Rate (%)"),
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=100,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("from_amount") is None and data.get("rate") is None:
            if data.get("to_amount") is not None:
                raise forms.ValidationError(_("Give the bracket's lower amount and rate."))
            return data
        if data.get("from_amount") is None:
            self.add_error("from_amount", _("Give the bracket's lower amount."))
        if data.get("rate") is None:
            self.add_error("rate", _("Give the bracket's rate."))
        return data

    def bracket(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data or data.get("from_amount") is None:
            return None
        return {
            "from_amount": data["from_amount"],
            "to_amount": data.get("to_amount"),
            "rate": data["rate"],
        }


def bracket_formset(data=None, rule: CommissionRule | None = None):
    initial = []
    if rule is not None and rule.pk:
        initial = [
            {"from_amount": b.from_amount, "to_amount": b.to_amount, "rate": b.rate}
            for b in rule.brackets.all()
        ]
    # Room for three more brackets below the ones the rule has.
    formset_class = forms.formset_factory(BracketForm, extra=3, max_num=20, validate_max=True)
    return formset_class(data, initial=initial, prefix="brackets")


class GenerateForm(StyledForm, forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("YYYY-MM for a month, YYYY-Qn for a quarter."),
    )

    def clean_period(self) -> engine.Period:
        try:
            return engine.parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
