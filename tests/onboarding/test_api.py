"""/api/v1/applications and /api/v1/onboarding."""

import pytest
from django.core import mail

from prm.core import access
from prm.onboarding import services
from prm.onboarding.models import Application, ApplicationStatus, Journey, JourneyStep
from prm.partners.models import Partner
from tests.conftest import api_client


@pytest.fixture
def application(db, reseller_template, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.application_submit(
            company={"name": "Gamma Trading", "registration_number": "2118615427", "country": "KR"},
            types=["reseller"],
            contacts=[services.ContactData(name="Kim Minji", email="minji@gamma.example")],
        )


def test_staff_list_read_and_approve(application, manager, django_capture_on_commit_callbacks):
    client = api_client(manager)
    body = client.get("/api/v1/applications?status=submitted").json()
    assert body["count"] == 1
    assert body["items"][0]["partner_name"] == "Gamma Trading"
    assert body["items"][0]["types"] == ["reseller"]
    url = f"/api/v1/applications/{application.pk}/decision"
    assert (
        client.post(url, {"decision": "maybe"}, content_type="application/json").status_code == 422
    )
    assert (
        client.post(url, {"decision": "reject"}, content_type="application/json").status_code == 400
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "approve"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert mail.outbox[-1].to == ["minji@gamma.example"]
    response = client.post(url, {"decision": "approve"}, content_type="application/json")
    assert response.status_code == 409


def test_portal_users_and_analysts_do_not_review(application, portal_admin_a, analyst):
    client = api_client(portal_admin_a)
    assert client.get("/api/v1/applications").json()["count"] == 0
    assert client.get(f"/api/v1/applications/{application.pk}").status_code == 404
    client = api_client(analyst)
    assert client.get(f"/api/v1/applications/{application.pk}").status_code == 200
    response = client.post(
        f"/api/v1/applications/{application.pk}/decision",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert access.unrestricted(Application).get().status == ApplicationStatus.SUBMITTED


def test_portal_users_read_their_journey_and_complete_their_steps(
    partner_a, partner_b, manager, reseller_template, portal_user_a, portal_admin_b
):
    access.unrestricted(Partner).filter(pk__in=[partner_a.pk, partner_b.pk]).update(
        stage="onboarding"
    )
    journey = services.journey_start(actor=manager, partner=partner_a)
    steps = list(access.unrestricted(JourneyStep).filter(journey=journey))

    client = api_client(portal_user_a)
    body = client.get("/api/v1/onboarding").json()
    assert body["count"] == 1 and len(body["items"][0]["steps"]) == 3
    url = f"/api/v1/onboarding/steps/{steps[1].pk}/complete"
    response = client.post(url, {"note": "read it"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    # Staff's step: refused; a document step without a document: refused.
    staff_step = f"/api/v1/onboarding/steps/{steps[2].pk}/complete"
    assert client.post(staff_step, {}, content_type="application/json").status_code == 403
    doc_step = f"/api/v1/onboarding/steps/{steps[0].pk}/complete"
    assert client.post(doc_step, {}, content_type="application/json").status_code == 400
    # Partner B's user sees none of it.
    other = api_client(portal_admin_b)
    assert other.get("/api/v1/onboarding").json()["count"] == 0
    assert other.get(f"/api/v1/onboarding/{journey.pk}").status_code == 404
    assert other.post(doc_step, {}, content_type="application/json").status_code == 404


def test_staff_add_a_step_and_read_medians(partner_a, manager, reseller_template):
    access.unrestricted(Partner).filter(pk=partner_a.pk).update(stage="onboarding")
    journey = services.journey_start(actor=manager, partner=partner_a)
    client = api_client(manager)
    response = client.post(
        f"/api/v1/onboarding/{journey.pk}/steps",
        {"title": "NDA call", "kind": "meeting", "owner": "staff", "color": "red"},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(
        f"/api/v1/onboarding/{journey.pk}/steps",
        {"title": "NDA call", "kind": "meeting", "owner": "staff"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["order"] == 4
    assert access.unrestricted(Journey).get().steps.count() == 4
    assert client.get("/api/v1/onboarding/time-to-onboard").json() == []


def test_reject_with_reason_and_request_information(
    application, manager, django_capture_on_commit_callbacks
):
    client = api_client(manager)
    url = f"/api/v1/applications/{application.pk}/decision"
    asked = client.post(
        url,
        {"decision": "request_info", "reason": "Send last year's statements."},
        content_type="application/json",
    )
    assert asked.status_code == 200 and asked.json()["status"] == "info_requested"
    with django_capture_on_commit_callbacks(execute=True):
        rejected = client.post(
            url,
            {"decision": "reject", "reason": "Outside our target market."},
            content_type="application/json",
        )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert "Outside our target market." in mail.outbox[-1].body
    assert access.unrestricted(Partner).get(pk=application.partner_id).stage == "offboarded"


def test_staff_skip_a_step_and_partners_may_not(
    partner_a, manager, reseller_template, portal_user_a
):
    access.unrestricted(Partner).filter(pk=partner_a.pk).update(stage="onboarding")
    journey = services.journey_start(actor=manager, partner=partner_a)
    step = access.unrestricted(JourneyStep).filter(journey=journey).order_by("order").first()
    url = f"/api/v1/onboarding/steps/{step.pk}/skip"
    portal = api_client(portal_user_a)
    assert portal.post(url, {"note": "n/a"}, content_type="application/json").status_code == 403
    response = api_client(manager).post(url, {"note": "n/a"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "skipped"
    again = api_client(manager).post(url, {}, content_type="application/json")
    assert again.status_code == 409
