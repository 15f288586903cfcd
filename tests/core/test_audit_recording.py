from prm.audit.context import Channel, acting
from prm.audit.models import AuditAction, AuditEntry
from prm.core import access
from prm.partners.models import Contact, Partner
from tests.conftest import make_partner


def entries(**filters):
    return list(access.unrestricted(AuditEntry).filter(**filters).order_by("id"))


def test_a_save_records_actor_channel_and_field_changes(db, manager):
    partner = make_partner(name="Before")
    with acting(manager, Channel.CLI):
        partner.name = "After"
        partner.save()
    entry = entries(action=AuditAction.UPDATE, object_id=str(partner.pk))[-1]
    assert entry.actor == manager
    assert entry.channel == "cli"
    assert entry.changes["name"] == ["Before", "After"]
    assert entry.partner_id == partner.pk


def test_a_save_without_changes_records_nothing(db):
    partner = make_partner()
    count = len(entries())
    partner.save()
    assert len(entries()) == count


def test_bulk_update_is_recorded_per_row(db, admin_user):
    first, second = make_partner(), make_partner()
    with acting(admin_user, Channel.JOB):
        access.unrestricted(Partner).filter(pk__in=[first.pk, second.pk]).update(region="제주")
    updates = entries(action=AuditAction.UPDATE, changes__has_key="region")
    assert {e.object_id for e in updates} == {str(first.pk), str(second.pk)}
    assert all(e.changes["region"] == ["", "제주"] and e.channel == "job" for e in updates)


def test_bulk_update_records_one_entry_per_changed_row(db, admin_user):
    first, second = make_partner(region="서울"), make_partner(region="부산")
    first.region, second.region = "제주", "부산"
    with acting(admin_user, Channel.JOB):
        access.unrestricted(Partner).bulk_update([first, second], ["region"])
    updates = entries(action=AuditAction.UPDATE, changes__has_key="region")
    assert [(e.object_id, e.changes["region"]) for e in updates] == [
        (str(first.pk), ["서울", "제주"])
    ]


def test_bulk_create_and_queryset_delete_are_recorded(db):
    partner = make_partner()
    created = Contact.objects.bulk_create(
        [Contact(partner=partner, name=f"C{i}") for i in range(3)]
    )
    creates = entries(action=AuditAction.CREATE, content_type__model="contact")
    assert len(creates) == len(created) == 3
    access.unrestricted(Contact).filter(partner=partner).delete()
    deletes = entries(action=AuditAction.DELETE, content_type__model="contact")
    assert len(deletes) == 3
    assert deletes[0].changes["name"][1] is None


def test_many_to_many_changes_are_recorded(db):
    partner = make_partner(types=["reseller"])
    partner.types.add("supplier")
    entry = entries(action=AuditAction.UPDATE, changes__has_key="types")[-1]
    assert entry.changes["types"] == [["reseller"], ["reseller", "supplier"]]


def test_passwords_are_never_written_to_the_log(db, manager):
    manager.set_password("another secret phrase")
    manager.save()
    entry = entries(object_id=str(manager.pk), content_type__model="user")[-1]
    assert "another secret phrase" not in str(entry.changes)


def test_a_log_in_is_recorded(client, manager):
    response = client.post(
        "/accounts/login/", {"username": manager.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    entry = entries(action=AuditAction.LOGIN)[-1]
    assert entry.actor == manager
    assert entry.object_id == str(manager.pk)
