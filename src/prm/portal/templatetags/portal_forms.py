"""Bootstrap markup for Django form fields, shared by the portal and the account pages."""

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()

CHECK_WIDGETS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


@register.filter
def bootstrap(field: BoundField) -> BoundField:
    """The field with Bootstrap's classes on its widget (and ``is-invalid`` on errors)."""
    widget = field.field.widget
    if isinstance(widget, CHECK_WIDGETS):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    widget.attrs["class"] = css
    if field.errors:
        widget.attrs["aria-invalid"] = "true"
    return field


@register.filter
def field_kind(field: BoundField) -> str:
    """How the field's template lays it out: "checkbox", "choices" or "input"."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return "choices"
    return "input"
