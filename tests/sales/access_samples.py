"""Samples of the co-selling models for the generated access tests (tests/access).

Wiring for the lead (tests/access/samples.py):
- ``FACTORIES.update(FACTORIES)`` below;
- ``UNRESTRICTED_MODELS.update(UNRESTRICTED_MODELS)`` below (reference data and the rules);
- ``sales.Account`` has its own policy (``prm.sales.models.AccountPolicy``: staff data, a
  portal user sees the accounts of its own partner's deals), so ``owned_rows`` needs
  ``OWNED_ROWS["sales.Account"](side)`` for it;
- ``PARAM_MODELS`` for the route probe.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from prm.sales.models import Account, Deal, PipelineStage
from tests.access.samples import generic


def account(model, side):
    """A customer account of the side, made the side's by one deal of its partner."""
    obj = Account(name=side.text(Account, 200), domain=f"{side.marker.lower()}.example")
    obj.save()
    Deal(
        partner=side.partner,
        account=obj,
        title=side.text(Deal, 200),
        amount=Decimal("1"),
        stage=PipelineStage.objects.order_by("order").first(),
        registered_at=timezone.now(),
    ).save()
    return obj


def shared_activity(model, side):
    """A note on one of the side's deals that staff shared with the partner (an internal
    note is staff-only: tests/sales/test_activities.py covers it)."""
    obj = generic(model, side)
    obj.shared = True
    obj.save()
    return obj


def account_rows(side):
    own = Deal._base_manager.filter(partner=side.partner).values("account_id")
    return Account._base_manager.filter(pk__in=own)


FACTORIES = {
    "sales.Account": account,
    "sales.Deal": generic,
    "sales.DealPartner": generic,
    "sales.DealConflict": generic,
    "sales.DealActivity": shared_activity,
}

OWNED_ROWS = {"sales.Account": account_rows}

UNRESTRICTED_MODELS = {
    "sales.ProductCategory": "the fixed product lines (reference data)",
    "sales.PipelineStage": "the pipeline's stages and probabilities, shown to partners "
    "on their own deals (reference data, changed by admins in Django admin)",
    "sales.DealRules": "the registration rules everyone can read; one row, edited by "
    "admins in Django admin",
}

PARAM_MODELS = {
    ("sales:partner_remove", "link_id"): "sales.DealPartner",
    ("sales:portal_detail", "pk"): "sales.Deal",
    ("sales:portal_edit", "pk"): "sales.Deal",
    ("sales:portal_activity_add", "pk"): "sales.Deal",
    ("sales:activity_share", "activity_id"): "sales.DealActivity",
    ("PATCH /api/v1/deals/{deal_id}/activities/{activity_id}", "activity_id"): (
        "sales.DealActivity"
    ),
}
