"""The public application form, the review queue and the decisions."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from prm.accounts.models import User
from prm.core import access
from prm.core.events import subscribe
from prm.onboarding import services
from prm.onboarding.forms import started_token
from prm.onboarding.models import (
    Application,
    ApplicationStatus,
    AutoApprovalRule,
    Journey,
    JourneyStep,
    StepStatus,
)
from prm.partners.models import Contact, Document, Partner
from tests.conftest import login
from tests.onboarding.conftest import application_data, pdf

PASSWORD = "our portal secret 2026"
APPLY = "/portal/apply"


def submit(client, capture, **overrides):
    data = application_data(**overrides)
    with capture(execute=True):
        return client.post(APPLY, data)


def last_application() -> Application:
    return access.unrestricted(Application).select_related("partner").latest("pk")


def link_in(message, path_prefix: str) -> str:
    match = re.search(rf"http://testserver({re.escape(path_prefix)}\S+)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def events():
    seen = []

    @subscribe("application.approved")
    def approved(**payload):
        seen.append(("application.approved", payload))

    @subscribe("onboarding.completed")
    def completed(**payload):
        seen.append(("onboarding.completed", payload))

    yield seen
    from prm.core import events as core_events

    core_events._subscribers["application.approved"].remove(approved)
    core_events._subscribers["onboarding.completed"].remove(completed)


def test_the_form_is_public_in_korean_and_english(client, db):
    response = client.get(APPLY, headers={"accept-language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Apply to become a partner" in html
    assert 'name="homepage"' in html and 'name="started"' in html
    korean = client.get(APPLY, headers={"accept-language": "ko"}).content.decode()
    assert '<html lang="ko">' in korean and "사업자등록번호" in korean


def test_apply_review_approve_set_password_complete_steps_active(
    client, manager, reseller_template, django_capture_on_commit_callbacks, events
):
    capture = django_capture_on_commit_callbacks
    data = application_data()
    data["registration_certificate"] = pdf("사업자등록증.pdf")
    with capture(execute=True):
        response = client.post(APPLY, data)
    assert response.status_code == 200
    assert b"we received your application" in response.content

    application = last_application()
    partner = application.partner
    assert (partner.stage, partner.registration_number, partner.owner_id) == (
        "applied",
        "2118615427",
        None,
    )
    assert application.status == ApplicationStatus.SUBMITTED
    contact = access.unrestricted(Contact).get(partner=partner)
    assert (contact.email, contact.phone) == ("minji@gamma.example", "+821012345678")
    document = access.unrestricted(Document).get(partner=partner)
    assert (document.kind, document.filename) == ("registration", "사업자등록증.pdf")
    assert [m.to for m in mail.outbox] == [["minji@gamma.example"]]
    assert "We received the partner application of Gamma Trading" in mail.outbox[0].subject

    # The manager reviews and approves.
    login(client, manager)
    queue = client.get(reverse("onboarding:applications")).content.decode()
    assert "Gamma Trading" in queue
    with capture(execute=True):
        response = client.post(reverse("onboarding:approve", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    partner.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert (partner.stage, partner.owner_id) == ("onboarding", manager.pk)
    journey = access.unrestricted(Journey).get(partner=partner)
    steps = list(access.unrestricted(JourneyStep).filter(journey=journey))
    assert [s.title for s in steps] == [
        "Bank account confirmation",
        "Read the partner handbook",
        "Kick-off meeting",
    ]
    # Due dates are days in the company's time zone (Seoul), whatever the UTC date.
    assert (steps[0].due_on - timezone.localdate(journey.started_at)).days == 7
    assert events[0] == (
        "application.approved",
        {"application_id": application.pk, "partner_id": partner.pk},
    )

    # The invited contact chooses a password through the e-mailed link.
    invitation = mail.outbox[-1]
    assert invitation.to == ["minji@gamma.example"]
    client.logout()
    form_url = client.get(link_in(invitation, "/accounts/password/reset/"))["Location"]
    client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.post(
        reverse("accounts:login"), {"username": "minji@gamma.example", "password": PASSWORD}
    )
    user = User.objects.get(email="minji@gamma.example")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert (user.role, user.partner_id) == ("partner_admin", partner.pk)

    # The partner completes its own steps in the portal; it cannot do the staff's.
    checklist = client.get(reverse("onboarding:checklist")).content.decode()
    assert "Bank account confirmation" in checklist and "Kick-off meeting" in checklist
    url = reverse("onboarding:checklist_step_complete", args=[steps[2].pk])
    client.post(url, {"note": "done"})
    steps[2].refresh_from_db()
    assert steps[2].status == StepStatus.OPEN
    url = reverse("onboarding:checklist_step_complete", args=[steps[0].pk])
    response = client.post(url, {"note": ""}, follow=True)
    assert "Upload the document" in response.content.decode()
    client.post(url, {"file": pdf("bank.pdf")})
    client.post(reverse("onboarding:checklist_step_complete", args=[steps[1].pk]), {})
    for step in steps:
        step.refresh_from_db()
    assert [s.status for s in steps] == ["done", "done", "open"]
    assert steps[0].document.kind == "financial"
    partner.refresh_from_db()
    assert partner.stage == "onboarding"

    # The manager holds the kick-off meeting: the journey completes, the partner is active.
    login(client, manager)
    with capture(execute=True):
        client.post(reverse("onboarding:step_complete", args=[steps[2].pk]))
    journey.refresh_from_db()
    partner.refresh_from_db()
    assert journey.completed_at is not None
    assert partner.stage == "active"
    assert ("onboarding.completed", {"journey_id": journey.pk, "partner_id": partner.pk}) in events


def test_reject_emails_the_reason_and_offboards_the_applicant(
    client, manager, django_capture_on_commit_callbacks
):
    submit(client, django_capture_on_commit_callbacks)
    application = last_application()
    login(client, manager)
    mail.outbox.clear()
    url = reverse("onboarding:reject", args=[application.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Give the reason" in response.content.decode()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "We already have a reseller in Seoul."})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.partner.stage == "offboarded"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["minji@gamma.example"]
    assert "We already have a reseller in Seoul." in mail.outbox[0].body
    # Decided once.
    response = client.post(reverse("onboarding:approve", args=[application.pk]), follow=True)
    assert "already been decided" in response.content.decode()


def test_request_info_the_applicant_answers_through_the_link_once(
    client, manager, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    submit(client, capture)
    application = last_application()
    login(client, manager)
    mail.outbox.clear()
    with capture(execute=True):
        client.post(
            reverse("onboarding:request_info", args=[application.pk]),
            {"question": "How many engineers do you employ?"},
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INFO_REQUESTED
    message = mail.outbox[0]
    assert "How many engineers do you employ?" in message.body
    link = link_in(message, "/onboarding/answer/")

    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "How many engineers" in page.content.decode()
    assert client.post(link, {"answer": ""}).status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INFO_REQUESTED
    with capture(execute=True):
        response = client.post(link, {"answer": "Twelve, four of them certified."})
    assert b"we received your answer" in response.content
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.info_response == "Twelve, four of them certified."
    # The link works once; a forged one never.
    assert client.get(link).status_code == 404
    assert client.get(reverse("onboarding:answer", args=["forged"])).status_code == 404


def test_honeypot_too_fast_and_rate_limit_refuse_without_storing(
    client, settings, db, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    response = submit(client, capture, homepage="http://spam.example")
    assert response.status_code == 400
    assert "could not be accepted" in response.content.decode()
    response = submit(client, capture, started=started_token(time.time()))
    assert response.status_code == 400
    assert "too quickly" in response.content.decode()
    response = submit(client, capture, started="tampered")
    assert response.status_code == 400
    assert access.unrestricted(Application).count() == 0
    assert access.unrestricted(Partner).count() == 0
    assert mail.outbox == []

    settings.PRM_APPLY_RATE_LIMIT = 4  # three refused attempts above count too
    response = submit(client, capture)
    assert response.status_code == 200
    response = submit(client, capture, name="Delta", registration_number="")
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert access.unrestricted(Application).count() == 1


def test_a_registered_registration_number_is_refused(
    client, partner_a, django_capture_on_commit_callbacks
):
    before = access.unrestricted(Partner).count()
    response = submit(
        client, django_capture_on_commit_callbacks, registration_number="220-81-62517"
    )
    assert response.status_code == 400
    assert "already registered" in response.content.decode()
    assert access.unrestricted(Partner).count() == before
    assert mail.outbox == []


def test_a_pending_application_blocks_the_same_number_and_flags_lookalikes(
    client, partner_a, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    submit(client, capture)
    response = submit(client, capture, name="Gamma Trading Again")
    assert response.status_code == 400
    assert "already registered" in response.content.decode()
    # A look-alike name is accepted but flagged for the reviewers.
    submit(
        client,
        capture,
        name="Alpha Systems",
        legal_name="",
        registration_number="",
        **{"contacts-0-email": "ceo@alpha-new.example"},
    )
    assert last_application().duplicate_ids == [partner_a.pk]
    # The same e-mail domain as a pending application is flagged too.
    submit(client, capture, name="Zeta", legal_name="", registration_number="")
    gamma = access.unrestricted(Partner).get(name="Gamma Trading")
    assert last_application().duplicate_ids == [gamma.pk]


def test_bad_check_digit_and_missing_contact_are_clear_errors(
    client, db, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    response = submit(client, capture, registration_number="211-86-15428")
    assert "check digit is wrong" in response.content.decode()
    response = submit(client, capture, **{"contacts-0-name": "", "contacts-0-email": ""})
    assert response.status_code == 400
    bad = application_data()
    bad["registration_certificate"] = pdf("virus.exe")
    with capture(execute=True):
        response = client.post(APPLY, bad)
    assert response.status_code == 400
    assert "are not accepted" in response.content.decode()
    assert access.unrestricted(Application).count() == 0


def test_nothing_is_auto_approved_without_a_rule(
    client, admin_user, reseller_template, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    rule = AutoApprovalRule.objects.create(
        name="Korean resellers", partner_type_id="reseller", country="KR", created_by=admin_user
    )
    submit(client, capture)
    assert last_application().status == ApplicationStatus.SUBMITTED  # the rule is off
    rule.active = True
    rule.save()
    submit(
        client,
        capture,
        name="Epsilon Soft",
        legal_name="",
        registration_number="123-45-67891",
        **{"contacts-0-email": "ceo@epsilon.example"},
    )
    application = last_application()
    assert application.status == ApplicationStatus.APPROVED and application.auto_approved
    assert application.partner.stage == "onboarding"
    assert User.objects.filter(email="ceo@epsilon.example", partner=application.partner).exists()


def test_a_manager_does_not_decide_on_another_managers_partner(
    client, manager, django_capture_on_commit_callbacks
):
    from tests.conftest import make_user

    submit(client, django_capture_on_commit_callbacks)
    application = last_application()
    other = make_user("partner_manager")
    access.unrestricted(Partner).filter(pk=application.partner_id).update(owner=other)
    login(client, manager)
    response = client.post(reverse("onboarding:approve", args=[application.pk]))
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_portal_users_and_analysts_cannot_review(
    client, portal_admin_a, analyst, db, django_capture_on_commit_callbacks
):
    submit(client, django_capture_on_commit_callbacks)
    application = last_application()
    login(client, portal_admin_a)
    assert client.get(reverse("onboarding:applications")).status_code == 404
    assert client.get(reverse("onboarding:application", args=[application.pk])).status_code == 404
    login(client, analyst)
    assert client.get(reverse("onboarding:application", args=[application.pk])).status_code == 200
    assert client.post(reverse("onboarding:approve", args=[application.pk])).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_services_refuse_an_empty_contact_list(db):
    from prm.core.errors import BusinessError

    with pytest.raises(BusinessError):
        services.application_submit(company={"name": "X"}, types=["reseller"], contacts=[])


def test_approval_refused_when_the_contact_already_has_an_account_changes_nothing(
    client, manager, portal_user_a, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    submit(client, capture, **{"contacts-0-email": portal_user_a.email})
    application = last_application()
    login(client, manager)
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(reverse("onboarding:approve", args=[application.pk]), follow=True)
    assert "already exists" in response.content.decode()
    application.refresh_from_db()
    application.partner.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert (application.partner.stage, application.partner.owner_id) == ("applied", None)
    assert not access.unrestricted(Journey).filter(partner=application.partner).exists()
    assert mail.outbox == []
