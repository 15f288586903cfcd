"""The portal's pages: home, company profile, contacts, documents."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from prm.core import access
from prm.partners.models import Document, Partner
from tests.conftest import login

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# Home ------------------------------------------------------------------------------


def test_home_shows_the_company_and_its_partner_manager(
    client, populated, portal_user_a, portal_admin_a, manager, tiers
):
    partner = populated["a"]["partner"]
    partner.tier = tiers["gold"]
    partner.save()
    login(client, portal_user_a)
    response = client.get(reverse("portal:home"))
    html = response.content.decode()
    assert "Gold" in html
    assert manager.email in html
    assert response.context["counts"] == {"contacts": 1, "documents": 1, "users": 2}


def test_home_lists_documents_that_expire_soon(client, populated, portal_user_a):
    today = timezone.localdate()
    soon, later = populated["a"]["document"], populated["b"]["document"]
    soon.expires_on = today + timedelta(days=10)
    soon.save()
    later.expires_on = today + timedelta(days=5)  # partner B's: never shown to A
    later.save()
    login(client, portal_user_a)
    response = client.get(reverse("portal:home"))
    assert list(response.context["expiring"]) == [soon]
    assert "Doc b" not in response.content.decode()


# Company profile -------------------------------------------------------------------


def test_the_profile_shows_the_company_but_not_staff_notes(client, partner_a, portal_user_a):
    partner_a.notes = "Internal: slow payer"
    partner_a.save()
    login(client, portal_user_a)
    html = client.get(reverse("portal:profile")).content.decode()
    assert "220-81-62517" in html
    assert "slow payer" not in html


def test_a_partner_admin_edits_only_the_fields_staff_opened(
    client, partner_a, portal_admin_a, editable
):
    editable("website", "industry")
    login(client, portal_admin_a)
    assert 'data-testid="edit-profile"' in client.get(reverse("portal:profile")).content.decode()
    form = client.get(reverse("portal:profile_edit")).context["form"]
    assert list(form.fields) == ["website", "industry"]

    response = client.post(
        reverse("portal:profile_edit"),
        {
            "website": "https://alpha.example.kr",
            "industry": "Robotics",
            "name": "Hijacked Name",
            "stage": "active",
            "registration_number": "1248100998",
            "notes": "changed",
        },
    )
    assert response["Location"] == reverse("portal:profile")
    partner = access.unrestricted(Partner).get(pk=partner_a.pk)
    assert (partner.website, partner.industry) == ("https://alpha.example.kr", "Robotics")
    assert (partner.name, partner.stage, partner.registration_number, partner.notes) == (
        "Alpha Systems",
        "prospect",
        "2208162517",
        "",
    )


def test_an_invalid_profile_value_is_explained_and_nothing_changes(
    client, partner_a, portal_admin_a, editable
):
    editable("website", "domain")
    login(client, portal_admin_a)
    response = client.post(
        reverse("portal:profile_edit"), {"website": "not a url", "domain": "alpha.kr"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["website"]
    partner = access.unrestricted(Partner).get(pk=partner_a.pk)
    assert (partner.website, partner.domain) == ("", "")


def test_a_partner_user_cannot_edit_the_profile(client, partner_a, portal_user_a, editable):
    editable("website")
    login(client, portal_user_a)
    assert "edit-profile" not in client.get(reverse("portal:profile")).content.decode()
    assert client.get(reverse("portal:profile_edit")).status_code == 403
    response = client.post(reverse("portal:profile_edit"), {"website": "https://x.kr"})
    assert response.status_code == 403
    assert access.unrestricted(Partner).get(pk=partner_a.pk).website == ""


def test_with_no_field_opened_nothing_is_editable(client, portal_admin_a, editable):
    editable()
    login(client, portal_admin_a)
    assert "edit-profile" not in client.get(reverse("portal:profile")).content.decode()
    response = client.get(reverse("portal:profile_edit"))
    assert response["Location"] == reverse("portal:profile")


# Contacts --------------------------------------------------------------------------


def test_a_partner_admin_adds_edits_and_deletes_contacts(client, partner_a, portal_admin_a):
    login(client, portal_admin_a)
    html = client.get(reverse("portal:contacts")).content.decode()
    assert 'data-testid="add-contact"' in html
    assert reverse("imports:export", args=["contacts"]) in html

    response = client.post(
        reverse("portal:contact_add"),
        {
            "name": "Kim Minji",
            "email": "Minji@Alpha.kr",
            "phone": "010-1234-5678",
            "roles": ["sales"],
        },
    )
    assert response["Location"] == reverse("portal:contacts")
    contact = partner_a.contacts.get(name="Kim Minji")
    assert (contact.email, contact.roles) == ("minji@alpha.kr", ["sales"])
    assert "Kim Minji" in client.get(reverse("portal:contacts")).content.decode()

    response = client.post(
        reverse("portal:contact_edit", args=[contact.pk]),
        {"name": "Kim Minji", "title": "Sales lead", "email": "minji@alpha.kr", "roles": []},
    )
    assert response["Location"] == reverse("portal:contacts")
    contact.refresh_from_db()
    assert contact.title == "Sales lead"

    assert client.get(reverse("portal:contact_delete", args=[contact.pk])).status_code == 200
    client.post(reverse("portal:contact_delete", args=[contact.pk]))
    assert not partner_a.contacts.filter(pk=contact.pk).exists()


def test_a_bad_phone_number_is_explained_and_nothing_is_added(client, partner_a, portal_admin_a):
    login(client, portal_admin_a)
    response = client.post(reverse("portal:contact_add"), {"name": "Lee", "phone": "12"})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not partner_a.contacts.filter(name="Lee").exists()


def test_contacts_are_searched(client, populated, portal_user_a):
    populated["a"]["partner"].contacts.create(name="Park Jisoo", email="jisoo@a.kr")
    login(client, portal_user_a)
    html = client.get(reverse("portal:contacts"), {"q": "jisoo"}).content.decode()
    assert "Park Jisoo" in html and "Contact a" not in html


def test_a_partner_user_reads_contacts_but_cannot_change_them(client, populated, portal_user_a):
    contact = populated["a"]["contact"]
    login(client, portal_user_a)
    html = client.get(reverse("portal:contacts")).content.decode()
    assert "Contact a" in html
    assert "add-contact" not in html
    assert reverse("portal:contact_edit", args=[contact.pk]) not in html
    assert client.get(reverse("portal:contact_add")).status_code == 403
    assert client.post(reverse("portal:contact_add"), {"name": "Sneaky"}).status_code == 403
    edit = reverse("portal:contact_edit", args=[contact.pk])
    assert client.post(edit, {"name": "Renamed"}).status_code == 403
    assert client.post(reverse("portal:contact_delete", args=[contact.pk])).status_code == 403
    contact.refresh_from_db()
    assert contact.name == "Contact a"
    assert populated["a"]["partner"].contacts.count() == 1


# Documents -------------------------------------------------------------------------


def test_a_partner_user_uploads_and_downloads_a_document(client, partner_a, portal_user_a):
    login(client, portal_user_a)
    expires = timezone.localdate() + timedelta(days=365)
    response = client.post(
        reverse("portal:document_upload"),
        {
            "file": SimpleUploadedFile("iso9001.pdf", PDF, content_type="application/pdf"),
            "title": "ISO 9001",
            "kind": "certificate",
            "expires_on": expires.isoformat(),
        },
    )
    assert response["Location"] == reverse("portal:documents")
    document = partner_a.documents.get(title="ISO 9001")
    assert (document.expires_on, document.uploaded_by) == (expires, portal_user_a)
    assert "ISO 9001" in client.get(reverse("portal:documents")).content.decode()

    response = client.get(reverse("portal:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="iso9001.pdf"' in response["Content-Disposition"]


def test_an_unaccepted_file_is_refused_with_a_message(client, partner_a, portal_admin_a):
    login(client, portal_admin_a)
    response = client.post(
        reverse("portal:document_upload"),
        {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "kind": "other"},
    )
    assert response.status_code == 200
    assert "Files of type .exe are not accepted" in response.content.decode()
    assert not partner_a.documents.exists()


def test_a_file_whose_content_lies_about_its_type_is_refused(client, partner_a, portal_admin_a):
    login(client, portal_admin_a)
    response = client.post(
        reverse("portal:document_upload"),
        {"file": SimpleUploadedFile("fake.pdf", b"not a pdf"), "kind": "other"},
    )
    assert response.context["form"].errors["file"]
    assert not access.unrestricted(Document).filter(partner=partner_a).exists()


def test_a_too_large_file_is_refused(client, settings, partner_a, portal_admin_a):
    settings.PRM_MAX_UPLOAD_MB = 1
    login(client, portal_admin_a)
    big = PDF + b"0" * (1024 * 1024)
    response = client.post(
        reverse("portal:document_upload"),
        {"file": SimpleUploadedFile("big.pdf", big), "kind": "other"},
    )
    assert "The file is too large" in response.content.decode()
    assert not partner_a.documents.exists()


def test_a_document_whose_file_is_gone_answers_404(client, populated, portal_user_a):
    document = populated["a"]["document"]
    document.file.storage.delete(document.file.name)
    login(client, portal_user_a)
    response = client.get(reverse("portal:document_download", args=[document.pk]))
    assert response.status_code == 404
