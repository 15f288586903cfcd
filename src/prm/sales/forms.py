"""Forms for deals: the one short registration form (portal and back office), edits,
decisions, stage moves and activities. Forms validate input and offer choices; the services
make the changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.core import access
from prm.partners.forms import StyledForm
from prm.partners.models import Partner
from prm.sales.filters import owners
from prm.sales.models import CURRENCY_CHOICES, ActivityKind, ProductCategory, StageCode
from prm.sales.services import CUSTOMER_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class RegistrationForm(StyledForm, forms.Form):
    """Everything a partner says about a deal, on one short form."""

    customer_name = forms.CharField(
        label=_("Customer company"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "placeholder": _("e.g. (주)한빛소프트")}),
    )
    customer_domain = forms.CharField(
        label=_("Customer web domain or e-mail"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "hanbit.co.kr"}),
    )
    customer_registration_number = forms.CharField(
        label=_("Customer business registration number"),
        max_length=14,
        required=False,
        help_text=_("Optional."),
    )
    contact_name = forms.CharField(label=_("Customer contact"), max_length=120, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)
    product_category = forms.ModelChoiceField(
        label=_("Product category"), queryset=ProductCategory.objects.all(), required=False
    )
    products = forms.CharField(label=_("Products or solution"), max_length=1000, required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES, initial="KRW")
    expected_close_date = forms.DateField(
        label=_("Expected close date"), required=False, widget=DateInput
    )
    title = forms.CharField(
        label=_("Deal name"),
        max_length=200,
        required=False,
        help_text=_("Optional; the customer and products by default."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    deal_fields = (
        "title",
        "contact_name",
        "contact_email",
        "contact_phone",
        "products",
        "product_category",
        "amount",
        "currency",
        "expected_close_date",
        "notes",
    )

    def customer_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name, "") for name in CUSTOMER_FIELDS}

    def deal_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data.get(name) for name in self.deal_fields if name in self.fields
        }
        for name in (
            "title",
            "contact_name",
            "contact_email",
            "contact_phone",
            "products",
            "notes",
        ):
            if name in data and data[name] is None:
                data[name] = ""
        if not data.get("title"):
            category = self.cleaned_data.get("product_category")
            parts = [self.cleaned_data.get("customer_name", ""), data.get("products") or category]
            data["title"] = " — ".join(str(p) for p in parts if p)[:200]
        return data


class StaffRegistrationForm(RegistrationForm):
    """Staff register a deal on a partner's behalf and may name the co-selling owner."""

    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    owner = forms.ModelChoiceField(
        label=_("Co-selling owner"), queryset=owners(None), required=False
    )
    deal_fields = (*RegistrationForm.deal_fields, "owner")

    field_order = ["partner"]

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = access.scope(user, Partner).only("id", "name")
        self.fields["owner"].queryset = owners(None)


class DealEditForm(RegistrationForm):
    """Changing a registration: the same fields, the customer as it is stored."""

    def __init__(self, *args, deal=None, staff: bool = False, **kwargs) -> None:
        if deal is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "customer_name": deal.customer_display,
                "customer_domain": deal.account.domain,
                "customer_registration_number": deal.account.registration_number,
                **{name: getattr(deal, name) for name in self.deal_fields},
            }
            if staff:
                kwargs["initial"]["owner"] = deal.owner_id
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["owner"] = forms.ModelChoiceField(
                label=_("Co-selling owner"), queryset=owners(None), required=False
            )
            self.fields["owner"].widget.attrs["class"] = "form-select"
            self.deal_fields = (*RegistrationForm.deal_fields, "owner")
        self.initial_customer = (
            {
                "customer_name": deal.customer_display,
                "customer_domain": deal.account.domain,
                "customer_registration_number": deal.account.registration_number,
            }
            if deal is not None
            else {}
        )

    def customer_changed(self) -> bool:
        data = self.customer_data()
        return any(
            (data.get(k) or "").strip() != (self.initial_customer.get(k) or "")
            for k in CUSTOMER_FIELDS
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve", _("Approve")),
            ("reject", _("Reject")),
            ("request_info", _("Request more information")),
        ]
    )
    reason = forms.CharField(label=_("Reason or question"), required=False, max_length=2000)


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=StageCode.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class ActivityForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (k, label)
            for k, label in ActivityKind.choices
            if k not in (ActivityKind.STAGE, ActivityKind.DECISION)
        ],
    )
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class StaffActivityForm(ActivityForm):
    shared = forms.BooleanField(
        label=_("Share with the partner"),
        required=False,
        help_text=_("Left unticked, the note is internal: staff only."),
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365)
