"""Events: a capability announces what happened; others subscribe.

``emit("contract.expired", contract_id=7, partner_id=3)`` runs every subscriber of that
name after the current transaction commits (at once when there is none), so subscribers
never see a change that was rolled back. Subscribers register with ``@subscribe(name)`` in
their app's ``ready()`` (import the module that holds them). Webhooks, notifications and
risk signals are subscribers; no capability calls another one's code for a side effect.

Event names in use are listed in :data:`EVENTS` with their payload, so that a subscriber
knows what it gets.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Handler = Callable[..., None]
_subscribers: dict[str, list[Handler]] = defaultdict(list)

# name → payload keys. Add a line when a capability starts emitting an event.
EVENTS: dict[str, tuple[str, ...]] = {
    "document.expired": ("document_id", "partner_id"),
    "compliance.document_expired": ("document_id", "partner_id", "requirement_id"),
    "contract.expiring": ("contract_id", "partner_id"),
    "contract.expired": ("contract_id", "partner_id"),
    "contract.signed": ("contract_id", "partner_id"),
    "application.approved": ("application_id", "partner_id"),
    "onboarding.completed": ("journey_id", "partner_id"),
    "deal.registered": ("deal_id", "partner_id"),
    "deal.decided": ("deal_id", "partner_id", "decision"),
    "deal.won": ("deal_id", "partner_id"),
    "deal.lost": ("deal_id", "partner_id"),
    # The amount or currency of a deal changed (a won deal's: its revenue was corrected).
    "deal.amount_changed": ("deal_id", "partner_id"),
    "lead.assigned": ("lead_id", "partner_id"),
    "commission.statement_approved": ("statement_id", "partner_id"),
    "sourcing.candidate_decided": ("candidate_id", "partner_id", "project_id", "decision"),
    "scorecard.computed": ("result_id", "partner_id", "standing", "previous_standing"),
    "scorecard.standing_changed": ("result_id", "partner_id", "standing", "previous_standing"),
    # Once per computation, for subscribers that handle many partners at once (risk rules).
    "scorecard.standings_changed": ("template_id", "period", "partner_ids"),
    # Once per computation: the partners whose standing asks for a tier review.
    "scorecard.tier_review_proposed": ("template_id", "period", "partner_ids"),
    "metrics.observations_changed": ("partner_ids", "period_kind", "period_start"),
    # risk_id is None when the request is linked to no risk.
    "corrective_action.accepted": ("request_id", "partner_id", "risk_id"),
    "tier.changed": ("partner_id", "change_id", "from_tier", "to_tier"),
}


def subscribe(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if handler not in _subscribers[name]:
            _subscribers[name].append(handler)
        return handler

    return register


def emit(name: str, **payload: Any) -> None:
    """Announce ``name`` with ``payload`` (ids and plain values, not objects)."""
    if name not in EVENTS:
        raise ValueError(f"Unknown event {name!r}; declare it in prm.core.events.EVENTS")
    transaction.on_commit(lambda: _dispatch(name, payload))


def _dispatch(name: str, payload: dict[str, Any]) -> None:
    for handler in list(_subscribers.get(name, ())):
        try:
            handler(**payload)
        except Exception:
            # One failing subscriber must not stop the others or the request that emitted.
            logger.exception("Subscriber %s of %s failed", handler, name)
