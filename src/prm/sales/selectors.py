"""Reads: deal lists, the board, the forecast and per-partner statistics, all scoped to the
acting user through the access layer."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from prm.accounts.models import User
from prm.core import access
from prm.partners.selectors import filled
from prm.sales.filters import DealFilter
from prm.sales.models import Deal, DealConflict, DealStatus, PipelineStage

CENT = Decimal("0.01")


def deal_list(*, user: User, params=None, request=None) -> tuple[DealFilter, QuerySet]:
    base = access.scope(user, Deal).select_related(
        "partner", "account", "stage", "owner", "product_category"
    )
    filterset = DealFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    queryset = filterset.qs
    ordering = (
        list(queryset.query.order_by)
        if filterset.form.cleaned_data.get("sort")
        else ["-registered_at"]
    )
    return filterset, queryset.order_by(*ordering, "-id")


def deal_get(*, user: User, pk) -> Deal:
    return access.get_object(
        user,
        access.scope(user, Deal).select_related(
            "partner", "account", "stage", "owner", "product_category", "decided_by"
        ),
        pk=pk,
    )


def deal_conflicts(*, user: User, deal: Deal) -> QuerySet:
    """The conflicts of a deal for a reviewer (staff only, by the conflict's policy)."""
    return (
        access.scope(user, DealConflict)
        .filter(deal=deal)
        .select_related("conflicting_deal", "conflicting_deal__partner", "account")
    )


def board(*, user: User, params=None, request=None) -> tuple[DealFilter, list[dict]]:
    """Approved deals by stage, each column with its deals, total and weighted total."""
    filterset, queryset = deal_list(user=user, params=params, request=request)
    queryset = queryset.filter(status=DealStatus.APPROVED)
    deals_by_stage = defaultdict(list)
    for deal in queryset[:1000]:
        deals_by_stage[deal.stage_id].append(deal)
    columns = []
    for stage in PipelineStage.objects.all():
        deals = deals_by_stage.get(stage.pk, [])
        columns.append(
            {
                "stage": stage,
                "deals": deals,
                "count": len(deals),
            }
        )
    return filterset, columns


def _weighted(amount: Decimal, probability: Decimal) -> Decimal:
    return (amount * probability / Decimal(100)).quantize(CENT)


def forecast(*, user: User, params=None, request=None) -> dict:
    """Open approved deals' amount times stage probability, by month of expected close and by
    partner, per currency (amounts in different currencies are never added up)."""
    _filterset, queryset = deal_list(user=user, params=params, request=request)
    rows = queryset.filter(
        status=DealStatus.APPROVED, stage__is_won=False, stage__is_lost=False
    ).values_list(
        "amount",
        "currency",
        "stage__probability",
        "expected_close_date",
        "partner_id",
        "partner__name",
    )
    by_month: dict[tuple[str, str], dict] = {}
    by_partner: dict[tuple[int, str], dict] = {}
    for amount, currency, probability, close, partner_id, partner_name in rows:
        weighted = _weighted(amount, probability)
        month = close.strftime("%Y-%m") if close else ""
        m = by_month.setdefault(
            (month, currency),
            {"month": month, "currency": currency, "amount": Decimal(0), "weighted": Decimal(0)},
        )
        m["amount"] += amount
        m["weighted"] += weighted
        p = by_partner.setdefault(
            (partner_id, currency),
            {
                "partner_id": partner_id,
                "partner": partner_name,
                "currency": currency,
                "amount": Decimal(0),
                "weighted": Decimal(0),
            },
        )
        p["amount"] += amount
        p["weighted"] += weighted
    return {
        "by_month": sorted(by_month.values(), key=lambda r: (r["month"] or "9999", r["currency"])),
        "by_partner": sorted(by_partner.values(), key=lambda r: (-r["weighted"], r["partner"])),
    }


def partner_stats(*, user: User, params=None, request=None) -> list[dict]:
    """Per partner: deals won and lost, win rate (won of closed) and the average cycle time
    in days (registration to win)."""
    _filterset, queryset = deal_list(user=user, params=params, request=request)
    rows = queryset.values_list(
        "partner_id", "partner__name", "stage__is_won", "stage__is_lost", "registered_at", "won_at"
    )
    stats: dict[int, dict] = {}
    for partner_id, name, is_won, is_lost, registered_at, won_at in rows:
        s = stats.setdefault(
            partner_id,
            {
                "partner_id": partner_id,
                "partner": name,
                "deals": 0,
                "won": 0,
                "lost": 0,
                "days": [],
            },
        )
        s["deals"] += 1
        if is_won:
            s["won"] += 1
            if won_at:
                s["days"].append((won_at - registered_at).total_seconds() / 86400)
        elif is_lost:
            s["lost"] += 1
    result = []
    for s in stats.values():
        closed = s["won"] + s["lost"]
        days = s.pop("days")
        s["win_rate"] = round(100 * s["won"] / closed, 1) if closed else None
        s["cycle_days"] = round(sum(days) / len(days), 1) if days else None
        result.append(s)
    return sorted(result, key=lambda s: (-s["won"], s["partner"]))


def today():
    return timezone.localdate()
