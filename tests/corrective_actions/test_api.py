"""/api/v1/corrective-actions."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from prm.core import access
from prm.corrective_actions.models import CorrectiveActionRequest
from tests.conftest import api_client
from tests.corrective_actions.factories import ANSWER, make_request, sent_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/corrective-actions"


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_the_whole_exchange_through_the_api(manager, partner_a, portal_user_a, risk_a):
    staff = api_client(manager)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    created = post(
        staff,
        URL,
        {
            "partner": partner_a.pk,
            "risk": risk_a.pk,
            "title": "Late deliveries",
            "description": "OTD fell to 81%.",
            "severity": "critical",
            "due_on": due,
            "send": True,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["risk"], body["partner"]) == ("sent", risk_a.pk, partner_a.pk)
    pk = body["id"]

    partner = api_client(portal_user_a)
    listed = partner.get(URL).json()
    assert listed["count"] == 1 and listed["items"][0]["risk"] is None  # staff data
    answered = post(partner, f"{URL}/{pk}/answer", ANSWER)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    evidence = partner.post(
        f"{URL}/{pk}/evidence",
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n"), "title": "Records"},
    )
    assert evidence.status_code == 409  # the answer is in review

    returned = post(staff, f"{URL}/{pk}/return", {"comment": "Attach the records."})
    assert returned.json()["status"] == "returned" and returned.json()["return_count"] == 1
    evidence = partner.post(
        f"{URL}/{pk}/evidence",
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n"), "title": "Records"},
    )
    assert evidence.status_code == 201 and evidence.json()["evidence"][0]["title"] == "Records"
    post(partner, f"{URL}/{pk}/answer", ANSWER)
    accepted = post(staff, f"{URL}/{pk}/accept", {"comment": "Fine"})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["days_to_close"] is not None


def test_filters_and_errors(manager, partner_a, partner_b, portal_admin_b, portal_user_a):
    car = sent_request(manager, partner_a)
    make_request(manager, partner_a, title="Still a draft")
    staff = api_client(manager)
    assert staff.get(URL, {"status": "draft"}).json()["count"] == 1
    assert staff.get(URL, {"partner": partner_b.pk}).json()["count"] == 0
    assert staff.get(URL, {"status": "nonsense"}).status_code == 422
    # Another partner's request does not exist for partner B.
    other = api_client(portal_admin_b)
    assert other.get(f"{URL}/{car.pk}").status_code == 404
    refused = post(other, f"{URL}/{car.pk}/answer", ANSWER)
    assert refused.status_code == 404
    assert access.unrestricted(CorrectiveActionRequest).get(pk=car.pk).status == "sent"
    # A partner does not create requests.
    partner = api_client(portal_user_a)
    body = {"partner": partner_a.pk, "title": "x", "description": "y", "due_on": "2099-01-01"}
    assert post(partner, URL, body).status_code == 403
    # An incomplete answer: 400 naming the field; an unknown field: 422.
    missing = post(partner, f"{URL}/{car.pk}/answer", {**ANSWER, "containment": ""})
    assert missing.status_code == 400 and missing.json()["field"] == "containment"
    assert post(partner, f"{URL}/{car.pk}/answer", {**ANSWER, "x": 1}).status_code == 422
    # Accepting before an answer: 409.
    assert post(staff, f"{URL}/{car.pk}/accept").status_code == 409
    assert access.unrestricted(CorrectiveActionRequest).get(pk=car.pk).status == "sent"


def test_patch_and_delete(manager, partner_a):
    staff = api_client(manager)
    draft = make_request(manager, partner_a)
    patched = staff.patch(
        f"{URL}/{draft.pk}", json.dumps({"title": "Renamed"}), content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["title"] == "Renamed"
    sent = sent_request(manager, partner_a)
    assert staff.delete(f"{URL}/{sent.pk}").status_code == 409
    assert staff.delete(f"{URL}/{draft.pk}").status_code == 204
    assert list(access.unrestricted(CorrectiveActionRequest).values_list("pk", flat=True)) == [
        sent.pk
    ]


def test_list_query_count_does_not_grow_with_rows(
    manager, partner_a, django_assert_max_num_queries
):
    staff = api_client(manager)
    sent_request(manager, partner_a)
    staff.get(URL)
    with django_assert_max_num_queries(20) as few:
        assert staff.get(URL).json()["count"] == 1
    for n in range(8):
        sent_request(manager, partner_a, title=f"Request {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff.get(URL).json()["count"] == 9


def test_odd_filter_values_are_422_not_500(manager):
    staff = api_client(manager)
    assert staff.get(URL, {"risk": "99999999999999999999999"}).status_code == 422
    assert staff.get(URL, {"q": "CAR-999999999999999999999999"}).status_code == 200
