"""Deadline alerts for contracts and reminders for compliance documents.

Run daily by ``prm contract-alerts`` (or its task). Each alert is sent once: a
:class:`ContractAlert` row records (contract, kind, threshold, date), and a compliance
submission records the day its reminder went out and the day its expiry was announced.

Thresholds are days before the notice deadline and before the end:
``settings.PRM_CONTRACT_ALERT_DAYS`` (default 60, 30 and 7). When several thresholds are
reached at once (the job did not run for a while), one notification goes out, for the
closest, and every reached threshold is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prm.accounts.models import User
from prm.contracts.compliance import ComplianceStatus, item_status, refresh, requirement_key
from prm.contracts.models import AlertKind, ComplianceSubmission, Contract, ContractAlert
from prm.contracts.status import Status, current_period, status
from prm.core import access
from prm.core.events import emit
from prm.notifications.services import notify

DEFAULT_ALERT_DAYS = (60, 30, 7)


def alert_days() -> list[int]:
    return sorted(set(getattr(settings, "PRM_CONTRACT_ALERT_DAYS", DEFAULT_ALERT_DAYS)))


@dataclass
class Report:
    notices: int = 0
    ends: int = 0
    expired: int = 0
    compliance_reminders: int = 0
    compliance_expired: int = 0
    messages: list[str] = field(default_factory=list)


def _recipients(contract: Contract) -> list[User]:
    users = list(access.unrestricted(User).filter(partner=contract.partner_id, is_active=True))
    return [contract.owner, *users]


def _already(contract: Contract, kind: str, threshold: int, due: date) -> bool:
    return (
        access.unrestricted(ContractAlert)
        .filter(contract=contract, kind=kind, threshold_days=threshold, due_on=due)
        .exists()
    )


def _deadline_alert(contract: Contract, kind: str, due: date, today: date) -> bool:
    """Record and send the alert for ``due`` if a threshold was reached; True if sent."""
    left = (due - today).days
    if left < 0:
        return False
    reached = [d for d in alert_days() if left <= d and not _already(contract, kind, d, due)]
    if not reached:
        return False
    for days in reached:
        ContractAlert.objects.create(contract=contract, kind=kind, threshold_days=days, due_on=due)
    values = {"title": contract.title, "partner": contract.partner.name, "days": left, "date": due}

    def title():
        if kind == AlertKind.NOTICE:
            return (
                _("Notice deadline of %(title)s (%(partner)s) in %(days)s days: %(date)s") % values
            )
        return _("%(title)s (%(partner)s) ends in %(days)s days: %(date)s") % values

    notify(_recipients(contract), title=title, url=reverse("contracts:detail", args=[contract.pk]))
    return True


def contract_alerts(today: date | None = None) -> Report:
    """Send the due contract alerts; emit contract.expiring (first alert of a period) and
    contract.expired (once, the day after the end)."""
    today = today or timezone.localdate()
    report = Report()
    contracts = (
        access.unrestricted(Contract)
        .filter(signed_on__isnull=False, terminated_on__isnull=True)
        .select_related("partner", "owner", "successor")
    )
    for contract in contracts:
        current = status(contract, today)
        with transaction.atomic():
            if current in (Status.ACTIVE, Status.EXPIRING):
                period = current_period(contract, today)
                first = (
                    not access.unrestricted(ContractAlert)
                    .filter(contract=contract, due_on__in=[period.notice_deadline, period.end])
                    .exists()
                )
                sent = False
                if _deadline_alert(contract, AlertKind.NOTICE, period.notice_deadline, today):
                    report.notices += 1
                    sent = True
                if _deadline_alert(contract, AlertKind.END, period.end, today):
                    report.ends += 1
                    sent = True
                if sent and first:
                    emit(
                        "contract.expiring",
                        contract_id=contract.pk,
                        partner_id=contract.partner_id,
                    )
            elif current == Status.EXPIRED and not _already(
                contract, AlertKind.EXPIRED, 0, contract.end_date
            ):
                ContractAlert.objects.create(
                    contract=contract,
                    kind=AlertKind.EXPIRED,
                    threshold_days=0,
                    due_on=contract.end_date,
                )
                values = {"title": contract.title, "partner": contract.partner.name}
                notify(
                    _recipients(contract),
                    title=lambda values=values: _("%(title)s (%(partner)s) has expired") % values,
                    url=reverse("contracts:detail", args=[contract.pk]),
                )
                emit("contract.expired", contract_id=contract.pk, partner_id=contract.partner_id)
                report.expired += 1
    return report


def compliance_reminders(today: date | None = None) -> Report:
    """Remind the partner (and its owner) once before a submitted document expires; announce
    an expired document once with the ``compliance.document_expired`` event. Only the latest
    submission of a requirement counts: a renewed document silences the older one."""
    today = today or timezone.localdate()
    report = Report()
    latest: dict[tuple[int, str], ComplianceSubmission] = {}
    rows = (
        access.unrestricted(ComplianceSubmission)
        .filter(expires_on__isnull=False, requirement__expires=True)
        .select_related("requirement", "partner", "partner__owner")
        .order_by("created_at", "id")
    )
    for submission in rows:
        latest[(submission.partner_id, requirement_key(submission.requirement))] = submission
    for submission in latest.values():
        state = item_status(submission.requirement, submission, today)
        partner = submission.partner
        users = [
            partner.owner,
            *access.unrestricted(User).filter(partner=partner, is_active=True),
        ]
        values = {
            "requirement": str(submission.requirement),
            "partner": partner.name,
            "date": submission.expires_on,
        }
        with transaction.atomic():
            if state == ComplianceStatus.EXPIRING and submission.reminded_on is None:
                submission.reminded_on = today
                submission.save(update_fields=["reminded_on", "updated_at"])
                notify(
                    users,
                    title=lambda values=values: (
                        _("%(requirement)s of %(partner)s expires on %(date)s; upload a renewal")
                        % values
                    ),
                    url=reverse("contracts:portal_compliance"),
                )
                report.compliance_reminders += 1
            elif state == ComplianceStatus.EXPIRED and submission.expiry_announced_on is None:
                submission.expiry_announced_on = today
                submission.save(update_fields=["expiry_announced_on", "updated_at"])
                notify(
                    users,
                    title=lambda values=values: (
                        _("%(requirement)s of %(partner)s has expired") % values
                    ),
                    url=reverse("contracts:portal_compliance"),
                )
                emit(
                    "compliance.document_expired",
                    document_id=submission.document_id,
                    partner_id=partner.pk,
                    requirement_id=submission.requirement_id,
                )
                report.compliance_expired += 1
    return report


def run_all(today: date | None = None) -> Report:
    """The daily job: contract alerts, compliance reminders, and every partner's stored
    compliance status rewritten as of ``today`` (documents reach their expiry by the
    calendar, not by an event)."""
    contracts = contract_alerts(today)
    compliance = compliance_reminders(today)
    refresh(None, today)
    contracts.compliance_reminders = compliance.compliance_reminders
    contracts.compliance_expired = compliance.compliance_expired
    return contracts
