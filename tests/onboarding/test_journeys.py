"""Onboarding journeys: templates, staff changes, the portal checklist, reminders, medians."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from prm.core import access
from prm.core.errors import BusinessError
from prm.notifications.models import Notification
from prm.onboarding import selectors, services
from prm.onboarding.models import Journey, JourneyStep, StepStatus
from tests.conftest import login, make_partner, make_user
from tests.onboarding.conftest import pdf


@pytest.fixture
def onboarding_a(partner_a, reseller_template):
    access.unrestricted(type(partner_a)).filter(pk=partner_a.pk).update(stage="onboarding")
    partner_a.refresh_from_db()
    return partner_a


@pytest.fixture
def journey_a(onboarding_a, manager):
    return services.journey_start(actor=manager, partner=onboarding_a)


def steps_of(journey):
    return list(access.unrestricted(JourneyStep).filter(journey=journey))


def test_a_journey_starts_only_for_onboarding_partners_and_once(
    partner_a, manager, reseller_template
):
    with pytest.raises(BusinessError, match="Only partners in onboarding"):
        services.journey_start(actor=manager, partner=partner_a)
    access.unrestricted(type(partner_a)).filter(pk=partner_a.pk).update(stage="onboarding")
    journey = services.journey_start(actor=manager, partner=partner_a)
    assert journey.template == reseller_template
    assert len(steps_of(journey)) == 3
    with pytest.raises(BusinessError, match="already started"):
        services.journey_start(actor=manager, partner=partner_a)


def test_staff_start_a_journey_for_a_waiting_partner_from_the_progress_page(
    client, manager, onboarding_a
):
    login(client, manager)
    html = client.get(reverse("onboarding:journeys")).content.decode()
    assert "Alpha Systems" in html and "Start the journey" in html
    response = client.post(reverse("onboarding:journey_start", args=[onboarding_a.pk]))
    journey = access.unrestricted(Journey).get(partner=onboarding_a)
    assert response["Location"] == reverse("onboarding:journey", args=[journey.pk])


def test_staff_add_and_skip_steps(client, manager, journey_a):
    login(client, manager)
    url = reverse("onboarding:step_add", args=[journey_a.pk])
    client.post(url, {"title": "", "kind": "task", "owner": "partner"})
    assert len(steps_of(journey_a)) == 3
    client.post(
        url,
        {
            "title": "Security questionnaire",
            "kind": "task",
            "owner": "partner",
            "due_on": "2030-01-31",
        },
    )
    steps = steps_of(journey_a)
    assert steps[-1].title == "Security questionnaire"
    assert steps[-1].due_on == datetime.date(2030, 1, 31)
    client.post(reverse("onboarding:step_skip", args=[steps[-1].pk]))
    steps[-1].refresh_from_db()
    assert steps[-1].status == StepStatus.SKIPPED


def test_portal_users_see_and_complete_only_their_own_journey(
    client, journey_a, partner_b, portal_admin_a, portal_admin_b
):
    access.unrestricted(type(partner_b)).filter(pk=partner_b.pk).update(stage="onboarding")
    journey_b = Journey(partner=partner_b)
    journey_b.save()
    step_b = JourneyStep(journey=journey_b, title="B secret step", kind="task", owner="partner")
    step_b.save()

    login(client, portal_admin_a)
    html = client.get(reverse("onboarding:checklist")).content.decode()
    assert "Bank account confirmation" in html and "B secret step" not in html
    url = reverse("onboarding:checklist_step_complete", args=[step_b.pk])
    assert client.post(url, {"note": "x"}).status_code == 404
    step_b.refresh_from_db()
    assert step_b.status == StepStatus.OPEN
    # The back office is not theirs.
    assert client.get(reverse("onboarding:journey", args=[journey_a.pk])).status_code == 404

    login(client, portal_admin_b)
    html = client.get(reverse("onboarding:checklist")).content.decode()
    assert "B secret step" in html and "Bank account confirmation" not in html


def test_a_wrong_upload_completes_nothing(client, journey_a, portal_user_a):
    step = steps_of(journey_a)[0]
    login(client, portal_user_a)
    url = reverse("onboarding:checklist_step_complete", args=[step.pk])
    response = client.post(url, {"file": pdf("malware.exe")}, follow=True)
    assert "are not accepted" in response.content.decode()
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN and step.document is None


def test_an_overdue_step_is_reminded_once(
    journey_a, portal_user_a, manager, django_capture_on_commit_callbacks
):
    steps = steps_of(journey_a)
    later = timezone.localdate() + datetime.timedelta(days=8)  # step 1 (7 days) is overdue
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_overdue_reminders(today=later) == 1
    notes = access.unrestricted(Notification).filter(user=portal_user_a)
    assert [n.title for n in notes] == ["Onboarding step overdue: Bank account confirmation"]
    assert portal_user_a.email in [m.to[0] for m in mail.outbox]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_overdue_reminders(today=later) == 0
    # The staff's meeting, overdue later, goes to the owner.
    much_later = timezone.localdate() + datetime.timedelta(days=15)
    assert services.send_overdue_reminders(today=much_later) == 2
    titles = set(
        access.unrestricted(Notification).filter(user=manager).values_list("title", flat=True)
    )
    assert "Onboarding step overdue: Kick-off meeting" in titles
    steps[0].refresh_from_db()
    assert steps[0].reminded_at is not None


def test_the_reminder_command_runs(journey_a, capsys):
    call_command("onboarding_reminders")
    assert "0 reminder(s) sent." in capsys.readouterr().out


def test_median_time_to_onboard_per_type(db, manager):
    start = timezone.now() - datetime.timedelta(days=100)
    durations = {"reseller": [10, 20, 40], "supplier": [5, 7]}
    for code, days_list in durations.items():
        for days in days_list:
            partner = make_partner(types=[code], owner=manager, stage="active")
            Journey(
                partner=partner,
                started_at=start,
                completed_at=start + datetime.timedelta(days=days),
            ).save()
    both = make_partner(types=["reseller", "supplier"], owner=manager, stage="active")
    Journey(partner=both, started_at=start, completed_at=start + datetime.timedelta(days=30)).save()
    running = make_partner(types=["reseller"], owner=manager, stage="onboarding")
    Journey(partner=running, started_at=start).save()

    rows = {r["type"]: r for r in selectors.time_to_onboard(user=manager)}
    assert (rows["reseller"]["count"], rows["reseller"]["median_days"]) == (4, 25.0)
    assert (rows["supplier"]["count"], rows["supplier"]["median_days"]) == (3, 7.0)


def test_analyst_sees_progress_and_changes_nothing(client, analyst, journey_a):
    login(client, analyst)
    html = client.get(reverse("onboarding:journeys")).content.decode()
    assert "Alpha Systems" in html
    step = steps_of(journey_a)[1]
    assert client.post(reverse("onboarding:step_complete", args=[step.pk])).status_code == 403
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN


def test_a_partner_manager_of_another_partner_cannot_change_the_journey(client, journey_a):
    stranger = make_user("partner_manager")
    login(client, stranger)
    step = steps_of(journey_a)[1]
    assert client.post(reverse("onboarding:step_skip", args=[step.pk])).status_code == 403
    step.refresh_from_db()
    assert step.status == StepStatus.OPEN


def test_a_signed_contract_completes_the_contract_step_and_the_journey(
    journey_a, portal_user_a, client, django_capture_on_commit_callbacks
):
    from prm.core.events import emit

    steps = steps_of(journey_a)
    for step in steps:
        access.unrestricted(JourneyStep).filter(pk=step.pk).update(status=StepStatus.DONE)
    contract_step = JourneyStep(
        journey=journey_a,
        order=9,
        title="Sign the reseller agreement",
        kind="contract",
        owner="partner",
    )
    contract_step.save()
    # The partner cannot tick it off: signing does.
    login(client, portal_user_a)
    client.post(reverse("onboarding:checklist_step_complete", args=[contract_step.pk]))
    contract_step.refresh_from_db()
    assert contract_step.status == StepStatus.OPEN

    with django_capture_on_commit_callbacks(execute=True):
        emit("contract.signed", contract_id=77, partner_id=journey_a.partner_id)
    contract_step.refresh_from_db()
    journey_a.refresh_from_db()
    journey_a.partner.refresh_from_db()
    assert (contract_step.status, contract_step.signed_contract_id) == (StepStatus.DONE, 77)
    assert journey_a.completed_at is not None
    assert journey_a.partner.stage == "active"
