"""The life of a corrective action request: its steps, their dates, and the refusals."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from prm.core import access
from prm.core.errors import BusinessError
from prm.core.events import subscribe
from prm.corrective_actions import services
from prm.corrective_actions.models import CorrectiveActionRequest, RequestStep
from prm.notifications.models import Notification
from tests.conftest import make_partner
from tests.corrective_actions.factories import ANSWER, make_request, pdf, sent_request

pytestmark = pytest.mark.django_db


def reload(car):
    return access.unrestricted(CorrectiveActionRequest).get(pk=car.pk)


def steps(car) -> list[str]:
    return list(access.unrestricted(RequestStep).filter(request=car).values_list("kind", flat=True))


def notes_for(user) -> list[str]:
    return list(access.unrestricted(Notification).filter(user=user).values_list("title", flat=True))


def test_a_request_goes_from_draft_to_accepted_with_every_step_dated(
    manager, partner_a, portal_user_a, django_capture_on_commit_callbacks
):
    car = make_request(manager, partner_a)
    assert car.status == "draft" and car.requested_by == manager and car.sent_at is None

    services.request_send(actor=manager, request=car)
    car = reload(car)
    assert car.status == "sent" and car.sent_at is not None
    assert any("Loose fasteners" in t for t in notes_for(portal_user_a))

    services.request_answer(actor=portal_user_a, request=car, data=ANSWER)
    car = reload(car)
    assert car.status == "answered"
    assert car.root_cause == ANSWER["root_cause"]
    first_answer = car.answered_at
    assert first_answer >= car.sent_at
    assert any("answered" in t for t in notes_for(manager))

    services.request_return(actor=manager, request=car, comment="Show the calibration records.")
    car = reload(car)
    assert car.status == "returned" and car.return_count == 1 and car.returned_at is not None

    services.request_answer(
        actor=portal_user_a, request=car, data={**ANSWER, "root_cause": "Wrench drift"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_accept(actor=manager, request=car, comment="Thank you.")
    car = reload(car)
    assert car.status == "accepted"
    # The first answer's date stays: the time to answer is measured to it.
    assert car.answered_at == first_answer
    assert car.last_answered_at > first_answer
    assert car.time_to_answer == first_answer - car.sent_at
    assert car.time_to_close == car.accepted_at - car.sent_at
    assert steps(car) == ["created", "sent", "answered", "returned", "answered", "accepted"]
    history = access.unrestricted(RequestStep).filter(request=car, kind="answered")
    assert [s.answer["root_cause"] for s in history] == [ANSWER["root_cause"], "Wrench drift"]


def test_accepting_a_request_linked_to_a_risk_announces_it(
    manager, partner_a, portal_user_a, risk_a, django_capture_on_commit_callbacks
):
    heard = []

    @subscribe("corrective_action.accepted")
    def listener(**payload):
        heard.append(payload)

    car = sent_request(manager, partner_a, risk=risk_a)
    services.request_answer(actor=portal_user_a, request=car, data=ANSWER)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_accept(actor=manager, request=car)
    assert {"request_id": car.pk, "partner_id": partner_a.pk, "risk_id": risk_a.pk} in heard


def test_a_risk_of_another_partner_is_refused(admin_user, partner_b, risk_a):
    with pytest.raises(BusinessError) as caught:
        make_request(admin_user, partner_b, risk=risk_a)
    assert caught.value.field == "risk"
    assert not access.unrestricted(CorrectiveActionRequest).exists()


def test_a_partner_answering_another_partners_request_gets_404(
    manager, partner_a, partner_b, portal_admin_b
):
    car = sent_request(manager, partner_a)
    with pytest.raises(Http404):
        services.request_answer(actor=portal_admin_b, request=car, data=ANSWER)
    assert reload(car).status == "sent" and reload(car).root_cause == ""


def test_partners_never_see_drafts(manager, partner_a, portal_user_a):
    car = make_request(manager, partner_a)
    assert not access.scope(portal_user_a, CorrectiveActionRequest).filter(pk=car.pk).exists()
    with pytest.raises(Http404):
        services.request_answer(actor=portal_user_a, request=car, data=ANSWER)


@pytest.mark.parametrize("state", ["answered", "accepted", "cancelled"])
def test_answering_a_request_not_awaiting_an_answer_is_refused(
    state, manager, partner_a, portal_user_a
):
    car = sent_request(manager, partner_a)
    services.request_answer(actor=portal_user_a, request=car, data=ANSWER)
    if state == "accepted":
        services.request_accept(actor=manager, request=car)
    if state == "cancelled":
        services.request_cancel(actor=manager, request=car, comment="Raised in error")
    before = reload(car)
    with pytest.raises(BusinessError) as caught:
        services.request_answer(
            actor=portal_user_a, request=car, data={**ANSWER, "root_cause": "Changed"}
        )
    assert caught.value.code == "not_awaiting_answer" and caught.value.status == 409
    after = reload(car)
    assert after.root_cause == before.root_cause and after.status == before.status
    assert after.last_answered_at == before.last_answered_at


@pytest.mark.parametrize("missing", ["root_cause", "containment", "corrective_action"])
def test_an_answer_needs_root_cause_containment_and_corrective_action(
    missing, manager, partner_a, portal_user_a
):
    car = sent_request(manager, partner_a)
    with pytest.raises(BusinessError) as caught:
        services.request_answer(actor=portal_user_a, request=car, data={**ANSWER, missing: "   "})
    assert caught.value.field == missing
    assert reload(car).status == "sent" and reload(car).answered_at is None


def test_partners_cannot_decide_and_analysts_cannot_answer(
    manager, analyst, partner_a, portal_admin_a
):
    car = sent_request(manager, partner_a)
    with pytest.raises(PermissionDenied):
        services.request_answer(actor=analyst, request=car, data=ANSWER)
    services.request_answer(actor=portal_admin_a, request=car, data=ANSWER)
    with pytest.raises(PermissionDenied):
        services.request_accept(actor=portal_admin_a, request=car)
    assert reload(car).status == "answered"


def test_staff_record_an_answer_the_partner_sent_by_e_mail(manager, partner_a):
    car = sent_request(manager, partner_a)
    services.request_answer(actor=manager, request=car, data=ANSWER)
    step = access.unrestricted(RequestStep).get(request=car, kind="answered")
    assert reload(car).status == "answered" and step.actor == manager


def test_returning_needs_a_comment(manager, partner_a, portal_user_a):
    car = sent_request(manager, partner_a)
    services.request_answer(actor=portal_user_a, request=car, data=ANSWER)
    with pytest.raises(BusinessError) as caught:
        services.request_return(actor=manager, request=car, comment=" ")
    assert caught.value.field == "comment"
    assert reload(car).status == "answered" and reload(car).return_count == 0


def test_only_an_answered_request_is_accepted(manager, partner_a):
    car = sent_request(manager, partner_a)
    with pytest.raises(BusinessError) as caught:
        services.request_accept(actor=manager, request=car)
    assert caught.value.code == "not_answered"
    assert reload(car).accepted_at is None


def test_sending_twice_or_with_a_past_due_date_is_refused(manager, partner_a):
    car = sent_request(manager, partner_a)
    with pytest.raises(BusinessError):
        services.request_send(actor=manager, request=car)
    late = make_request(manager, partner_a, due_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(BusinessError) as caught:
        services.request_send(actor=manager, request=late)
    assert caught.value.field == "due_on"
    assert reload(late).status == "draft"


def test_a_sent_request_keeps_what_it_asks(manager, partner_a):
    car = sent_request(manager, partner_a)
    with pytest.raises(BusinessError):
        services.request_update(actor=manager, request=car, data={"title": "Other"})
    new_due = timezone.localdate() + timedelta(days=30)
    services.request_update(actor=manager, request=car, data={"due_on": new_due})
    assert reload(car).title == "Loose fasteners on lot 2611" and reload(car).due_on == new_due


def test_only_drafts_are_deleted(manager, partner_a):
    draft = make_request(manager, partner_a)
    car = sent_request(manager, partner_a)
    with pytest.raises(BusinessError):
        services.request_delete(actor=manager, request=car)
    services.request_delete(actor=manager, request=draft)
    assert list(access.unrestricted(CorrectiveActionRequest).values_list("pk", flat=True)) == [
        car.pk
    ]


def test_a_manager_changes_only_the_requests_of_partners_they_own(
    manager, analyst, partner_a, partner_b
):
    other = make_partner(name="Charlie Metals")
    with pytest.raises(PermissionDenied):
        make_request(manager, other)
    car = sent_request(manager, partner_a)
    with pytest.raises(PermissionDenied):
        services.request_cancel(actor=analyst, request=car)
    assert reload(car).status == "sent"


def test_evidence_is_stored_as_a_partner_document_while_an_answer_is_awaited(
    manager, partner_a, portal_user_a
):
    car = sent_request(manager, partner_a)
    evidence = services.evidence_add(actor=portal_user_a, request=car, upload=pdf())
    assert evidence.document.partner == partner_a
    assert evidence.document.filename == "8d-report.pdf"
    services.request_answer(actor=portal_user_a, request=car, data=ANSWER)
    services.request_accept(actor=manager, request=car)
    with pytest.raises(BusinessError):
        services.evidence_add(actor=portal_user_a, request=car, upload=pdf("late.pdf"))
    assert reload(car).evidence.count() == 1


def test_evidence_of_a_wrong_type_is_refused(manager, partner_a, portal_user_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    car = sent_request(manager, partner_a)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    with pytest.raises(BusinessError) as caught:
        services.evidence_add(actor=portal_user_a, request=car, upload=fake)
    assert caught.value.code == "file_type"
    assert reload(car).evidence.count() == 0


def test_overdue_requests_are_reminded_once_a_week(manager, partner_a, portal_user_a):
    car = sent_request(manager, partner_a)
    today = car.due_on + timedelta(days=2)
    assert services.send_reminders(today) == 1
    assert services.send_reminders(today + timedelta(days=1)) == 0
    assert services.send_reminders(today + timedelta(days=7)) == 1
    titles = notes_for(portal_user_a)
    assert any("Overdue by 2 days" in t for t in titles)
    assert any("has not answered" in t for t in notes_for(manager))
    services.request_answer(actor=portal_user_a, request=car, data=ANSWER)
    assert services.send_reminders(today + timedelta(days=30)) == 0


def test_notifications_are_e_mailed(
    manager, partner_a, portal_user_a, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent_request(manager, partner_a)
    assert [m.to for m in outbox] == [[portal_user_a.email]]
    assert "Corrective action requested" in outbox[0].subject
