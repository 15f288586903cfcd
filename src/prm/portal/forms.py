"""Portal forms. Contacts and documents use the same forms as the back office
(``prm.partners.forms``); the services decide what each user may do."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.accounts.roles import Role
from prm.partners.models import Partner, PortalSettings

PROFILE_WIDGETS = {
    "website": forms.URLInput(attrs={"placeholder": "https://"}),
    "domain": forms.TextInput(attrs={"placeholder": "example.co.kr"}),
}


def editable_profile_fields() -> list[str]:
    """The company fields staff opened to partner admins, in the order of the choices."""
    chosen = set(PortalSettings.load().editable_fields)
    return [code for code, _label in PortalSettings.EDITABLE_CHOICES if code in chosen]


def profile_form_class(fields: list[str]) -> type[forms.ModelForm]:
    return forms.modelform_factory(
        Partner,
        fields=fields,
        widgets={name: widget for name, widget in PROFILE_WIDGETS.items() if name in fields},
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Role.PARTNER_USER, Role.PARTNER_USER.label),
            (Role.PARTNER_ADMIN, Role.PARTNER_ADMIN.label),
        ],
        initial=Role.PARTNER_USER,
        widget=forms.RadioSelect,
        help_text=_("Partner admins also manage the company's profile, contacts and users."),
    )
