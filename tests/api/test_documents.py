"""/api/v1/documents: multipart upload with limits, download through the access layer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.core import access
from prm.partners.models import Document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"


def pdf(name: str = "registration.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def document_count() -> int:
    return access.unrestricted(Document).count()


def test_admin_uploads_reads_changes_downloads_and_deletes(as_admin, partner_a):
    created = as_admin.upload(
        "/documents",
        {
            "partner": partner_a.pk,
            "title": "사업자등록증",
            "kind": "registration",
            "expires_on": "2027-12-31",
            "file": pdf(),
        },
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["partner"] == partner_a.pk
    assert data["title"] == "사업자등록증"
    assert data["kind"] == "registration"
    assert data["expires_on"] == "2027-12-31"
    assert data["filename"] == "registration.pdf"
    assert data["content_type"] == "application/pdf"
    assert data["size"] == len(PDF)
    pk = data["id"]

    download = as_admin.client.get(data["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert "registration.pdf" in download["Content-Disposition"]

    changed = as_admin.patch(f"/documents/{pk}", {"title": "BRC", "expires_on": None})
    assert changed.status_code == 200
    assert changed.json()["title"] == "BRC"
    assert changed.json()["expires_on"] is None

    assert as_admin.delete(f"/documents/{pk}").status_code == 204
    assert as_admin.get(f"/documents/{pk}").status_code == 404


def test_title_defaults_to_the_file_name(as_manager, partner_a):
    response = as_manager.upload("/documents", {"partner": partner_a.pk, "file": pdf("iso.pdf")})
    assert response.status_code == 201
    assert response.json()["title"] == "iso.pdf"
    assert response.json()["kind"] == "other"


def test_too_large_upload_answers_413_and_stores_nothing(as_admin, partner_a, settings):
    settings.PRM_MAX_UPLOAD_MB = 1
    big = pdf("big.pdf", PDF + b"0" * (1024 * 1024 + 1))
    response = as_admin.upload("/documents", {"partner": partner_a.pk, "file": big})
    assert response.status_code == 413
    assert response.json()["field"] == "file"
    assert "1 MB" in response.json()["detail"]
    assert document_count() == 0


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "file_type"),
        (SimpleUploadedFile("fake.pdf", b"GIF89a not a pdf"), "file_type"),
        (SimpleUploadedFile("empty.pdf", b""), "invalid"),
    ],
)
def test_refused_file_types_answer_400(as_admin, partner_a, upload, code):
    response = as_admin.upload("/documents", {"partner": partner_a.pk, "file": upload})
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["field"] == "file"
    assert document_count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "selfie"}, "kind"),
        ({"expires_on": "31/12/2027"}, "expires_on"),
        ({"colour": "red"}, "colour"),
        ({"partner": "abc"}, "partner"),
    ],
)
def test_bad_form_fields_name_the_field(as_admin, partner_a, fields, field):
    response = as_admin.upload("/documents", {"partner": partner_a.pk, "file": pdf()} | fields)
    assert response.status_code in (400, 422)
    assert response.json()["field"] == field
    assert document_count() == 0


def test_missing_file_is_named(as_admin, partner_a):
    response = as_admin.upload("/documents", {"partner": partner_a.pk})
    assert response.status_code == 422
    assert response.json()["field"] == "file"


def test_portal_user_uploads_to_own_partner_only(as_portal_user_a, populated):
    own = as_portal_user_a.upload(
        "/documents", {"partner": populated["a"]["partner"].pk, "file": pdf()}
    )
    assert own.status_code == 201
    other = as_portal_user_a.upload(
        "/documents", {"partner": populated["b"]["partner"].pk, "file": pdf()}
    )
    assert other.status_code == 404
    assert populated["b"]["partner"].documents.count() == 1


def test_portal_user_cannot_download_or_see_another_partners_documents(as_portal_user_a, populated):
    listing = as_portal_user_a.get("/documents").json()
    assert {item["partner"] for item in listing["items"]} == {populated["a"]["partner"].pk}
    theirs = populated["b"]["document"]
    assert as_portal_user_a.get(f"/documents/{theirs.pk}").status_code == 404
    download = as_portal_user_a.get(f"/documents/{theirs.pk}/download")
    assert download.status_code == 404
    assert download.json()["detail"]
    assert as_portal_user_a.delete(f"/documents/{theirs.pk}").status_code == 404
    mine = populated["a"]["document"]
    assert as_portal_user_a.get(f"/documents/{mine.pk}/download").status_code == 200


def test_portal_user_cannot_change_or_delete_own_documents(as_portal_user_a, populated):
    mine = populated["a"]["document"]
    assert as_portal_user_a.patch(f"/documents/{mine.pk}", {"title": "X"}).status_code == 403
    assert as_portal_user_a.delete(f"/documents/{mine.pk}").status_code == 403
    assert access.unrestricted(Document).get(pk=mine.pk).title == "Doc a"


def test_missing_file_in_storage_answers_404_json(as_admin, populated):
    document = populated["a"]["document"]
    document.file.storage.delete(document.file.name)
    response = as_admin.get(f"/documents/{document.pk}/download")
    assert response.status_code == 404
    assert response.json()["code"] == "file_missing"


def test_analyst_downloads_but_cannot_upload(as_analyst, populated):
    assert as_analyst.get(f"/documents/{populated['b']['document'].pk}/download").status_code == 200
    response = as_analyst.upload(
        "/documents", {"partner": populated["a"]["partner"].pk, "file": pdf()}
    )
    assert response.status_code == 403
    assert populated["a"]["partner"].documents.count() == 1
