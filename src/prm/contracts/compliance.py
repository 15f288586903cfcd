"""A partner's compliance status, computed from the documents it submitted.

For every active requirement of the partner's types, the latest submission counts:

- none → *missing*;
- an expiring requirement whose document expired before today → *expired*;
- one that expires within the requirement's warning days → *expiring*;
- otherwise → *complete*.

The partner's status is the worst of its requirements' (expired, missing, expiring,
complete); a partner with no requirement is complete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from prm.contracts.models import (
    ComplianceRequirement,
    ComplianceStatus,
    ComplianceSubmission,
    PartnerCompliance,
)
from prm.core import access
from prm.partners.models import Partner

__all__ = ["ComplianceStatus", "Item", "checklist", "checklists", "overall", "refresh"]


SEVERITY = {
    ComplianceStatus.EXPIRED: 3,
    ComplianceStatus.MISSING: 2,
    ComplianceStatus.EXPIRING: 1,
    ComplianceStatus.COMPLETE: 0,
}
BADGES = {
    ComplianceStatus.COMPLETE: "success",
    ComplianceStatus.MISSING: "secondary",
    ComplianceStatus.EXPIRING: "warning",
    ComplianceStatus.EXPIRED: "danger",
}


@dataclass(frozen=True)
class Item:
    requirement: ComplianceRequirement
    submission: ComplianceSubmission | None
    status: ComplianceStatus

    @property
    def badge(self) -> str:
        return BADGES[self.status]


def expiry_of(requirement: ComplianceRequirement, expires_on: date | None, uploaded: date):
    """When a submitted document stops counting: its own expiry date, else the upload date
    plus the requirement's validity; never for requirements that do not expire."""
    if not requirement.expires:
        return None
    if expires_on is not None:
        return expires_on
    if requirement.validity_days:
        return uploaded + timedelta(days=requirement.validity_days)
    return None


def item_status(
    requirement: ComplianceRequirement, submission: ComplianceSubmission | None, today: date
) -> ComplianceStatus:
    if submission is None:
        return ComplianceStatus.MISSING
    expires_on = submission.expires_on if requirement.expires else None
    if expires_on is None:
        return ComplianceStatus.COMPLETE
    if expires_on < today:
        return ComplianceStatus.EXPIRED
    if expires_on <= today + timedelta(days=requirement.warning_days):
        return ComplianceStatus.EXPIRING
    return ComplianceStatus.COMPLETE


def overall(items: Iterable[Item]) -> ComplianceStatus:
    worst = ComplianceStatus.COMPLETE
    for item in items:
        if SEVERITY[item.status] > SEVERITY[worst]:
            worst = item.status
    return worst


def requirements_by_type() -> dict[str, list[ComplianceRequirement]]:
    found: dict[str, list[ComplianceRequirement]] = {}
    for requirement in ComplianceRequirement.objects.filter(active=True).order_by("name_en"):
        found.setdefault(requirement.partner_type_id, []).append(requirement)
    return found


def checklists(partners: Iterable, today: date, *, documents: bool = True) -> dict[int, list[Item]]:
    """Every partner's checklist, in a fixed number of queries (partners with types
    prefetched or not); ``documents=False`` leaves the submissions' documents unloaded."""
    partners = list(partners)
    by_type = requirements_by_type()
    latest: dict[tuple[int, int], ComplianceSubmission] = {}
    submissions = (
        access.unrestricted(ComplianceSubmission)
        .filter(partner__in=[p.pk for p in partners])
        .order_by("created_at", "id")
    )
    if documents:
        submissions = submissions.select_related("document")
    for submission in submissions:
        latest[(submission.partner_id, submission.requirement_id)] = submission
    result: dict[int, list[Item]] = {}
    for partner in partners:
        # A document required by several of the partner's types (the same name) is asked
        # for once; the stricter requirement (one that expires) stands for the others.
        groups: dict[str, list[ComplianceRequirement]] = {}
        for code in partner.type_codes:
            for requirement in by_type.get(code, []):
                group = groups.setdefault(requirement_key(requirement), [])
                if requirement not in group:
                    group.append(requirement)
        items = []
        for group in groups.values():
            group.sort(key=lambda r: (not r.expires, r.pk))
            found = [latest[(partner.pk, r.pk)] for r in group if (partner.pk, r.pk) in latest]
            submission = max(found, key=lambda s: (s.created_at, s.pk)) if found else None
            requirement = group[0]
            items.append(Item(requirement, submission, item_status(requirement, submission, today)))
        result[partner.pk] = items
    return result


def requirement_key(requirement: ComplianceRequirement) -> str:
    return requirement.name_en.strip().casefold()


def checklist(partner, today: date) -> list[Item]:
    return checklists([partner], today)[partner.pk]


REFRESH_CHUNK = 2000


def refresh(partner_ids: Iterable[int] | None = None, today: date | None = None) -> int:
    """Store the compliance status of ``partner_ids`` (every partner when None) in
    :class:`PartnerCompliance`; returns how many rows were written. A fixed number of
    queries per 2,000 partners."""
    today = today or timezone.localdate()
    partners = access.unrestricted(Partner).only("pk").order_by("pk").prefetch_related("types")
    if partner_ids is not None:
        partner_ids = sorted(set(partner_ids))
        if not partner_ids:
            return 0
    ids = (
        partner_ids
        if partner_ids is not None
        else list(access.unrestricted(Partner).order_by("pk").values_list("pk", flat=True))
    )
    written = 0
    fields = ["status", "required", "missing", "expiring", "expired", "computed_on"]
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = list(partners.filter(pk__in=ids[start : start + REFRESH_CHUNK]))
        lists = checklists(chunk, today, documents=False)
        stored = {
            row.partner_id: row
            for row in access.unrestricted(PartnerCompliance).filter(
                partner_id__in=[p.pk for p in chunk]
            )
        }
        new, changed = [], []
        for partner in chunk:
            items = lists[partner.pk]
            values = {
                "status": overall(items),
                "required": len(items),
                "missing": sum(1 for i in items if i.status == ComplianceStatus.MISSING),
                "expiring": sum(1 for i in items if i.status == ComplianceStatus.EXPIRING),
                "expired": sum(1 for i in items if i.status == ComplianceStatus.EXPIRED),
                "computed_on": today,
            }
            row = stored.get(partner.pk)
            if row is None:
                new.append(PartnerCompliance(partner_id=partner.pk, **values))
            elif any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                changed.append(row)
        if new:
            access.unrestricted(PartnerCompliance).bulk_create(new, batch_size=1000)
        if changed:
            access.unrestricted(PartnerCompliance).bulk_update(changed, fields, batch_size=1000)
        written += len(new) + len(changed)
    return written
