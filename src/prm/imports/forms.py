from django import forms
from django.utils.translation import gettext_lazy as _

from prm.imports import registry
from prm.imports.readers import ACCEPTED_SUFFIXES


class UploadForm(forms.Form):
    entity = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, UTF-8 with BOM, CP949 or UTF-16) or XLSX; first row: headers."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )
    allow_duplicates = forms.BooleanField(
        label=_("Create partners that look like existing ones"),
        help_text=_(
            "Without this, a new row whose name or e-mail domain matches an existing "
            "partner is an error."
        ),
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [
            (entity.name, entity.label) for entity in registry.entities() if entity.can_import(user)
        ]
