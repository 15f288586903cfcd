"""Reads: contracts, deadlines and compliance checklists, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from prm.accounts.models import User
from prm.contracts import compliance
from prm.contracts.filters import (
    CompliancePartnerFilter,
    ComplianceRequirementFilter,
    ContractFilter,
)
from prm.contracts.models import ComplianceRequirement, Contract
from prm.contracts.status import (
    Status,
    current_period,
    max_notice_days,
    near_deadline,
    status,
    with_status_data,
)
from prm.core import access
from prm.partners.models import Partner
from prm.partners.selectors import filled


def contract_list(*, user: User, params=None, request=None) -> tuple[ContractFilter, QuerySet]:
    base = with_status_data(access.scope(user, Contract).select_related("partner", "type", "owner"))
    filterset = ContractFilter(filled(params), queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    queryset = filterset.qs
    ordering = (
        list(queryset.query.order_by) if filterset.form.cleaned_data.get("sort") else ["end_date"]
    )
    return filterset, queryset.order_by(*ordering, "id")


def contract_get(*, user: User, pk) -> Contract:
    return access.get_object(
        user,
        with_status_data(
            access.scope(user, Contract).select_related("partner", "type", "owner", "predecessor")
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class Deadline:
    contract: Contract
    kind: str  # "notice" or "end"
    on: date
    days: int
    status: Status


def upcoming_deadlines(*, user: User, days: int = 90, limit: int = 10) -> list[Deadline]:
    """The next notice deadlines and ends of contracts in force, soonest first."""
    today = timezone.localdate()
    horizon = today + timedelta(days=days)
    scoped = access.scope(user, Contract)
    rows = with_status_data(
        scoped.filter(near_deadline(today, horizon, max_notice_days(scoped))).select_related(
            "partner", "type", "owner"
        )
    )
    found = []
    for contract in rows:
        current = status(contract, today)
        if current not in (Status.ACTIVE, Status.EXPIRING):
            continue
        period = current_period(contract, today)
        for kind, on in (("notice", period.notice_deadline), ("end", period.end)):
            if today <= on <= horizon:
                found.append(Deadline(contract, kind, on, (on - today).days, current))
    found.sort(key=lambda d: (d.on, d.contract.pk, d.kind))
    return found[:limit]


def requirement_list(*, user: User, params=None, request=None):
    base = ComplianceRequirement.objects.select_related("partner_type")
    filterset = ComplianceRequirementFilter(filled(params), queryset=base, request=request)
    return filterset, filterset.qs if filterset.is_valid() else base.none()


@dataclass
class PartnerCompliance:
    partner: Partner
    items: list
    status: compliance.ComplianceStatus

    @property
    def badge(self) -> str:
        return compliance.BADGES[self.status]

    def count(self, state) -> int:
        return sum(1 for i in self.items if i.status == state)

    @property
    def complete(self) -> int:
        return self.count(compliance.ComplianceStatus.COMPLETE)

    @property
    def missing(self) -> int:
        return self.count(compliance.ComplianceStatus.MISSING)

    @property
    def expiring(self) -> int:
        return self.count(compliance.ComplianceStatus.EXPIRING)

    @property
    def expired(self) -> int:
        return self.count(compliance.ComplianceStatus.EXPIRED)


def compliance_list(*, user: User, params=None, request=None):
    """Partners with their stored compliance status (``PartnerCompliance``), filtered by
    status in the query: one page costs the same for 100 partners or 10,000."""
    params = filled(params)
    base = access.scope(user, Partner).select_related("compliance").order_by("name", "id")
    filterset = CompliancePartnerFilter(params, queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    return filterset, filterset.qs


@dataclass
class StoredCompliance:
    """A row of the compliance list: the partner and its stored counts."""

    partner: Partner
    status: compliance.ComplianceStatus
    missing: int = 0
    expiring: int = 0
    expired: int = 0

    @property
    def badge(self) -> str:
        return compliance.BADGES[self.status]


def compliance_rows(partners) -> list[StoredCompliance]:
    """``partners`` (with ``compliance`` joined) as list rows; a partner without a stored
    row has no required document."""
    rows = []
    for partner in partners:
        stored = getattr(partner, "compliance", None)
        if stored is None:
            rows.append(StoredCompliance(partner, compliance.ComplianceStatus.COMPLETE))
        else:
            rows.append(
                StoredCompliance(
                    partner,
                    compliance.ComplianceStatus(stored.status),
                    stored.missing,
                    stored.expiring,
                    stored.expired,
                )
            )
    return rows


def partner_compliance(*, user: User, partner: Partner) -> PartnerCompliance:
    partner = access.get_object(
        user, access.scope(user, Partner).prefetch_related("types"), pk=partner.pk
    )
    items = compliance.checklist(partner, timezone.localdate())
    return PartnerCompliance(partner, items, compliance.overall(items))
