"""Samples of the leads models for the generated access tests (tests/access)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from prm.core import access
from prm.leads.models import AssignmentResponse, Lead, LeadAssignment, LeadStatus


def lead(model, side):
    """A lead offered to the side's partner, its answer time still running, so that
    accepting and declining it are real changes."""
    now = timezone.now()
    due = now + datetime.timedelta(days=2)
    obj = Lead(
        company_name=side.text(model, 200),
        contact_name=side.text(model, 120),
        partner=side.partner,
        status=LeadStatus.OFFERED,
        offered_at=now,
        sla_due=due,
        notes=side.text(model),
    )
    obj.save()
    LeadAssignment(
        lead=obj,
        partner=side.partner,
        seed=1,
        candidates=[{"partner": side.partner.pk, "name": side.partner.name, "weight": 1.0}],
        explanation={"ko": side.text(LeadAssignment), "en": side.text(LeadAssignment)},
        offered_at=now,
        sla_due=due,
        response=AssignmentResponse.PENDING,
    ).save()
    return obj


def assignment(model, side):
    return access.unrestricted(LeadAssignment).get(lead=side.sample(Lead))


FACTORIES = {
    "leads.Lead": lead,
    "leads.LeadAssignment": assignment,
}

# URL parameters not named pk/id: the portal's lead pages.
PARAM_MODELS = {
    ("leads:portal_detail", "lead_id"): "leads.Lead",
    ("leads:portal_accept", "lead_id"): "leads.Lead",
    ("leads:portal_decline", "lead_id"): "leads.Lead",
}

# Models without an access policy, with the reason (for UNRESTRICTED_MODELS).
UNRESTRICTED_MODELS = {
    "leads.LeadRoutingRule": "the company's routing configuration, edited by admins in Django "
    "admin and shown read-only to staff; no portal page or API reads it",
}
