"""Back-office and portal forms of scorecards."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.core import access
from prm.metrics.periods import Period
from prm.partners.forms import StyledForm
from prm.partners.models import Partner, PartnerType, Tier
from prm.scorecards.models import (
    DEFAULT_BANDS,
    KPI,
    TEMPLATE_PERIODS,
    ScorecardTemplate,
    Standing,
    StandingAction,
)


class KPIForm(StyledForm, forms.ModelForm):
    bands_text = forms.CharField(
        label=_("Bands"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'For the bands rule, e.g. [{"min": 0, "max": 90, "score": 0}, '
            '{"min": 90, "max": null, "score": 100}]'
        ),
    )

    class Meta:
        model = KPI
        fields = (
            "code",
            "name_ko",
            "name_en",
            "formula",
            "unit",
            "direction",
            "scoring",
            "target",
            "floor",
            "description",
            "active",
        )
        widgets = {
            "formula": forms.TextInput(attrs={"class": "font-monospace", "spellcheck": "false"}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.bands:
            import json

            self.fields["bands_text"].initial = json.dumps(self.instance.bands)

    def _post_clean(self):
        # The service validates (formula positions included) in the user's language.
        pass

    def clean_bands_text(self):
        import json

        text = (self.cleaned_data.get("bands_text") or "").strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Write the bands as JSON.")) from None

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["bands"] = self.cleaned_data.get("bands_text") or []
        if self.instance.pk:
            data.pop("code")
        return data


class TargetForm(StyledForm, forms.Form):
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=Tier.objects.none(), required=False)
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.none(), required=False
    )
    target = forms.DecimalField(label=_("Target"), max_digits=20, decimal_places=4)
    floor = forms.DecimalField(label=_("Floor"), max_digits=20, decimal_places=4, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = Tier.objects.order_by("rank")
        self.fields["partner"].queryset = access.scope(user, Partner, "change").only("id", "name")

    def clean(self):
        data = super().clean()
        if bool(data.get("tier")) == bool(data.get("partner")):
            raise forms.ValidationError(_("Choose a tier or a partner, not both."))
        return data


class TemplateForm(StyledForm, forms.Form):
    """A template with a weight per KPI (blank: not part of it) and its four standings."""

    name_ko = forms.CharField(label=_("name (Korean)"), max_length=120)
    name_en = forms.CharField(label=_("name (English)"), max_length=120)
    period_kind = forms.ChoiceField(label=_("Period"), choices=TEMPLATE_PERIODS)
    partner_types = forms.MultipleChoiceField(
        label=_("Partner types"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, template: ScorecardTemplate | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner_types"].choices = [(t.code, str(t)) for t in PartnerType.objects.all()]
        self.kpis = list(KPI.objects.filter(active=True).order_by("code"))
        weights = {}
        bands = {s: (lo, hi, a) for s, lo, hi, a in DEFAULT_BANDS}
        if template is not None:
            self.initial.update(
                name_ko=template.name_ko,
                name_en=template.name_en,
                period_kind=template.period_kind,
                partner_types=[t.code for t in template.partner_types.all()],
                description=template.description,
                active=template.active,
            )
            weights = {line.kpi_id: line.weight for line in template.lines.all()}
            extra = [line.kpi for line in template.lines.all() if line.kpi not in self.kpis]
            self.kpis += extra
            stored = {
                b.standing: (b.min_score, b.max_score, b.actions) for b in template.bands.all()
            }
            bands = {s: stored.get(s) for s in Standing.values}
        self.weight_fields = []
        for kpi in self.kpis:
            name = f"weight_{kpi.pk}"
            self.fields[name] = forms.DecimalField(
                label=str(kpi),
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
                initial=weights.get(kpi.pk),
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            )
            self.weight_fields.append((kpi, name))
        self.band_fields = []
        for standing in Standing:
            lo, hi, actions = bands.get(standing.value) or (None, None, [])
            names = (
                f"band_{standing.value}_min",
                f"band_{standing.value}_max",
                f"band_{standing.value}_actions",
            )
            self.fields[names[0]] = forms.DecimalField(
                label=_("From"),
                required=False,
                min_value=0,
                max_value=100,
                initial=lo,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            )
            self.fields[names[1]] = forms.DecimalField(
                label=_("To"),
                required=False,
                min_value=0,
                max_value=100,
                initial=hi,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            )
            self.fields[names[2]] = forms.MultipleChoiceField(
                label=_("Actions"),
                required=False,
                choices=StandingAction.choices,
                widget=forms.CheckboxSelectMultiple,
                initial=list(actions or []),
            )
            self.band_fields.append((standing, names))

    def rows(self):
        return [(kpi, self[name]) for kpi, name in self.weight_fields]

    def band_rows(self):
        return [(s, self[a], self[b], self[c]) for s, (a, b, c) in self.band_fields]

    def service_args(self) -> dict:
        data = self.cleaned_data
        lines = [
            (kpi, data[name])
            for kpi, name in self.weight_fields
            if data.get(name) not in (None, Decimal(0))
        ]
        bands = []
        for standing, (lo, hi, actions) in self.band_fields:
            if data.get(lo) is None and data.get(hi) is None:
                continue
            bands.append(
                {
                    "standing": standing.value,
                    "min_score": data.get(lo) if data.get(lo) is not None else "",
                    "max_score": data.get(hi) if data.get(hi) is not None else "",
                    "actions": data.get(actions) or [],
                }
            )
        return {
            "data": {
                "name_ko": data["name_ko"],
                "name_en": data["name_en"],
                "period_kind": data["period_kind"],
                "description": data.get("description") or "",
                "active": bool(data.get("active")),
            },
            "partner_types": data["partner_types"],
            "lines": lines,
            "bands": bands,
        }


class RecomputeForm(StyledForm, forms.Form):
    template = forms.ModelChoiceField(
        label=_("Scorecard template"), queryset=ScorecardTemplate.objects.filter(active=True)
    )
    period = forms.CharField(label=_("Period"), max_length=10, help_text=_("e.g. 2026-Q3"))

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(
                _("Give a period such as 2026-Q3, 2026-11 or 2026.")
            ) from None


class CommentForm(StyledForm, forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseDisputeForm(StyledForm, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("resolved", _("Resolved as it stands")),
            ("recomputed", _("Recompute the scorecard")),
        ],
    )
    body = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HoldForm(StyledForm, forms.Form):
    on_hold = forms.BooleanField(label=_("On hold"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)
