"""Forms of the public application, the review queue and the journeys."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from prm.onboarding import services
from prm.onboarding.models import JourneyStep, StepKind, StepOwner
from prm.partners.forms import StyledForm
from prm.partners.models import DocumentKind, TypeCode
from prm.partners.validators import normalize_brn, normalize_phone

STARTED_SALT = "prm.onboarding.apply.started"


def started_token(now: float | None = None) -> str:
    """When the form was shown, signed so that a bot cannot pretend it took its time."""
    return signing.dumps(now if now is not None else time.time(), salt=STARTED_SALT)


def min_fill_seconds() -> int:
    return getattr(settings, "PRM_APPLY_MIN_SECONDS", 5)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    max_files = 10

    def clean(self, data, initial=None):
        single = super().clean
        files = [d for d in data if d] if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > self.max_files:
            raise ValidationError(
                _("Send at most %(count)d files.") % {"count": self.max_files}, code="too_many"
            )
        return [single(f, initial) for f in files]


class ApplicationForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    registration_number = forms.CharField(
        label=_("Business registration number"),
        max_length=12,
        required=False,
        help_text=_("Korean companies: 10 digits, e.g. 123-45-67890."),
    )
    types = forms.MultipleChoiceField(
        label=_("Partnership types"),
        choices=TypeCode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one partner type.")},
    )
    country = LazyTypedChoiceField(label=_("Country"), choices=countries, initial="KR")
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    message = forms.CharField(
        label=_("Tell us about your company"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    registration_certificate = forms.FileField(
        label=_("Business registration certificate"), required=False
    )
    documents = MultipleFileField(
        label=_("Other documents"),
        required=False,
        help_text=_("Company presentation, certificates… (PDF, images, Office or HWP files)."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the data in this form is used to review the application."),
        error_messages={"required": _("We need your consent to review the application.")},
    )
    # Spam protection: a field people never see, and the signed time the form was shown.
    homepage = forms.CharField(required=False, label=_("Leave this empty"))
    started = forms.CharField(widget=forms.HiddenInput)

    def clean_registration_number(self):
        value = self.cleaned_data["registration_number"]
        brn = normalize_brn(value)
        if brn and services.registered_partner(brn):
            raise ValidationError(
                _(
                    "A partner with this business registration number is already registered. "
                    "If it is your company, ask your partner manager for a portal account."
                ),
                code="duplicate",
            )
        return brn

    def clean(self):
        data = super().clean()
        if data.get("homepage"):
            raise ValidationError(_("Your application could not be accepted."), code="spam")
        try:
            started = float(signing.loads(data.get("started") or "", salt=STARTED_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            raise ValidationError(
                _("The form has expired; please check it and send it again."), code="spam"
            ) from None
        if time.time() - started < min_fill_seconds():
            raise ValidationError(
                _("The form was sent too quickly; please check it and send it again."),
                code="too_fast",
            )
        return data


class ApplicantContactForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=32)

    def __init__(self, *args, country: str = "KR", **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"], self.country)


ContactFormSet = forms.formset_factory(
    ApplicantContactForm, extra=1, min_num=1, max_num=5, validate_min=True, validate_max=True
)


class RejectForm(StyledForm, forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InfoRequestForm(StyledForm, forms.Form):
    question = forms.CharField(
        label=_("What do you need to know?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(StyledForm, forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )


class StepAddForm(StyledForm, forms.ModelForm):
    class Meta:
        model = JourneyStep
        fields = ("title", "kind", "owner", "document_kind", "due_on", "description")
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = StepKind.choices
        self.fields["owner"].choices = StepOwner.choices
        self.fields["document_kind"].choices = [("", "—"), *DocumentKind.choices]


class StepCompleteForm(StyledForm, forms.Form):
    file = forms.FileField(label=_("Document"), required=False)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
