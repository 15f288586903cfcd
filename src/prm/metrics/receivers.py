"""Subscribers: the records derived metrics come from changed; re-derive them soon.

Deals feed ``deals`` and ``revenue`` in the period of the day they were won, ``deals`` in
the period of the day they were lost; an offered lead feeds the partner's ``open_leads``
of today. The work itself runs in the background (``prm.metrics.live``).
"""

from __future__ import annotations

from django.utils import timezone

from prm.core import access
from prm.core.events import subscribe
from prm.metrics import live
from prm.sales.models import Deal


def _deal_closed(deal_id: int) -> None:
    deal = (
        access.unrestricted(Deal)
        .filter(pk=deal_id)
        .values("partner_id", "won_at", "lost_at", "stage__is_won", "stage__is_lost")
        .first()
    )
    if deal is None:
        return
    if deal["stage__is_won"]:
        for name in ("deals", "revenue"):
            live.rederive_later(
                derivation=name, partner_ids=[deal["partner_id"]], dates=[deal["won_at"]]
            )
    elif deal["stage__is_lost"]:
        live.rederive_later(
            derivation="deals", partner_ids=[deal["partner_id"]], dates=[deal["lost_at"]]
        )


@subscribe("deal.won")
def deal_won(*, deal_id, partner_id) -> None:
    _deal_closed(deal_id)


@subscribe("deal.lost")
def deal_lost(*, deal_id, partner_id) -> None:
    _deal_closed(deal_id)


@subscribe("deal.amount_changed")
def deal_amount_changed(*, deal_id, partner_id) -> None:
    """A corrected amount changes the figures of a won deal only (lost amounts count nowhere,
    an open deal's nowhere yet); ``_deal_closed`` sorts that out."""
    _deal_closed(deal_id)


@subscribe("lead.assigned")
def lead_assigned(*, lead_id, partner_id) -> None:
    live.rederive_later(derivation="leads", partner_ids=[partner_id], dates=[timezone.localdate()])
