"""The back-office pages of the partner registry, driven as a user would through the client."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prm.audit.models import AuditAction, AuditEntry
from prm.core import access
from prm.partners.models import Contact, Document, Partner, SavedFilter
from tests.conftest import login, make_partner, make_user

PDF = b"%PDF-1.4\n%test\n"


def _partners():
    return access.unrestricted(Partner)


def _names_in_table(response) -> list[str]:
    html = response.content.decode()
    body = html.split('data-testid="partner-table"', 1)[1]
    return re.findall(r'class="fw-semibold text-decoration-none"[^>]*>([^<]+)</a>', body)


# Who may come in ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["partners:list", "partners:create", "audit:list", "home"])
def test_anonymous_users_are_sent_to_the_login_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_portal_users_do_not_find_the_back_office(client, populated, portal_admin_a):
    login(client, portal_admin_a)
    own = populated["a"]["partner"]
    for url in (
        reverse("partners:list"),
        reverse("partners:detail", args=[own.pk]),
        reverse("partners:contacts", args=[own.pk]),
        reverse("partners:edit", args=[own.pk]),
        reverse("audit:list"),
    ):
        assert client.get(url).status_code == 404, url


# The list ----------------------------------------------------------------------------


def test_search_finds_a_korean_company_by_its_name_without_legal_form(client, manager):
    make_partner(name="(주)한빛소프트")
    make_partner(name="Bravo Logistics")
    login(client, manager)
    response = client.get(reverse("partners:list"), {"q": "한빛소프트"})
    assert response.status_code == 200
    assert _names_in_table(response) == ["(주)한빛소프트"]
    assert "1 partner" in response.content.decode()


def test_filters_and_sort(client, manager, tiers):
    make_partner(name="Charlie", stage="active", types=["supplier"], tier=tiers["gold"])
    make_partner(name="Alpha", stage="active", types=["reseller"], tier=tiers["silver"])
    make_partner(name="Bravo", stage="prospect", types=["reseller"])
    login(client, manager)
    url = reverse("partners:list")

    assert _names_in_table(client.get(url, {"stage": "active"})) == ["Alpha", "Charlie"]
    assert _names_in_table(client.get(url, {"type": "reseller"})) == ["Alpha", "Bravo"]
    assert _names_in_table(client.get(url, {"stage": "active", "sort": "-name"})) == [
        "Charlie",
        "Alpha",
    ]
    assert _names_in_table(client.get(url, {"tier": "gold"})) == ["Charlie"]
    # A column header offers the reverse order once the list is sorted by it.
    assert 'href="?sort=-name"' in client.get(url, {"sort": "name"}).content.decode()


def test_the_filter_form_as_a_browser_sends_it_with_blank_fields(client, manager):
    make_partner(name="(주)솔빛소프트", stage="active")
    make_partner(name="Bravo", stage="active")
    login(client, manager)
    blank = {"country": "", "region": "", "industry": "", "owner": "", "tag": ""}
    response = client.get(
        reverse("partners:list"),
        {"q": "소프트", "stage": "active", **blank},
        headers={"HX-Request": "true", "HX-Target": "partner-results"},
    )
    assert _names_in_table(response) == ["(주)솔빛소프트"]
    assert "Some filters" not in response.content.decode()
    # The address bar keeps only the filters in use.
    assert response["HX-Push-Url"] == "/partners/?q=%EC%86%8C%ED%94%84%ED%8A%B8&stage=active"


def test_an_unknown_filter_value_is_reported_not_a_crash(client, manager):
    make_partner(name="Alpha")
    login(client, manager)
    response = client.get(reverse("partners:list"), {"stage": "wizard"})
    assert response.status_code == 200
    assert "Some filters could not be applied" in response.content.decode()
    assert _names_in_table(response) == []


def test_pages_of_fifty(client, manager):
    for n in range(55):
        make_partner(name=f"P{n:03d}")
    login(client, manager)
    first = _names_in_table(client.get(reverse("partners:list")))
    second = _names_in_table(client.get(reverse("partners:list"), {"page": 2}))
    assert len(first) == 50 and len(second) == 5
    assert not set(first) & set(second)


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("partners:list"), {"sort": "name"})
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_the_partners(client, manager, tiers):
    login(client, manager)

    def add(count: int) -> None:
        for _ in range(count):
            partner = make_partner(owner=manager, tier=tiers["gold"], types=["reseller", "oem"])
            partner.tags.create(name=f"tag-{partner.pk}")

    add(5)
    few = _list_queries(client)
    add(25)
    many = _list_queries(client)
    assert many == few


def test_htmx_refresh_returns_only_the_results(client, manager):
    make_partner(name="Alpha")
    login(client, manager)
    response = client.get(
        reverse("partners:list"),
        {"q": "Alpha"},
        headers={"HX-Request": "true", "HX-Target": "partner-results"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="partner-results"')
    assert "<html" not in html
    assert "Alpha" in html


def test_saved_filters_are_saved_reapplied_and_deleted(client, manager):
    login(client, manager)
    response = client.post(
        reverse("partners:saved_filter_create"),
        {"name": "Active resellers", "query": "stage=active&type=reseller"},
    )
    assert response.status_code == 302
    saved = access.unrestricted(SavedFilter).get(user=manager)
    assert (saved.list_name, saved.query) == ("partners", "stage=active&type=reseller")

    page = client.get(reverse("partners:list")).content.decode()
    assert "Active resellers" in page
    assert "?stage=active&amp;type=reseller" in page

    other = make_user("partner_manager")
    login(client, other)
    delete_url = reverse("partners:saved_filter_delete", args=[saved.pk])
    assert client.post(delete_url).status_code == 404
    assert "Active resellers" not in client.get(reverse("partners:list")).content.decode()

    login(client, manager)
    client.post(delete_url)
    assert not access.unrestricted(SavedFilter).exists()


def test_the_list_links_to_export_and_import(client, manager):
    login(client, manager)
    html = client.get(reverse("partners:list"), {"stage": "active"}).content.decode()
    export = reverse("imports:export", args=["partners"])
    assert f"{export}?stage=active&amp;format=xlsx" in html
    assert reverse("imports:index") in html


# Create and edit ---------------------------------------------------------------------


def _partner_form(**overrides) -> dict:
    data = {
        "name": "Delta Networks",
        "legal_name": "",
        "registration_number": "",
        "types": ["reseller"],
        "stage": "prospect",
        "country": "KR",
        "region": "서울",
        "industry": "",
        "website": "",
        "domain": "",
        "tier": "",
        "parent": "",
        "tags": "cloud, security",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_create_a_partner(client, manager):
    login(client, manager)
    response = client.post(reverse("partners:create"), _partner_form())
    partner = _partners().get(name="Delta Networks")
    assert response.status_code == 302 and response.url == partner.get_absolute_url()
    assert partner.owner == manager
    assert sorted(t.name for t in partner.tags.all()) == ["cloud", "security"]
    assert partner.type_codes == ["reseller"]


def test_an_invalid_registration_number_shows_the_error_and_creates_nothing(client, manager):
    login(client, manager)
    response = client.post(
        reverse("partners:create"), _partner_form(registration_number="220-81-62518")
    )
    assert response.status_code == 200
    assert "is not a valid business registration number" in response.content.decode()
    assert not _partners().filter(name="Delta Networks").exists()


def test_a_partner_needs_a_type(client, manager):
    login(client, manager)
    response = client.post(reverse("partners:create"), _partner_form(types=[]))
    assert "Choose at least one partner type." in response.content.decode()
    assert not _partners().exists()


def test_duplicate_warning_then_create_anyway(client, manager):
    existing = make_partner(name="(주)한빛소프트", domain="hanbit.co.kr")
    login(client, manager)
    data = _partner_form(name="한빛소프트 주식회사")

    warned = client.post(reverse("partners:create"), data)
    html = warned.content.decode()
    assert warned.status_code == 200
    assert 'data-testid="duplicate-warning"' in html
    assert existing.get_absolute_url() in html
    assert "similar name" in html
    assert _partners().count() == 1

    created = client.post(reverse("partners:create"), {**data, "allow_duplicate": "on"})
    assert created.status_code == 302
    assert _partners().filter(name="한빛소프트 주식회사").exists()


def test_edit_a_partner(client, manager, partner_a):
    login(client, manager)
    form = _partner_form(name="Alpha Systems Korea", registration_number="220-81-62517")
    response = client.post(reverse("partners:edit", args=[partner_a.pk]), form)
    assert response.status_code == 302
    partner_a.refresh_from_db()
    assert partner_a.name == "Alpha Systems Korea"
    assert partner_a.region == "서울"


def test_manager_cannot_edit_a_partner_they_do_not_own(client, manager, partner_b):
    login(client, manager)
    assert client.get(reverse("partners:edit", args=[partner_b.pk])).status_code == 403


def test_stage_change_refuses_an_illegal_transition(client, manager, partner_a):
    login(client, manager)
    url = reverse("partners:stage", args=[partner_a.pk])
    response = client.post(url, {"stage": "active"}, follow=True)
    assert "A partner cannot move from Prospect to Active." in response.content.decode()
    partner_a.refresh_from_db()
    assert partner_a.stage == "prospect"

    client.post(url, {"stage": "candidate"})
    partner_a.refresh_from_db()
    assert partner_a.stage == "candidate"


def test_detail_offers_only_the_reachable_stages(client, manager, partner_a):
    login(client, manager)
    html = client.get(partner_a.get_absolute_url()).content.decode()
    form = html.split('data-testid="stage-form"', 1)[1].split("</form>", 1)[0]
    assert re.findall(r'<option value="(\w+)"', form) == ["candidate", "applied", "offboarded"]


def test_delete_a_partner(client, manager, partner_a):
    login(client, manager)
    url = reverse("partners:delete", args=[partner_a.pk])
    assert "Delete Alpha Systems?" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("partners:list")
    assert not _partners().filter(pk=partner_a.pk).exists()


# Detail tabs ------------------------------------------------------------------------


@pytest.mark.parametrize("tab", ["detail", "contacts", "documents", "interactions", "history"])
def test_every_tab_renders(client, manager, populated, tab):
    partner = populated["a"]["partner"]
    login(client, manager)
    response = client.get(reverse(f"partners:{tab}", args=[partner.pk]))
    assert response.status_code == 200
    assert "Alpha Systems" in response.content.decode()


def test_a_tab_loads_alone_for_htmx(client, manager, populated):
    partner = populated["a"]["partner"]
    login(client, manager)
    response = client.get(
        reverse("partners:contacts", args=[partner.pk]),
        headers={"HX-Request": "true", "HX-Target": "tab-pane"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="tab-pane"')
    assert "Contact a" in html and "<html" not in html


def test_add_a_contact_and_refuse_a_bad_phone(client, manager, partner_a):
    login(client, manager)
    url = reverse("partners:contact_create", args=[partner_a.pk])
    bad = client.post(url, {"name": "김민수", "phone": "12345", "roles": ["sales"]})
    assert bad.status_code == 200
    assert "is not a valid phone number for KR" in bad.content.decode()
    assert not partner_a.contacts.exists()

    good = client.post(
        url, {"name": "김민수", "phone": "010-2345-6789", "roles": ["sales", "technical"]}
    )
    assert good.status_code == 302
    contact = partner_a.contacts.get()
    assert (contact.phone, contact.roles) == ("+821023456789", ["sales", "technical"])


def test_edit_and_delete_a_contact(client, manager, populated):
    contact = populated["a"]["contact"]
    login(client, manager)
    response = client.post(
        reverse("partners:contact_edit", args=[contact.pk]),
        {"name": "Contact A2", "email": "A2@A.KR", "roles": ["billing"]},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("Contact A2", "a2@a.kr")
    client.post(reverse("partners:contact_delete", args=[contact.pk]))
    assert not access.unrestricted(Contact).filter(pk=contact.pk).exists()


def test_upload_refuses_a_file_too_large_or_of_the_wrong_type(client, manager, partner_a, settings):
    settings.PRM_MAX_UPLOAD_MB = 1
    login(client, manager)
    url = reverse("partners:document_upload", args=[partner_a.pk])

    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1), "application/pdf")
    response = client.post(url, {"file": big, "kind": "other"})
    assert "The file is too large" in response.content.decode()

    script = SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream")
    response = client.post(url, {"file": script, "kind": "other"})
    assert "Files of type .exe are not accepted" in response.content.decode()

    fake = SimpleUploadedFile("fake.pdf", b"not a pdf", "application/pdf")
    response = client.post(url, {"file": fake, "kind": "other"})
    assert "does not match its .pdf extension" in response.content.decode()
    assert not partner_a.documents.exists()


def test_upload_and_download_a_document(client, manager, partner_a):
    login(client, manager)
    upload = SimpleUploadedFile("사업자등록증.pdf", PDF, "application/pdf")
    response = client.post(
        reverse("partners:document_upload", args=[partner_a.pk]),
        {"file": upload, "kind": "registration", "expires_on": "2030-01-31"},
    )
    assert response.status_code == 302
    document = partner_a.documents.get()
    download = client.get(reverse("partners:document_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert "%EC%82%AC%EC%97%85%EC%9E%90" in download["Content-Disposition"]  # 사업자… UTF-8


def test_documents_are_downloaded_only_by_those_who_may_see_them(client, populated, portal_user_a):
    own, other = populated["a"]["document"], populated["b"]["document"]
    login(client, portal_user_a)
    assert client.get(reverse("partners:document_download", args=[own.pk])).status_code == 200
    assert client.get(reverse("partners:document_download", args=[other.pk])).status_code == 404


def test_expired_and_expiring_documents_are_highlighted(client, manager, populated):
    from datetime import timedelta

    from django.utils import timezone

    partner = populated["a"]["partner"]
    today = timezone.localdate()
    access.unrestricted(Document).filter(pk=populated["a"]["document"].pk).update(
        expires_on=today - timedelta(days=1)
    )
    soon = Document(
        partner=partner,
        title="Insurance",
        filename="i.pdf",
        content_type="application/pdf",
        size=9,
        expires_on=today + timedelta(days=10),
    )
    soon.file.save("i.pdf", SimpleUploadedFile("i.pdf", PDF), save=True)
    login(client, manager)
    html = client.get(reverse("partners:documents", args=[partner.pk])).content.decode()
    assert 'data-expiry="expired"' in html and "Expired" in html
    assert 'data-expiry="soon"' in html and "Expires soon" in html


def test_log_an_interaction(client, manager, populated):
    partner, contact = populated["a"]["partner"], populated["a"]["contact"]
    login(client, manager)
    response = client.post(
        reverse("partners:interaction_create", args=[partner.pk]),
        {
            "kind": "meeting",
            "occurred_at": "2026-03-02T10:30",
            "contact": contact.pk,
            "summary": "Quarterly review",
        },
    )
    assert response.status_code == 302
    logged = partner.interactions.get(kind="meeting")
    assert (logged.user, logged.contact, logged.summary) == (manager, contact, "Quarterly review")


def test_history_tab_shows_field_level_changes(client, manager, partner_a):
    login(client, manager)
    client.post(reverse("partners:stage", args=[partner_a.pk]), {"stage": "candidate"})
    html = client.get(reverse("partners:history", args=[partner_a.pk])).content.decode()
    row = html.split('data-testid="audit-entries"', 1)[1]
    assert "Stage" in row
    assert re.search(r'data-role="before">Prospect<.*data-role="after">Candidate<', row, re.S)
    assert manager.email in row


def test_view_as_partner_is_offered_to_managers_only(client, manager, analyst, portal_user_a):
    partner = portal_user_a.partner
    login(client, manager)
    html = client.get(partner.get_absolute_url()).content.decode()
    assert reverse("accounts:impersonate_start", args=[portal_user_a.pk]) in html
    login(client, analyst)
    html = client.get(partner.get_absolute_url()).content.decode()
    assert 'data-testid="view-as"' not in html


# Merge ------------------------------------------------------------------------------


def test_merge_moves_contacts_and_history(client, manager):
    survivor = make_partner(name="(주)한빛소프트", owner=manager)
    duplicate = make_partner(name="한빛소프트 주식회사", owner=manager, domain="hanbit.co.kr")
    Contact.objects.create(partner=duplicate, name="이영희")
    history_before = access.unrestricted(AuditEntry).filter(partner_id=duplicate.pk).count()
    assert history_before > 0
    login(client, manager)

    choose = client.get(reverse("partners:merge", args=[survivor.pk]))
    assert "한빛소프트 주식회사" in choose.content.decode()  # offered as a likely duplicate
    found = client.get(reverse("partners:merge", args=[survivor.pk]), {"q": "한빛"})
    assert reverse("partners:merge_confirm", args=[survivor.pk, duplicate.pk]) in (
        found.content.decode()
    )

    url = reverse("partners:merge_confirm", args=[survivor.pk, duplicate.pk])
    assert "1 contact" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response.url == survivor.get_absolute_url()

    assert not _partners().filter(pk=duplicate.pk).exists()
    assert [c.name for c in survivor.contacts.all()] == ["이영희"]
    survivor.refresh_from_db()
    assert survivor.domain == "hanbit.co.kr"
    history = access.unrestricted(AuditEntry).filter(partner_id=survivor.pk)
    assert history.filter(action=AuditAction.MERGE).exists()
    assert history.filter(object_repr="한빛소프트 주식회사").count() >= history_before


def test_merge_needs_change_rights_on_both(client, manager, partner_a, partner_b):
    login(client, manager)
    url = reverse("partners:merge_confirm", args=[partner_a.pk, partner_b.pk])
    assert client.post(url).status_code == 403
    assert _partners().filter(pk=partner_b.pk).exists()


# The analyst reads and changes nothing ---------------------------------------------


def test_analyst_sees_no_edit_buttons(client, analyst, populated):
    partner = populated["a"]["partner"]
    login(client, analyst)
    detail = client.get(partner.get_absolute_url()).content.decode()
    assert reverse("partners:edit", args=[partner.pk]) not in detail
    assert 'data-testid="stage-form"' not in detail
    assert reverse("partners:delete", args=[partner.pk]) not in detail
    listing = client.get(reverse("partners:list")).content.decode()
    assert reverse("partners:create") not in listing
    contacts = client.get(reverse("partners:contacts", args=[partner.pk])).content.decode()
    assert 'data-testid="contact-form"' not in contacts
    assert reverse("partners:contact_delete", args=[populated["a"]["contact"].pk]) not in contacts


def test_analyst_posts_are_refused_and_change_nothing(client, analyst, populated):
    a = populated["a"]
    login(client, analyst)
    entries = access.unrestricted(AuditEntry).count()
    posts = [
        (reverse("partners:create"), _partner_form()),
        (reverse("partners:edit", args=[a["partner"].pk]), _partner_form()),
        (reverse("partners:stage", args=[a["partner"].pk]), {"stage": "candidate"}),
        (reverse("partners:delete", args=[a["partner"].pk]), {}),
        (reverse("partners:contact_create", args=[a["partner"].pk]), {"name": "X"}),
        (reverse("partners:contact_edit", args=[a["contact"].pk]), {"name": "X"}),
        (reverse("partners:contact_delete", args=[a["contact"].pk]), {}),
        (reverse("partners:document_delete", args=[a["document"].pk]), {}),
        (reverse("partners:interaction_delete", args=[a["interaction"].pk]), {}),
        (
            reverse("partners:interaction_create", args=[a["partner"].pk]),
            {"kind": "call", "occurred_at": "2026-01-01T10:00", "summary": "x"},
        ),
        (
            reverse("partners:merge_confirm", args=[a["partner"].pk, populated["b"]["partner"].pk]),
            {},
        ),
        (reverse("partners:saved_filter_create"), {"name": "mine", "query": "stage=active"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    assert access.unrestricted(AuditEntry).count() == entries
    assert not access.unrestricted(SavedFilter).exists()
