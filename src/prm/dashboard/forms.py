"""The dashboard's filters: period, partner type, region, tier and owner."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from prm.accounts.models import User
from prm.accounts.roles import STAFF_ROLES
from prm.dashboard.selectors import DEFAULT_MONTHS, PERIOD_CHOICES, Filters
from prm.partners.models import Tier, TypeCode


def _period_label(months: int):
    return ngettext_lazy("Last %(count)d month", "Last %(count)d months", months) % {
        "count": months
    }


class DashboardFilterForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        required=False,
        empty_value=DEFAULT_MONTHS,
        choices=[(m, _period_label(m)) for m in PERIOD_CHOICES],
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *TypeCode.choices]
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=100)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=User.objects.none(), empty_label=_("All owners")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [
            ("", _("All tiers")),
            *((t.code, str(t)) for t in Tier.objects.order_by("rank")),
            ("none", _("No tier")),
        ]
        self.fields["owner"].queryset = User.objects.filter(
            role__in=list(STAFF_ROLES), is_active=True
        ).order_by("email")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} form-select-sm form-control-sm"

    def filters(self) -> Filters:
        """The filters asked for; an invalid value is ignored (the dashboard still shows)."""
        data = self.cleaned_data if self.is_valid() else {}
        owner = data.get("owner")
        return Filters(
            months=data.get("months") or DEFAULT_MONTHS,
            type=data.get("type") or "",
            region=(data.get("region") or "").strip(),
            tier=data.get("tier") or "",
            owner=owner.pk if owner else None,
        )
