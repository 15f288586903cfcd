"""Back-office and portal forms of reviews, action items and business plans."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.metrics.models import Metric
from prm.metrics.periods import Period, PeriodKind
from prm.partners.forms import StyledForm
from prm.partners.models import Contact, Partner
from prm.reviews.models import ActionItem, BusinessPlan, Goal, OwnerSide, Review

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_period(value: str) -> Period:
    """A month, quarter or year label (2026-11, 2026-Q3, 2026) as a period."""
    try:
        period = Period.parse(value)
    except ValueError:
        period = None
    if period is None or period.kind == PeriodKind.DAY:
        raise ValidationError(
            _(
                "%(value)s is not a period; write a month (2026-11), a quarter (2026-Q3) "
                "or a year (2026)."
            )
            % {"value": value}
        )
    return period


class PeriodField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Period"))
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault(
            "help_text", _("A month (2026-11), a quarter (2026-Q3) or a year (2026).")
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return parse_period(value) if value else None


def staff_owners():
    return User.objects.filter(
        role__in=[Role.ADMIN, Role.PARTNER_MANAGER], is_active=True
    ).order_by("email")


class _PeriodMixin:
    def _init_period(self) -> None:
        instance = self.instance
        if instance.pk and instance.period_start:
            self.initial.setdefault("period", instance.period_label)

    def period_data(self) -> dict:
        period = self.cleaned_data.get("period")
        return {"period_kind": period.kind, "period_start": period.start} if period else {}


class ReviewForm(_PeriodMixin, StyledForm, forms.ModelForm):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    period = PeriodField()

    class Meta:
        model = Review
        fields = (
            "partner",
            "title",
            "meeting_date",
            "owner",
            "attendees",
            "shared_notes",
            "staff_notes",
        )
        widgets = {
            "meeting_date": DATE,
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "shared_notes": forms.Textarea(attrs={"rows": 6}),
            "staff_notes": forms.Textarea(attrs={"rows": 4}),
        }

    field_order = ("partner", "period", "title", "meeting_date", "owner")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["partner"]
        else:
            self.fields["partner"].queryset = access.scope(user, Partner, "change").only(
                "id", "name"
            )
        self.fields["owner"].queryset = staff_owners()
        self._init_period()

    def _post_clean(self):
        # The service validates the model (in the user's language); the form checks types.
        pass

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("partner", "period")}
        return {**data, **self.period_data()}


class StatusForm(forms.Form):
    status = forms.CharField(max_length=16)


class CommentForm(StyledForm, forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionItemForm(StyledForm, forms.ModelForm):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())

    class Meta:
        model = ActionItem
        fields = (
            "partner",
            "review",
            "title",
            "description",
            "owner_side",
            "owner_user",
            "owner_contact",
            "due_on",
        )
        widgets = {"due_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args, user: User, partner: Partner | None = None, fixed_review=None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        partner = partner or (self.instance.partner if self.instance.pk else None)
        if partner is not None or self.instance.pk:
            del self.fields["partner"]
        else:
            self.fields["partner"].queryset = access.scope(user, Partner, "change").only(
                "id", "name"
            )
        if fixed_review is not None:
            del self.fields["review"]
        else:
            reviews = access.scope(user, Review).select_related("partner")
            if partner is not None:
                reviews = reviews.filter(partner=partner)
            self.fields["review"].queryset = reviews
            self.fields["review"].label_from_instance = lambda r: f"{r.partner.name} · {r}"
        owners = User.objects.filter(is_active=True).filter(
            role__in=[Role.ADMIN, Role.PARTNER_MANAGER]
        )
        if partner is not None:
            owners = owners | User.objects.filter(is_active=True, partner=partner)
        self.fields["owner_user"].queryset = owners.order_by("role", "email")
        self.fields["owner_user"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.email} ({u.get_role_display()})"
        )
        contacts = access.scope(user, Contact).order_by("name")
        self.fields["owner_contact"].queryset = (
            contacts.filter(partner=partner) if partner else contacts.none()
        )
        self.fields["owner_side"].initial = OwnerSide.COMPANY

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "partner"}


class PlanForm(_PeriodMixin, StyledForm, forms.ModelForm):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    period = PeriodField()

    class Meta:
        model = BusinessPlan
        fields = ("partner", "title", "owner", "summary")
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    field_order = ("partner", "title", "period", "owner", "summary")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["partner"]
        else:
            self.fields["partner"].queryset = access.scope(user, Partner, "change").only(
                "id", "name"
            )
        self.fields["owner"].queryset = staff_owners()
        self._init_period()

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("partner", "period")}
        return {**data, **self.period_data()}


class GoalForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ("title", "metric", "target", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = (
            access.scope(user, Metric).filter(active=True).order_by("code")
        )
        self.fields["metric"].label_from_instance = lambda m: (
            f"{m.name} ({m.unit})" if m.unit else m.name
        )

    def _post_clean(self):
        pass
