"""Corrective action requests through the import/export framework."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prm.core import access
from prm.corrective_actions import services
from prm.corrective_actions.models import CorrectiveActionRequest
from prm.imports import services as import_services
from tests.conftest import login
from tests.corrective_actions.factories import ANSWER, sent_request

pytestmark = pytest.mark.django_db


def csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("requests.csv", text.encode("utf-8"), content_type="text/csv")


def run(actor, text: str):
    preview = import_services.import_preview(
        actor=actor, entity_name="corrective-actions", upload=csv(text)
    )
    if preview.status != "previewed":
        return preview
    return import_services.import_apply(actor=actor, run=preview)


def test_import_creates_drafts_with_korean_headers_and_reimport_changes_nothing(manager, partner_a):
    text = (
        "파트너,제목,부적합 내용,심각도,회신 기한,외부 ID\n"
        "220-81-62517,도장 불량,로트 2611 도장 박리,중대,2099-01-31,QMS-17\n"
    )
    result = run(manager, text)
    assert result.status == "applied", result.report
    car = access.unrestricted(CorrectiveActionRequest).get()
    assert (car.title, car.severity, car.status, car.external_id) == (
        "도장 불량",
        "major",
        "draft",
        "QMS-17",
    )
    again = run(manager, text)
    assert again.status == "applied"
    assert access.unrestricted(CorrectiveActionRequest).count() == 1
    car.refresh_from_db()
    assert car.title == "도장 불량"


def test_import_row_errors_name_the_row_and_change_nothing(manager, partner_a):
    text = (
        "partner,title,nonconformity,severity,due_on\n"
        "2208162517,Good row,Text,minor,2099-01-01\n"
        "2208162517,Bad row,Text,catastrophic,2099-01-01\n"
    )
    result = run(manager, text)
    assert result.status == "rejected"
    assert "catastrophic is not a severity" in str(result.report)
    assert not access.unrestricted(CorrectiveActionRequest).exists()


def test_export_has_response_times(client, manager, partner_a, portal_user_a):
    car = sent_request(manager, partner_a, title="Exported request")
    services.request_answer(actor=portal_user_a, request=car, data=ANSWER)
    login(client, manager)
    response = client.get(reverse("imports:export", args=["corrective-actions"]), {"format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content if response.streaming else [response.content])
    text = body.decode("utf-8-sig")
    assert "Exported request" in text and ANSWER["root_cause"] in text
    assert "days_to_answer" in text.splitlines()[0]
    xlsx = client.get(reverse("imports:export", args=["corrective-actions"]), {"format": "xlsx"})
    assert xlsx.status_code == 200
