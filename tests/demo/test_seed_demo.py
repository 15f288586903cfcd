"""prm seed-demo and prm demo: the program they build, the log-ins they print, their refusals."""

import re
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.audit.models import AuditAction, AuditEntry
from prm.core import access
from prm.demo.datasets import datasets_dir
from prm.demo.seed import DEMO_PASSWORD
from prm.partners import services
from prm.partners.lifecycle import Stage
from prm.partners.models import Contact, Document, Interaction, Partner, TypeCode
from prm.partners.validators import normalize_brn, normalize_phone
from tests.conftest import make_partner

HANGUL = re.compile(r"[\uac00-\ud7a3]")
LOGIN_LINE = re.compile(r"^\s+(\S+@demo\.prm)\s+(\w+)\s*(.*)$")


def seed(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def partners():
    return access.unrestricted(Partner)


def counts() -> dict[str, int]:
    return {
        "partners": partners().count(),
        "contacts": access.unrestricted(Contact).count(),
        "documents": access.unrestricted(Document).count(),
        "interactions": access.unrestricted(Interaction).count(),
        "users": User.objects.count(),
        "audit": access.unrestricted(AuditEntry).count(),
    }


@pytest.fixture
def seeded(db):
    """The default program, as `prm seed-demo` builds it."""
    return seed()


@pytest.fixture
def small(db):
    """A smaller program built by the same code, for the checks that do not need 200."""
    return seed("--partners", "60")


def test_a_program_of_every_type_and_stage_in_korea_and_abroad(seeded):
    assert partners().count() == 200
    assert set(partners().values_list("types__code", flat=True)) == set(TypeCode.values)
    assert set(partners().values_list("stage", flat=True)) == set(Stage.values)
    assert set(partners().values_list("tier__code", flat=True)) >= {
        "registered",
        "silver",
        "gold",
        "platinum",
    }
    by_country = Counter(partners().values_list("country", flat=True))
    assert by_country["KR"] >= 100
    assert len(by_country) >= 6
    korean_regions = set(partners().filter(country="KR").values_list("region", flat=True))
    assert {"서울", "경기", "부산", "대구", "대전", "광주", "제주"} <= korean_regions
    assert all(HANGUL.search(p.name) for p in partners().filter(country="KR"))
    assert partners().exclude(industry="").count() == 200
    assert partners().filter(tags__isnull=False).distinct().count() > 50
    assert partners().filter(owner__role=Role.PARTNER_MANAGER).count() > 150


def test_distributors_have_resellers_under_them(small):
    children = partners().exclude(parent=None).select_related("parent")
    assert children.count() >= 5
    for child in children:
        assert "distributor" in child.parent.type_codes, child.parent.name
    korean_families = children.filter(country="KR", parent__country="KR")
    assert korean_families.count() >= 2


def test_every_korean_registration_number_passes_the_check_digit(seeded):
    numbers = list(
        partners()
        .filter(country="KR")
        .exclude(registration_number="")
        .values_list("registration_number", flat=True)
    )
    assert len(numbers) >= 100
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert normalize_brn(number) == number


def test_contacts_have_phone_numbers_valid_for_their_country(small):
    contacts = access.unrestricted(Contact).select_related("partner")
    assert contacts.count() >= 100
    assert not partners().filter(contacts__isnull=True).exists()
    for contact in contacts:
        assert contact.phone, contact.name
        assert normalize_phone(contact.phone, contact.partner.country.code) == contact.phone
    korean = contacts.filter(partner__country="KR")
    assert all(HANGUL.search(c.name) for c in korean)
    assert korean.filter(phone__startswith="+8210").exists()  # mobiles
    assert korean.filter(phone__startswith="+822").exists()  # Seoul landlines


def test_documents_are_real_files_some_expired_some_expiring(small):
    documents = access.unrestricted(Document)
    assert documents.count() >= 60
    for document in documents:
        with default_storage.open(document.file.name) as handle:
            content = handle.read()
        assert len(content) == document.size
        if document.content_type == "application/pdf":
            assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
        else:
            assert content.startswith(b"\x89PNG\r\n\x1a\n")
    today = timezone.localdate()
    assert documents.filter(expires_on__lt=today).exists()
    assert documents.filter(expires_on__gte=today, expires_on__lte=today + timedelta(30)).exists()
    assert documents.filter(kind="registration", partner__country="KR").count() >= 15


def test_interactions_are_logged_by_staff_with_contacts(small):
    interactions = access.unrestricted(Interaction).select_related("user", "contact")
    assert interactions.count() >= 100
    assert set(interactions.values_list("kind", flat=True)) == {
        "call",
        "meeting",
        "email",
        "chat",
        "visit",
    }
    for interaction in interactions[:100]:
        assert interaction.user.role == Role.PARTNER_MANAGER
        assert interaction.contact is None or interaction.contact.partner_id == (
            interaction.partner_id
        )
        assert interaction.occurred_at <= timezone.now()


@pytest.mark.skipif(not datasets_dir().is_dir(), reason="the shared data sets are not here")
def test_real_companies_come_from_the_sample_data_sets(seeded):
    exotic = partners().get(name="Exotic Liquids")
    assert exotic.type_codes == ["supplier"]
    assert exotic.country.code == "GB"
    assert exotic.contacts.filter(name="Charlotte Cooper").exists()
    assert partners().filter(external_id__startswith="demo:northwind:").count() == 29
    vendors = partners().filter(external_id__startswith="demo:aw-vendor:")
    assert vendors.count() == 20
    assert all("supplier" in v.type_codes for v in vendors)
    resellers = partners().filter(external_id__startswith="demo:aw-reseller:")
    assert resellers.count() == 30
    assert set(resellers.values_list("types__code", flat=True)) >= {"reseller", "distributor"}


def test_printed_logins_cover_every_role_and_work(small):
    out, _err = small
    printed = [LOGIN_LINE.match(line) for line in out.splitlines()]
    printed = [m.groups() for m in printed if m]
    assert f"password: {DEMO_PASSWORD}" in out
    assert {role for _email, role, _partner in printed} == set(Role.values)
    assert {"admin@demo.prm", "manager@demo.prm", "analyst@demo.prm"} <= {
        email for email, _role, _partner in printed
    }
    portal_partners = {partner.strip() for _e, role, partner in printed if partner.strip()}
    assert len(portal_partners) >= 3
    for email, role, partner in printed:
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.is_active and user.check_password(DEMO_PASSWORD)
        assert (user.partner.name if user.partner else "") == partner.strip()
        client = Client()
        client.force_login(user)
        response = client.get(reverse("accounts:after_login"))
        expected = reverse("portal:home") if user.is_portal_role else reverse("home")
        assert response.status_code == 302 and response.url == expected
        if user.is_portal_role:
            assert user.partner.stage == Stage.ACTIVE
            assert list(access.scope(user, Partner)) == [user.partner]
            assert user.partner.contacts.filter(portal_access=True).exists()


def test_the_seed_is_recorded_in_the_audit_log_as_the_system(small):
    created = access.unrestricted(AuditEntry).filter(
        action=AuditAction.CREATE, content_type__model="partner"
    )
    assert created.count() == 60
    assert set(created.values_list("channel", flat=True)) == {"system"}


def test_a_second_run_without_reset_changes_nothing(small):
    before = counts()
    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert counts() == before


def test_reset_loads_the_same_program_again_and_removes_the_old_files(
    db, django_capture_on_commit_callbacks
):
    seed("--partners", "40", "--seed", "5")
    names = set(partners().values_list("name", flat=True))
    old_files = list(access.unrestricted(Document).values_list("file", flat=True))
    users = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        out, _err = seed("--partners", "40", "--seed", "5", "--reset")
    assert "Removed the previous demo data (40 partners)" in out
    assert set(partners().values_list("name", flat=True)) == names
    assert partners().count() == 40
    assert User.objects.count() == users
    assert not any(default_storage.exists(name) for name in old_files)
    seed("--partners", "40", "--seed", "6", "--reset")
    assert set(partners().values_list("name", flat=True)) != names


def test_refuses_to_mix_with_real_partners(db):
    make_partner(name="Real Customer Partner")
    with pytest.raises(CommandError, match="not demo data"):
        seed("--reset")
    assert partners().count() == 1
    assert not User.objects.filter(email__endswith="@demo.prm").exists()


def test_refuses_a_partner_count_out_of_range(db):
    with pytest.raises(CommandError, match="between 20 and 1000"):
        seed("--partners", "5")
    assert partners().count() == 0


def test_without_the_data_sets_it_uses_invented_companies(db, monkeypatch, tmp_path):
    monkeypatch.setenv("PRM_DATASETS_DIR", str(tmp_path / "missing"))
    _out, err = seed("--partners", "30")
    assert "PRM_DATASETS_DIR" in err
    assert partners().count() == 30
    assert not partners().filter(external_id__startswith="demo:northwind:").exists()
    assert set(partners().values_list("types__code", flat=True)) == set(TypeCode.values)
    assert set(partners().values_list("stage", flat=True)) == set(Stage.values)
    assert partners().exclude(country="KR").exists()


def test_demo_command_seeds_an_empty_database_once_and_prints_the_logins(db):
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out, stderr=StringIO())
    assert partners().count() == 200
    assert "admin@demo.prm" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    before = counts()
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out, stderr=StringIO())
    assert "no demo data loaded" in out.getvalue()
    assert "manager@demo.prm" in out.getvalue()
    assert counts() == before


def test_one_company_is_registered_twice_for_the_merge_demo(small):
    duplicate = partners().get(external_id__startswith="demo:kr-dup:")
    original = partners().get(external_id=duplicate.external_id.replace("kr-dup", "kr"))
    found = services.partner_duplicates(name=duplicate.name, domain=duplicate.domain)
    assert original.pk in [d.partner_id for d in found]
    manager = User.objects.get(email="manager@demo.prm")
    contacts = original.contacts.count() + duplicate.contacts.count()
    services.partner_merge(actor=manager, survivor=original, duplicate=duplicate)
    assert not partners().filter(pk=duplicate.pk).exists()
    assert original.contacts.count() == contacts


@pytest.mark.skipif(not datasets_dir().is_dir(), reason="the shared data sets are not here")
def test_the_default_program_has_the_portal_logins_the_readme_names(seeded):
    out, _err = seeded
    for email, partner in (
        ("gaonict.admin@demo.prm", "가온정보통신"),
        ("gaonict.user@demo.prm", "가온정보통신"),
        ("exoticliquids.admin@demo.prm", "Exotic Liquids"),
        ("exoticliquids.user@demo.prm", "Exotic Liquids"),
    ):
        assert email in out
        assert User.objects.get(email=email).partner.name == partner
