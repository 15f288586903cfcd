import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from prm.audit.models import AuditAction, AuditEntry
from prm.core import access
from prm.core.errors import BusinessError
from prm.partners import services
from prm.partners.models import Contact, Partner
from tests.conftest import make_partner


def _partners():
    return access.unrestricted(Partner)


def test_manager_creates_a_partner_they_own(manager):
    partner = services.partner_create(
        actor=manager,
        data={"name": "(주)새빛테크", "registration_number": "220-81-62517"},
        types=["reseller", "technology"],
        tags=["cloud", "Seoul "],
    )
    assert partner.owner == manager
    assert partner.registration_number == "2208162517"
    assert partner.type_codes == ["reseller", "technology"]
    assert sorted(t.name for t in partner.tags.all()) == ["Seoul", "cloud"]


def test_an_invalid_registration_number_creates_nothing(manager):
    with pytest.raises(ValidationError) as exc:
        services.partner_create(
            actor=manager,
            data={"name": "Broken", "registration_number": "220-81-62518"},
            types=["reseller"],
        )
    assert "registration_number" in exc.value.message_dict
    assert not _partners().filter(name="Broken").exists()


def test_unknown_types_are_refused(manager):
    with pytest.raises(BusinessError) as exc:
        services.partner_create(actor=manager, data={"name": "X"}, types=["wizard"])
    assert exc.value.field == "types"
    assert not _partners().filter(name="X").exists()


@pytest.mark.parametrize(
    "existing, new",
    [
        ({"name": "(주)한빛소프트"}, {"name": "한빛소프트 주식회사"}),
        ({"name": "(주)한빛소프트"}, {"name": "㈜ 한빛소프트"}),
        ({"name": "Hanbit Soft Co., Ltd."}, {"name": "Hanbit Soft Inc."}),
        (
            {"name": "Alpha", "registration_number": "2208162517"},
            {"name": "Totally Different", "registration_number": "220-81-62517"},
        ),
        ({"name": "Alpha", "domain": "alpha.co.kr"}, {"name": "Beta", "domain": "www.alpha.co.kr"}),
        ({"name": "Hanbit Software Korea"}, {"name": "Hanbit Softwares Korea"}),
    ],
)
def test_duplicates_are_refused_unless_confirmed(manager, existing, new):
    first = make_partner(**existing)
    with pytest.raises(BusinessError) as exc:
        services.partner_create(actor=manager, data=dict(new), types=["reseller"])
    assert exc.value.status == 409
    assert exc.value.details["duplicates"] == [first.pk]
    if "registration_number" in new:
        return  # the same number cannot be stored twice
    confirmed = services.partner_create(
        actor=manager, data=dict(new), types=["reseller"], allow_duplicate=True
    )
    assert confirmed.pk != first.pk


def test_analyst_and_portal_users_cannot_create_partners(analyst, portal_admin_a):
    for user in (analyst, portal_admin_a):
        with pytest.raises(PermissionDenied):
            services.partner_create(actor=user, data={"name": "Nope"}, types=["reseller"])


def test_stage_moves_only_along_the_lifecycle(manager, partner_a):
    services.partner_change_stage(actor=manager, partner=partner_a, stage="candidate")
    with pytest.raises(BusinessError) as exc:
        services.partner_change_stage(actor=manager, partner=partner_a, stage="suspended")
    assert exc.value.code == "stage_transition"
    partner_a.refresh_from_db()
    assert partner_a.stage == "candidate"


def test_manager_cannot_change_a_partner_owned_by_someone_else(manager, partner_b):
    with pytest.raises(PermissionDenied):
        services.partner_update(actor=manager, partner=partner_b, data={"region": "부산"})


def test_portal_admin_edits_only_the_fields_staff_opened(portal_admin_a, partner_a):
    services.partner_update(
        actor=portal_admin_a, partner=partner_a, data={"website": "https://a.kr"}
    )
    with pytest.raises(BusinessError):
        services.partner_update(actor=portal_admin_a, partner=partner_a, data={"stage": "active"})
    partner_a.refresh_from_db()
    assert partner_a.website == "https://a.kr"
    assert partner_a.stage == "prospect"


def test_portal_user_of_another_partner_gets_not_found(portal_admin_b, partner_a):
    with pytest.raises(Http404):
        services.partner_update(
            actor=portal_admin_b, partner=partner_a, data={"website": "https://x.kr"}
        )


def test_merge_moves_everything_and_is_audited(admin_user, populated):
    survivor, duplicate = populated["a"]["partner"], populated["b"]["partner"]
    duplicate.industry = "물류"
    duplicate.save()
    duplicate_pk = duplicate.pk
    merged = services.partner_merge(actor=admin_user, survivor=survivor, duplicate=duplicate)
    assert not _partners().filter(pk=duplicate_pk).exists()
    assert sorted(c.name for c in merged.contacts.all()) == ["Contact a", "Contact b"]
    assert merged.documents.count() == 2
    assert merged.interactions.count() == 2
    assert merged.industry == "물류"
    history = access.unrestricted(AuditEntry).filter(partner_id=survivor.pk)
    assert history.filter(action=AuditAction.MERGE).count() == 1
    assert not access.unrestricted(AuditEntry).filter(partner_id=duplicate_pk).exists()


def test_contact_phone_is_validated_for_the_partner_country(manager, partner_a):
    with pytest.raises(ValidationError) as exc:
        services.contact_create(
            actor=manager, partner=partner_a, data={"name": "Kim", "phone": "12"}
        )
    assert "phone" in exc.value.message_dict
    contact = services.contact_create(
        actor=manager,
        partner=partner_a,
        data={"name": "Kim", "phone": "010-2345-6789", "roles": ["sales"]},
    )
    assert contact.phone == "+821023456789"


def test_partner_user_reads_contacts_but_cannot_add(portal_user_a, portal_admin_a, partner_a):
    with pytest.raises(PermissionDenied):
        services.contact_create(actor=portal_user_a, partner=partner_a, data={"name": "Lee"})
    contact = services.contact_create(actor=portal_admin_a, partner=partner_a, data={"name": "Lee"})
    assert contact.partner == partner_a


def test_portal_admin_cannot_add_contacts_to_another_partner(portal_admin_a, partner_b):
    with pytest.raises(Http404):
        services.contact_create(actor=portal_admin_a, partner=partner_b, data={"name": "Lee"})
    assert not access.unrestricted(Contact).filter(name="Lee").exists()


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("virus.exe", b"MZ....", "file_type"),
        ("fake.pdf", b"not a pdf at all", "file_type"),
        ("empty.pdf", b"", "invalid"),
    ],
)
def test_document_uploads_are_checked(manager, partner_a, name, content, code):
    with pytest.raises(BusinessError) as exc:
        services.document_upload(
            actor=manager, partner=partner_a, upload=SimpleUploadedFile(name, content)
        )
    assert exc.value.code == code
    assert partner_a.documents.count() == 0


def test_a_document_over_the_size_limit_is_refused(manager, partner_a, settings):
    settings.PRM_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(BusinessError) as exc:
        services.document_upload(actor=manager, partner=partner_a, upload=upload)
    assert exc.value.status == 413


def test_a_valid_document_is_stored(portal_admin_a, partner_a):
    document = services.document_upload(
        actor=portal_admin_a,
        partner=partner_a,
        upload=SimpleUploadedFile("사업자등록증.pdf", b"%PDF-1.7\n"),
        kind="registration",
    )
    assert document.content_type == "application/pdf"
    assert document.filename == "사업자등록증.pdf"
    assert document.uploaded_by == portal_admin_a
