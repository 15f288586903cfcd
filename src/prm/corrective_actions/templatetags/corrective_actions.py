"""Template helpers of corrective action requests: durations in days, and the requests of a
risk or a partner for the includes other apps' pages show."""

from datetime import timedelta

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

from prm.core import access
from prm.corrective_actions import selectors
from prm.corrective_actions.models import CorrectiveActionRequest

register = template.Library()

NONE = "\u2013"  # an en dash: no value


@register.filter
def days(value: timedelta | None) -> str:
    """A duration in days with one decimal ("2.3 days"); a dash for none."""
    if value is None or value == "":
        return NONE
    amount = round(value.total_seconds() / 86400, 1)
    # Plural rules take whole numbers: only exactly one day is singular.
    return ngettext("%(days)s day", "%(days)s days", 1 if amount == 1 else 2) % {
        "days": number_format(amount, decimal_pos=1)
    }


@register.filter
def mean_days(value: float | None) -> str:
    if value is None:
        return NONE
    return days(timedelta(days=value))


@register.simple_tag(takes_context=True)
def corrective_requests_for_risk(context, risk) -> list:
    request = context.get("request")
    user = getattr(request, "user", None)
    if risk is None or user is None:
        return []
    return list(selectors.requests_for_risk(user=user, risk_id=risk.pk)[:50])


@register.simple_tag(takes_context=True)
def corrective_requests_for_partner(context, partner) -> list:
    request = context.get("request")
    user = getattr(request, "user", None)
    if partner is None or user is None:
        return []
    return list(selectors.requests_for_partner(user=user, partner=partner)[:50])


@register.simple_tag(takes_context=True)
def may_request_corrective_action(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    role = access.role_of(user)
    policy = access.policy_of(CorrectiveActionRequest)
    return bool(
        role and user.is_staff_role and policy.filter(user, role, access.Action.ADD) is not None
    )
