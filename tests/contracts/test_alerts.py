"""Deadline alerts and compliance reminders: sent once, with their events."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from prm.contracts import alerts, services
from prm.contracts.compliance import ComplianceStatus, checklist
from prm.contracts.models import ContractAlert
from prm.core import access
from prm.core.events import subscribe
from prm.notifications.models import Notification
from tests.contracts.factories import make_contract, pdf, requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    seen = []
    for name in ("contract.expiring", "contract.expired", "compliance.document_expired"):
        subscribe(name)(lambda name=name, **ids: seen.append((name, ids)))
    yield seen
    from prm.core import events as module

    for name in ("contract.expiring", "contract.expired", "compliance.document_expired"):
        module._subscribers[name] = [
            h for h in module._subscribers[name] if "events.<locals>" not in h.__qualname__
        ]


def notes(user) -> list[str]:
    return list(access.unrestricted(Notification).filter(user=user).values_list("title", flat=True))


def test_alerts_once_per_threshold(
    settings, manager, partner_a, portal_user_a, events, django_capture_on_commit_callbacks
):
    settings.PRM_CONTRACT_ALERT_DAYS = [30, 7]
    contract = make_contract(partner_a, owner=manager, signed_on=date(2025, 12, 1))
    # Notice deadline 1 Dec 2026, end 31 Dec 2026.
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.contract_alerts(date(2026, 10, 31)).notices == 0  # 31 days before
        report = alerts.contract_alerts(date(2026, 11, 1))  # 30 days before the deadline
    assert report.notices == 1 and report.ends == 0
    assert notes(manager) == [
        "Notice deadline of Reseller agreement 2026 (Alpha Systems) in 30 days: 2026-12-01"
    ]
    assert len(notes(portal_user_a)) == 1
    assert events == [
        ("contract.expiring", {"contract_id": contract.pk, "partner_id": partner_a.pk})
    ]
    with django_capture_on_commit_callbacks(execute=True):
        again = alerts.contract_alerts(date(2026, 11, 2))
    assert again.notices == 0 and len(notes(manager)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        alerts.contract_alerts(date(2026, 11, 24))  # 7 days before the deadline
        alerts.contract_alerts(date(2026, 12, 1))  # 30 days before the end
        alerts.contract_alerts(date(2026, 12, 1))
    assert len(notes(manager)) == 3
    assert access.unrestricted(ContractAlert).filter(contract=contract).count() == 3
    assert [e[0] for e in events] == ["contract.expiring"]
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.contract_alerts(date(2027, 1, 1)).expired == 1
        assert alerts.contract_alerts(date(2027, 1, 2)).expired == 0
    assert [e[0] for e in events] == ["contract.expiring", "contract.expired"]


def test_late_run_sends_one_alert_for_several_thresholds(settings, manager, partner_a):
    settings.PRM_CONTRACT_ALERT_DAYS = [60, 30, 7]
    contract = make_contract(partner_a, owner=manager, signed_on=date(2025, 12, 1))
    alerts.contract_alerts(date(2026, 11, 28))  # 3 days before the notice deadline
    assert [n for n in notes(manager) if n.startswith("Notice")] == [
        "Notice deadline of Reseller agreement 2026 (Alpha Systems) in 3 days: 2026-12-01"
    ]
    assert access.unrestricted(ContractAlert).filter(contract=contract, kind="notice").count() == 3


def test_terminated_and_draft_contracts_get_no_alerts(manager, partner_a):
    make_contract(partner_a, owner=manager)
    make_contract(
        partner_a,
        owner=manager,
        signed_on=date(2025, 12, 1),
        terminated_on=date(2026, 6, 1),
        termination_reason="x",
    )
    report = alerts.contract_alerts(date(2026, 12, 10))
    assert (report.notices, report.ends, report.expired) == (0, 0, 0)


def test_command_runs(manager, partner_a, capsys):
    make_contract(partner_a, owner=manager, signed_on=date(2025, 12, 1))
    call_command("contract_alerts", "--date", "2026-11-30")
    assert "Contract alerts: 1 notice deadline, 1 end" in capsys.readouterr().out


def test_compliance_statuses_reminder_and_expiry_event(
    manager, partner_a, portal_user_a, events, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    today = timezone.localdate()
    registration = requirement()
    insurance = requirement(name_ko="보험증권", name_en="Insurance", expires=True, warning_days=30)
    requirement("supplier", name_ko="ISO 9001", name_en="ISO 9001")  # not a reseller's
    items = {i.requirement.name_en: i.status for i in checklist(partner_a, today)}
    assert items == {
        "Business registration certificate": ComplianceStatus.MISSING,
        "Insurance": ComplianceStatus.MISSING,
    }
    services.compliance_submit(
        actor=portal_user_a, partner=partner_a, requirement=registration, upload=pdf()
    )
    submission = services.compliance_submit(
        actor=portal_user_a,
        partner=partner_a,
        requirement=insurance,
        upload=pdf("ins.pdf"),
        expires_on=today.replace(year=today.year + 1),
    )
    assert {i.status for i in checklist(partner_a, today)} == {ComplianceStatus.COMPLETE}
    # 20 days before expiry: expiring, one reminder.
    day = submission.expires_on - timedelta(days=20)
    assert {i.requirement.name_en: i.status for i in checklist(partner_a, day)}["Insurance"] == (
        ComplianceStatus.EXPIRING
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.compliance_reminders(day).compliance_reminders == 1
        assert alerts.compliance_reminders(day).compliance_reminders == 0
    assert len(notes(portal_user_a)) == 1
    after = submission.expires_on + timedelta(days=1)
    assert {i.requirement.name_en: i.status for i in checklist(partner_a, after)}["Insurance"] == (
        ComplianceStatus.EXPIRED
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.compliance_reminders(after).compliance_expired == 1
        assert alerts.compliance_reminders(after).compliance_expired == 0
    assert events == [
        (
            "compliance.document_expired",
            {
                "document_id": submission.document_id,
                "partner_id": partner_a.pk,
                "requirement_id": insurance.pk,
            },
        )
    ]


def test_expiring_requirement_needs_a_date(portal_user_a, partner_a):
    from prm.core.errors import BusinessError
    from prm.partners.models import Document

    insurance = requirement(name_en="Insurance", expires=True)
    with pytest.raises(BusinessError, match="expires"):
        services.compliance_submit(
            actor=portal_user_a, partner=partner_a, requirement=insurance, upload=pdf()
        )
    assert access.unrestricted(Document).count() == 0


def test_same_document_required_by_two_types_is_asked_once(manager, partner_a):
    from django.utils import timezone

    partner_a.types.set(["reseller", "supplier"])
    requirement("reseller")
    supplier_copy = requirement("supplier", expires=True, validity_days=365)
    items = checklist(partner_a, timezone.localdate())
    assert [(i.requirement.pk, i.status) for i in items] == [
        (supplier_copy.pk, ComplianceStatus.MISSING)
    ]
    services.compliance_submit(
        actor=manager, partner=partner_a, requirement=supplier_copy, upload=pdf()
    )
    (item,) = checklist(partner_a, timezone.localdate())
    assert item.status == ComplianceStatus.COMPLETE
    assert item.submission.expires_on == timezone.localdate() + timedelta(days=365)


def test_task_runs_the_alerts(manager, partner_a):
    from django.utils import timezone

    from prm.contracts.tasks import send_contract_alerts

    today = timezone.localdate()
    make_contract(
        partner_a,
        owner=manager,
        signed_on=today - timedelta(days=400),
        start_date=today - timedelta(days=365),
        end_date=today + timedelta(days=5),
    )
    result = send_contract_alerts.call()
    assert result["ends"] == 1 and result["notices"] == 0


def test_expiring_filter(client, manager, partner_a):
    from django.urls import reverse
    from django.utils import timezone

    from tests.conftest import login

    today = timezone.localdate()
    make_contract(
        partner_a,
        title="Soon",
        signed_on=today - timedelta(days=400),
        start_date=today - timedelta(days=365),
        end_date=today + timedelta(days=50),
    )
    make_contract(
        partner_a,
        title="Later",
        signed_on=today - timedelta(days=400),
        start_date=today - timedelta(days=365),
        end_date=today + timedelta(days=200),
    )
    login(client, manager)
    # "Soon": its notice deadline is in 20 days; "Later": in 170 days.
    text = client.get(reverse("contracts:list"), {"expiring": 30}).content.decode()
    assert "Soon" in text and "Later" not in text
    bad = client.get(reverse("contracts:list"), {"expiring": -3}).content.decode()
    assert "Some filters could not be applied" in bad
