"""Small presentation helpers for the partner pages: stage badges and sortable headers."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from prm.partners.lifecycle import Stage

register = template.Library()

STAGE_STYLES = {
    Stage.PROSPECT: "text-bg-light border",
    Stage.CANDIDATE: "text-bg-info",
    Stage.APPLIED: "text-bg-primary",
    Stage.ONBOARDING: "text-bg-warning",
    Stage.ACTIVE: "text-bg-success",
    Stage.SUSPENDED: "text-bg-danger",
    Stage.OFFBOARDED: "text-bg-secondary",
}


@register.simple_tag
def stage_badge(stage: str):
    label = dict(Stage.choices).get(stage, stage)
    style = STAGE_STYLES.get(stage, "text-bg-light")
    return format_html(
        '<span class="badge badge-stage {}" data-stage="{}">{}</span>', style, stage, label
    )


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label):
    """A column header that sorts the list by ``field``; a second click reverses it."""
    request = context["request"]
    params = request.GET.copy()
    current = params.get("sort", "")
    if current == field:
        target, icon, state = f"-{field}", "bi-sort-up", "ascending"
    elif current == f"-{field}":
        target, icon, state = field, "bi-sort-down", "descending"
    else:
        target, icon, state = field, "", "none"
    params["sort"] = target
    params.pop("page", None)
    hint = _("Sort by %(column)s") % {"column": label}
    return format_html(
        '<a class="prm-sort text-reset text-decoration-none" href="?{}" aria-sort="{}" '
        'title="{}">{} <i class="bi {} small" aria-hidden="true"></i></a>',
        params.urlencode(),
        state,
        hint,
        label,
        icon,
    )
