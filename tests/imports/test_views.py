import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from prm.accounts.roles import Role
from prm.audit.context import Channel
from prm.audit.models import AuditEntry
from prm.core import access
from prm.imports.models import ImportRun
from tests.conftest import login, make_partner, make_user
from tests.imports.helpers import FILES, csv_bytes, partner, partners

pytestmark = pytest.mark.django_db

INDEX = "/imports/"


def upload(client: Client, name: str, content: bytes, entity="partners", **extra):
    data = {"entity": entity, "file": SimpleUploadedFile(name, content), **extra}
    return client.post(INDEX, data)


def runs():
    return list(access.unrestricted(ImportRun).order_by("id"))


def test_index_is_in_the_back_office_menu_for_importers(client: Client, manager):
    response = login(client, manager).get(INDEX)
    assert response.status_code == 200
    assert reverse("imports:index") == INDEX
    assert any(item.key == "imports" for item in response.context["nav_items"])
    assert "상호" in response.content.decode()  # the columns, with Korean headers


def test_upload_previews_then_apply_writes(client: Client, manager):
    login(client, manager)
    response = upload(client, "한빛.csv", (FILES / "partners_ko_cp949.csv").read_bytes())
    (run,) = runs()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
    assert run.status == ImportRun.Status.PREVIEWED and run.user == manager
    assert partners() == []  # a preview writes nothing

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.context["report"].created == 3
    assert "한빛소프트" in html and 'data-testid="apply-import"' in html
    assert [row["outcome"] for row in page.context["report"].preview] == ["created"] * 3

    response = client.post(reverse("imports:apply", args=[run.pk]), follow=True)
    assert "3 created" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED and run.applied_at
    assert len(partners()) == 3
    assert all(p.owner == manager for p in partners())
    entry = access.unrestricted(AuditEntry).filter(object_id=str(partners()[0].pk)).first()
    assert (entry.channel, entry.actor) == (Channel.IMPORT, manager)

    # Applying twice does nothing more.
    response = client.post(reverse("imports:apply", args=[run.pk]), follow=True)
    assert "already been imported" in response.content.decode()
    assert len(partners()) == 3


def test_rows_with_errors_are_listed_and_cannot_be_applied(client: Client, admin_user):
    content = csv_bytes(
        ["상호", "사업자등록번호", "유형"],
        [["Good", "105-87-12345", "리셀러"], ["Bad", "123-45-67890", "리셀러"]],
    )
    login(client, admin_user)
    response = upload(client, "p.csv", content)
    (run,) = runs()
    assert run.status == ImportRun.Status.REJECTED
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "check digit" in html and "사업자등록번호" in html
    assert 'data-testid="apply-import"' not in html
    client.post(reverse("imports:apply", args=[run.pk]))
    assert partners() == []


def test_apply_checks_the_rows_again(client: Client, admin_user):
    content = csv_bytes(["name", "registration_number", "types"], [["New Co", "", "reseller"]])
    login(client, admin_user)
    upload(client, "p.csv", content)
    (run,) = runs()
    make_partner(name="New Co")  # someone created it since the preview
    response = client.post(reverse("imports:apply", args=[run.pk]), follow=True)
    assert "Nothing was imported" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REJECTED
    assert len(partners()) == 1


def test_unknown_columns_show_as_warnings(client: Client, admin_user):
    content = csv_bytes(["name", "types", "팩스"], [["A", "reseller", "1"]])
    login(client, admin_user)
    page = client.get(upload(client, "p.csv", content)["Location"])
    assert "팩스" in page.content.decode()
    assert 'data-testid="import-warning"' in page.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.csv", "name,types\r\n".encode("utf-16-le"), "CP949"),
        ("p.csv", b"name\r\nA\r\n", "types"),
        ("p.pdf", b"%PDF-1.4", ".xlsx"),
        ("p.xlsx", (FILES / "partners_formula.xlsx").read_bytes(), "C3"),
    ],
    ids=["encoding", "missing-column", "file-type", "formula"],
)
def test_unreadable_files_are_form_errors_and_nothing_is_kept(
    client: Client, admin_user, name, content, message
):
    response = upload(login(client, admin_user), name, content)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert runs() == [] and partners() == []


def test_too_large_upload_is_refused(client: Client, admin_user, settings):
    settings.PRM_MAX_IMPORT_MB = 1
    response = upload(login(client, admin_user), "big.csv", b"name,types\r\n" + b"x" * 2**20)
    assert "too large" in " ".join(response.context["form"].errors["file"])
    assert runs() == []


def test_allow_duplicates_checkbox(client: Client, admin_user):
    make_partner(name="(주)한빛소프트")
    content = csv_bytes(["name", "types"], [["한빛소프트", "reseller"]])
    login(client, admin_user)
    upload(client, "p.csv", content)
    upload(client, "p.csv", content, allow_duplicates="on")
    refused, allowed = runs()
    assert refused.status == ImportRun.Status.REJECTED
    assert allowed.status == ImportRun.Status.PREVIEWED
    client.post(reverse("imports:apply", args=[allowed.pk]))
    assert len(partners()) == 2


def test_analyst_gets_403_and_portal_users_404(client: Client, analyst, portal_admin_a):
    assert login(client, analyst).get(INDEX).status_code == 403
    content = csv_bytes(["name", "types"], [["A", "reseller"]])
    assert upload(client, "p.csv", content).status_code == 403
    assert login(Client(), portal_admin_a).get(INDEX).status_code == 404
    assert runs() == []


def test_anonymous_users_go_to_log_in(client: Client):
    response = client.get(INDEX)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_users_see_only_their_own_runs(client: Client, manager, admin_user):
    other = make_user(Role.PARTNER_MANAGER)
    content = csv_bytes(["name", "types"], [["Mine", "reseller"]])
    upload(login(client, other), "p.csv", content)
    (run,) = runs()
    login(client, manager)
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 404
    assert client.post(reverse("imports:apply", args=[run.pk])).status_code == 404
    assert run.filename not in client.get(INDEX).content.decode()
    # Admins see every run.
    assert login(Client(), admin_user).get(reverse("imports:run", args=[run.pk])).status_code == 200
    assert partners() == []


def test_entity_the_user_may_not_import_is_refused(client: Client, manager):
    response = upload(login(client, manager), "p.csv", b"name\r\nA\r\n", entity="unicorns")
    assert response.status_code == 200
    assert response.context["form"].errors["entity"]


def test_empty_templates_have_the_headers(client: Client, manager):
    login(client, manager)
    client.cookies["prm_language"] = "ko"
    response = client.get(reverse("imports:template", args=["contacts"]) + "?format=csv")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("파트너,이름,")
    assert "ID" not in header.split(",")


def test_manager_import_cannot_touch_another_owners_partner(client: Client, manager):
    theirs = make_partner(
        name="Theirs", registration_number="1058712345", owner=make_user(Role.PARTNER_MANAGER)
    )
    content = csv_bytes(["사업자등록번호", "상호", "유형"], [["1058712345", "Renamed", "reseller"]])
    login(client, manager)
    page = client.get(upload(client, "p.csv", content)["Location"])
    assert "only its owner or an admin" in page.content.decode()
    assert partner(pk=theirs.pk).name == "Theirs"
