"""Forms of the tier program: a manager's decision on a proposal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.partners.models import Tier
from prm.tiers.services import KEEP

KEEP_CHOICE = "keep"
NO_TIER_CHOICE = "none"


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class OverrideForm(forms.Form):
    tier = forms.ChoiceField(
        label=_("Decision"), widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label=_("Why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("Say why you override the proposal.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(KEEP_CHOICE, _("Keep the current tier"))]
        for tier in Tier.objects.order_by("rank"):
            choices.append((tier.code, _("Move to %(tier)s") % {"tier": tier}))
        choices.append((NO_TIER_CHOICE, _("Remove the tier")))
        self.fields["tier"].choices = choices

    def chosen_tier(self):
        """The tier chosen, ``None`` for "no tier", or the service's KEEP marker."""
        code = self.cleaned_data["tier"]
        if code == KEEP_CHOICE:
            return KEEP
        if code == NO_TIER_CHOICE:
            return None
        return Tier.objects.get(code=code)


class ReviewForm(forms.Form):
    dry_run = forms.BooleanField(label=_("Dry run (show what would be proposed)"), required=False)
