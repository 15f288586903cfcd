"""Back-office and portal pages of corrective action requests."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prm.core import access
from prm.corrective_actions import services
from prm.corrective_actions.models import CorrectiveActionRequest
from tests.conftest import login
from tests.corrective_actions.factories import ANSWER, make_request, pdf, sent_request

pytestmark = pytest.mark.django_db


def reload(car):
    return access.unrestricted(CorrectiveActionRequest).get(pk=car.pk)


def test_list_filters_by_status_and_overdue(client, manager, partner_a):
    draft = make_request(manager, partner_a, title="Paint defects")
    late = sent_request(manager, partner_a, title="Late deliveries")
    access.unrestricted(CorrectiveActionRequest).filter(pk=late.pk).update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    login(client, manager)
    text = client.get(reverse("corrective_actions:list")).content.decode()
    assert "Paint defects" in text and "Late deliveries" in text and "2 requests" in text
    text = client.get(reverse("corrective_actions:list"), {"status": "draft"}).content.decode()
    assert draft.title in text and late.title not in text
    text = client.get(reverse("corrective_actions:list"), {"overdue": "true"}).content.decode()
    assert late.title in text and draft.title not in text and "Overdue" in text
    bad = client.get(reverse("corrective_actions:list"), {"status": "nonsense"})
    assert bad.status_code == 200 and "Some filters could not be applied" in bad.content.decode()


def test_list_query_count_does_not_grow_with_rows(
    client, manager, partner_a, django_assert_max_num_queries
):
    for n in range(3):
        sent_request(manager, partner_a, title=f"Request {n}")
    login(client, manager)
    client.get(reverse("corrective_actions:list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("corrective_actions:list"))
    for n in range(3, 12):
        sent_request(manager, partner_a, title=f"Request {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("corrective_actions:list"))


def test_create_from_a_risk_links_the_request(client, manager, partner_a, risk_a):
    login(client, manager)
    form = client.get(reverse("corrective_actions:create"), {"risk": risk_a.pk})
    assert form.status_code == 200
    text = form.content.decode()
    assert "For the risk: Quality escapes at Alpha" in text
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        reverse("corrective_actions:create"),
        {
            "risk": risk_a.pk,
            "partner": partner_a.pk,
            "title": "Field returns",
            "description": "Returns doubled.",
            "severity": "critical",
            "due_on": due,
        },
    )
    car = access.unrestricted(CorrectiveActionRequest).get()
    assert response.status_code == 302 and response.url == car.get_absolute_url()
    assert car.risk == risk_a and car.status == "draft" and car.requested_by == manager


def test_create_without_a_description_shows_an_error_and_saves_nothing(client, manager, partner_a):
    login(client, manager)
    response = client.post(
        reverse("corrective_actions:create"),
        {"partner": partner_a.pk, "title": "No text", "severity": "minor", "due_on": "2099-01-01"},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not access.unrestricted(CorrectiveActionRequest).exists()


def test_send_accept_and_return_from_the_detail_page(client, manager, partner_a, portal_user_a):
    car = make_request(manager, partner_a)
    login(client, manager)
    page = client.get(car.get_absolute_url()).content.decode()
    assert 'data-testid="send-request"' in page
    client.post(reverse("corrective_actions:send", args=[car.pk]))
    assert reload(car).status == "sent"
    # Deciding before the answer: an error on the page, nothing changed.
    refused = client.post(reverse("corrective_actions:accept", args=[car.pk]), {"comment": ""})
    assert refused.status_code == 400
    assert "Only an answered request can be accepted" in refused.content.decode()
    assert reload(car).status == "sent"
    services.request_answer(actor=portal_user_a, request=car, data=ANSWER)
    refused = client.post(reverse("corrective_actions:return", args=[car.pk]), {"comment": ""})
    assert refused.status_code == 400 and "Say why the answer is returned" in (
        refused.content.decode()
    )
    client.post(reverse("corrective_actions:return", args=[car.pk]), {"comment": "Need records."})
    assert reload(car).status == "returned"
    services.request_answer(actor=portal_user_a, request=car, data=ANSWER)
    client.post(reverse("corrective_actions:accept", args=[car.pk]), {"comment": "OK"})
    car = reload(car)
    assert car.status == "accepted"
    page = client.get(car.get_absolute_url()).content.decode()
    assert ANSWER["root_cause"] in page and "Need records." in page
    assert 'data-testid="time-to-answer"' in page


def test_response_times_page_averages_per_partner(client, manager, partner_a, portal_user_a):
    car = sent_request(manager, partner_a)
    sent = timezone.now() - timedelta(days=4)
    access.unrestricted(CorrectiveActionRequest).filter(pk=car.pk).update(sent_at=sent)
    services.request_answer(actor=portal_user_a, request=car, data=ANSWER)
    login(client, manager)
    text = client.get(reverse("corrective_actions:response_times")).content.decode()
    assert "Alpha Systems" in text and "4.0 days" in text


def test_portal_list_and_answer(client, manager, partner_a, portal_user_a):
    draft = make_request(manager, partner_a, title="Not sent yet")
    car = sent_request(manager, partner_a)
    login(client, portal_user_a)
    listing = client.get(reverse("corrective_actions:portal_list")).content.decode()
    assert car.title in listing and draft.title not in listing
    assert (
        client.get(reverse("corrective_actions:portal_detail", args=[draft.pk])).status_code == 404
    )
    page = client.get(reverse("corrective_actions:portal_detail", args=[car.pk]))
    assert 'data-testid="answer-form"' in page.content.decode()
    response = client.post(reverse("corrective_actions:portal_answer", args=[car.pk]), ANSWER)
    assert response.status_code == 302
    assert reload(car).status == "answered"
    # Answering again while the answer is being reviewed: a translated error, nothing changed.
    again = client.post(
        reverse("corrective_actions:portal_answer", args=[car.pk]),
        {**ANSWER, "root_cause": "Something else"},
    )
    assert again.status_code == 400
    assert "not awaiting an answer" in again.content.decode()
    assert reload(car).root_cause == ANSWER["root_cause"]


def test_portal_answer_in_korean_shows_a_korean_page(client, manager, partner_a, portal_user_a):
    car = sent_request(manager, partner_a)
    login(client, portal_user_a)
    page = client.get(
        reverse("corrective_actions:portal_detail", args=[car.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert page.status_code == 200 and car.title in page.content.decode()


def test_portal_user_of_another_partner_gets_404(manager, partner_a, portal_admin_b):
    car = sent_request(manager, partner_a)
    other = login(Client(), portal_admin_b)
    assert other.get(reverse("corrective_actions:portal_detail", args=[car.pk])).status_code == 404
    response = other.post(reverse("corrective_actions:portal_answer", args=[car.pk]), ANSWER)
    assert response.status_code == 404
    assert reload(car).status == "sent"


def test_portal_evidence_upload_and_bad_file(client, manager, partner_a, portal_user_a):
    car = sent_request(manager, partner_a)
    login(client, portal_user_a)
    url = reverse("corrective_actions:portal_evidence", args=[car.pk])
    bad = client.post(url, {"file": SimpleUploadedFile("virus.exe", b"MZ\x90")})
    assert bad.status_code == 400 and "are not accepted" in bad.content.decode()
    assert reload(car).evidence.count() == 0
    good = client.post(url, {"file": pdf(), "title": "8D report"})
    assert good.status_code == 302
    evidence = reload(car).evidence.get()
    download = client.get(reverse("partners:document_download", args=[evidence.document_id]))
    assert download.status_code == 200


def test_staff_opening_a_portal_address_go_to_the_back_office(client, manager, partner_a):
    car = sent_request(manager, partner_a)
    login(client, manager)
    response = client.get(reverse("corrective_actions:portal_detail", args=[car.pk]))
    assert response.status_code == 302 and response.url == car.get_absolute_url()


def test_risk_include_lists_requests_and_offers_the_button(rf, manager, partner_a, risk_a):
    from django.template.loader import render_to_string

    car = sent_request(manager, partner_a, risk=risk_a)
    request = rf.get("/")
    request.user = manager
    html = render_to_string(
        "corrective_actions/includes/for_risk.html", {"risk": risk_a, "request": request}
    )
    assert car.reference in html
    assert f"?risk={risk_a.pk}&amp;partner={partner_a.pk}" in html


def test_menus_lead_to_the_requests(client, manager, portal_user_a):
    login(client, portal_user_a)
    portal = client.get(reverse("portal:home")).content.decode()
    assert reverse("corrective_actions:portal_list") in portal
    login(client, manager)
    staff = client.get(reverse("corrective_actions:list")).content.decode()
    assert reverse("corrective_actions:list") in staff and "Corrective actions" in staff


def test_partner_include_lists_requests_and_offers_the_button(rf, manager, analyst, partner_a):
    from django.template.loader import render_to_string

    car = sent_request(manager, partner_a)
    request = rf.get("/")
    request.user = manager
    html = render_to_string(
        "corrective_actions/includes/for_partner.html", {"partner": partner_a, "request": request}
    )
    assert car.reference in html and f"?partner={partner_a.pk}" in html
    request.user = analyst
    html = render_to_string(
        "corrective_actions/includes/for_partner.html", {"partner": partner_a, "request": request}
    )
    assert car.reference in html and 'data-testid="request-corrective-action"' not in html
