"""Back-office forms for partners and what belongs to them.

Forms validate input and offer choices; the services in ``prm.partners.services`` make the
changes. Every choice list of partner data is drawn through the access layer.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.core.errors import BusinessError
from prm.partners.lifecycle import Stage
from prm.partners.models import (
    Contact,
    ContactRole,
    DocumentKind,
    Interaction,
    InteractionKind,
    Partner,
    TypeCode,
)
from prm.partners.validators import normalize_brn

OWNER_ROLES = (Role.ADMIN, Role.PARTNER_MANAGER)


def add_service_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Attach a model ValidationError raised by a service to the form's fields, or to the
    form as a whole when it names a field the form does not show."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def add_business_error(form: forms.BaseForm, exc: BusinessError) -> None:
    """Attach a service's BusinessError to the field it names, or to the form as a whole."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


class StyledForm(forms.BaseForm):
    """Bootstrap's classes on every widget, so templates render fields as they come."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def tag_names(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


class PartnerForm(StyledForm, forms.ModelForm):
    types = forms.MultipleChoiceField(
        label=_("Types"),
        choices=TypeCode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one partner type.")},
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separate tags with commas."),
    )
    # Typed with or without dashes; the model keeps the 10 digits.
    registration_number = forms.CharField(
        label=_("Business registration number"),
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "123-45-67890"}),
    )
    allow_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Partner
        fields = (
            "name",
            "legal_name",
            "registration_number",
            "tier",
            "stage",
            "country",
            "region",
            "industry",
            "website",
            "domain",
            "owner",
            "parent",
            "notes",
        )
        widgets = {
            "domain": forms.TextInput(attrs={"placeholder": "example.co.kr"}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        owners = access.scope(user, User).filter(role__in=OWNER_ROLES, is_active=True)
        if user.role == Role.PARTNER_MANAGER:
            # Partner managers own what they create and edit; handing over is an admin's job.
            owners = owners.filter(pk=user.pk)
            self.fields["owner"].disabled = True
            if self.instance.pk is None:
                self.initial["owner"] = user.pk
        self.fields["owner"].queryset = owners.order_by("email")
        parents = access.scope(user, Partner).only("id", "name").order_by("name", "id")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        if self.instance.pk:
            # On an existing partner the stage moves through the lifecycle control only.
            del self.fields["stage"]
            self.initial["types"] = self.instance.type_codes
            self.initial["registration_number"] = self.instance.registration_number_display
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())

    def clean_registration_number(self) -> str:
        value = self.cleaned_data.get("registration_number", "")
        try:
            value = normalize_brn(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        if value:
            taken = access.scope(self.user, Partner).filter(registration_number=value)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            other = taken.only("id", "name").first()
            if other is not None:
                raise ValidationError(
                    _("%(name)s already has this business registration number.")
                    % {"name": other.name}
                )
        return value

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}

    def service_tags(self) -> list[str]:
        return tag_names(self.cleaned_data.get("tags", ""))


class StageForm(StyledForm, forms.Form):
    # Every stage is accepted here so that the lifecycle rules (in the service) give the
    # message; the page offers only the stages reachable from the current one.
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)


class ContactForm(StyledForm, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ContactRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Contact
        fields = ("name", "title", "email", "phone", "roles", "portal_access")

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class DocumentUploadForm(StyledForm, forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(
        label=pgettext_lazy("document", "Title"), max_length=200, required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class InteractionForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ("kind", "occurred_at", "contact", "summary")
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, partner: Partner, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = InteractionKind.choices
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        # The partner is already in hand (and checked), so its own contacts need no scope.
        self.fields["contact"].queryset = partner.contacts.all()

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class SavedFilterForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)


class MergeSearchForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)


class ListSelect(forms.Select):
    """A single <select> for a filter that accepts several values (``?country=KR``)."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [v for v in values if v]


def partner_filter_form(filterset, *, countries: list[tuple[str, str]]) -> forms.Form:
    """The PartnerFilter's form laid out for the list's filter panel: check boxes for the
    short choice lists, and only the countries that occur among the visible partners."""
    form = filterset.form
    for name in ("stage", "type", "tier"):
        field = form.fields[name]
        field.widget = forms.CheckboxSelectMultiple()
        field.widget.choices = field.choices
    country = form.fields["country"]
    selected = set(form.data.getlist("country")) if hasattr(form.data, "getlist") else set()
    present = dict(countries)
    names = dict(country.choices)
    present.update({code: names[code] for code in selected if code in names})
    country.widget = ListSelect(
        choices=[("", _("Any country")), *sorted(present.items(), key=lambda c: str(c[1]))]
    )
    form.fields["owner"].empty_label = _("Any owner")
    for name in ("q", "region", "industry", "tag"):
        form.fields[name].widget.attrs["class"] = "form-control"
    for name in ("country", "owner"):
        form.fields[name].widget.attrs["class"] = "form-select"
    for name in ("stage", "type", "tier"):
        form.fields[name].widget.attrs["class"] = "form-check-input"
    # The panel's fields sit outside the search form (an off-canvas panel on phones).
    for name in ("stage", "type", "tier", "country", "region", "industry", "owner", "tag"):
        form.fields[name].widget.attrs["form"] = "partner-filter"
    form.fields["q"].widget.attrs.update(
        {"type": "search", "placeholder": _("Name, registration number, domain, contact…")}
    )
    return form
