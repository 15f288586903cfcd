"""The risk register through the import/export framework."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prm.core import access
from prm.imports import services as import_services
from prm.risks.models import Assessment, Risk
from tests.conftest import login
from tests.risks.factories import raise_risk

pytestmark = pytest.mark.django_db


def run(actor, text: str):
    upload = SimpleUploadedFile("risks.csv", text.encode("utf-8"), content_type="text/csv")
    preview = import_services.import_preview(actor=actor, entity_name="risks", upload=upload)
    if preview.status != "previewed":
        return preview
    return import_services.import_apply(actor=actor, run=preview)


def test_import_korean_headers_creates_then_reimport_changes_nothing(manager, partner_a):
    text = (
        "외부 ID,파트너,분류,제목,발생 가능성,영향도,잔여 발생 가능성,잔여 영향도\n"
        "R-1,220-81-62517,품질,불량률 상승,4,4,2,3\n"
        "R-2,,지정학,수출 규제,3,5,,\n"
    )
    result = run(manager, text)
    assert result.status == "applied", result.report
    first = access.unrestricted(Risk).get(external_id="R-1")
    assert (first.partner, first.category_id, first.inherent_score, first.residual_score) == (
        partner_a,
        "quality",
        16,
        6,
    )
    assert access.unrestricted(Risk).get(external_id="R-2").partner is None
    assessments = access.unrestricted(Assessment).count()
    again = run(manager, text)
    assert again.status == "applied"
    assert access.unrestricted(Risk).count() == 2
    assert access.unrestricted(Assessment).count() == assessments


def test_import_row_error_names_the_row(manager, partner_a):
    text = (
        "partner,category,title,likelihood,impact\n"
        "2208162517,quality,Fine,3,3\n"
        "2208162517,quality,Bad,6,3\n"
    )
    result = run(manager, text)
    assert result.status == "rejected"
    assert "6 is not a whole number from 1 to 5." in str(result.report)
    assert not access.unrestricted(Risk).exists()


def test_export_csv(client, manager, partner_a):
    raise_risk(manager, partner_a, likelihood=2, impact=3, title="Exported risk")
    login(client, manager)
    response = client.get(reverse("imports:export", args=["risks"]), {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    text = text.decode("utf-8-sig")
    assert "Exported risk" in text and "Alpha Systems" in text
