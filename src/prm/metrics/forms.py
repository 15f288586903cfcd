"""Back-office forms of metrics and observations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.core import access
from prm.core.access import Action
from prm.metrics.models import Metric, Source
from prm.metrics.services import METRIC_FIELDS
from prm.partners.forms import StyledForm
from prm.partners.models import Partner


class MetricForm(StyledForm, forms.ModelForm):
    class Meta:
        model = Metric
        fields = METRIC_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        parts = access.scope(user, Metric).exclude(rollup="ratio")
        if self.instance.pk:
            parts = parts.exclude(pk=self.instance.pk)
        for name in ("numerator", "denominator"):
            self.fields[name].queryset = parts.order_by("code")
            self.fields[name].label_from_instance = lambda m: f"{m.code} — {m.name}"

    def _post_clean(self):
        # The service validates the model in the user's language; the form checks types.
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ObservationForm(StyledForm, forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    metric = forms.ModelChoiceField(label=_("Metric"), queryset=Metric.objects.none())
    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        help_text=_("2026-11 (month), 2026-Q3 (quarter), 2026 (year) or 2026-11-05 (day)."),
    )
    value = forms.CharField(label=_("Value"), max_length=40)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=16,
        required=False,
        help_text=_("Optional: checked against the metric's unit."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = (
            access.scope(user, Partner, Action.CHANGE).only("id", "name").order_by("name")
        )
        metrics = access.scope(user, Metric).filter(active=True).exclude(source=Source.DERIVED)
        self.fields["metric"].queryset = metrics.order_by("code")
        self.fields["metric"].label_from_instance = lambda m: (
            f"{m.name} ({m.unit})" if m.unit else m.name
        )
