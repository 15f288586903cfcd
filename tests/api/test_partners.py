"""/api/v1/partners: create, read, change, delete, with the registry's rules."""

import pytest

from prm.audit.models import AuditEntry
from prm.core import access
from prm.partners.models import Partner
from prm.partners.validators import brn_check_digit
from tests.api.conftest import api_for
from tests.conftest import make_partner, make_user

pytestmark = pytest.mark.django_db


def valid_brn(first_nine: str) -> str:
    return first_nine + str(brn_check_digit(first_nine))


def partner_count() -> int:
    return access.unrestricted(Partner).count()


def stored(pk: int) -> Partner:
    return access.unrestricted(Partner).get(pk=pk)


NEW = {
    "name": "한빛소프트",
    "legal_name": "(주)한빛소프트",
    "registration_number": "",
    "types": ["reseller", "technology"],
    "tier": "gold",
    "country": "kr",
    "region": "Seoul",
    "industry": "Software",
    "website": "https://www.hanbit.example.com",
    "domain": "hanbit.example.com",
    "tags": ["cloud", "priority"],
    "notes": "Met at the expo.",
}


def test_admin_creates_reads_changes_and_deletes_a_partner(as_admin, manager):
    body = {**NEW, "registration_number": valid_brn("105870101"), "owner": manager.pk}
    created = as_admin.post("/partners", body)
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["name"] == "한빛소프트"
    assert data["registration_number"] == body["registration_number"]
    assert data["types"] == ["reseller", "technology"]
    assert data["tier"] == "gold"
    assert data["country"] == "KR"
    assert data["domain"] == "hanbit.example.com"
    assert data["owner"] == manager.pk
    assert data["tags"] == ["cloud", "priority"]
    assert data["stage"] == "prospect"
    pk = data["id"]

    read = as_admin.get(f"/partners/{pk}")
    assert read.status_code == 200
    assert read.json() == data | {"updated_at": read.json()["updated_at"]}

    changed = as_admin.patch(f"/partners/{pk}", {"stage": "candidate", "tags": ["cloud"]})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["stage"] == "candidate"
    assert changed.json()["tags"] == ["cloud"]
    # Fields not sent are left alone.
    assert changed.json()["industry"] == "Software"
    assert changed.json()["types"] == ["reseller", "technology"]

    deleted = as_admin.delete(f"/partners/{pk}")
    assert deleted.status_code == 204
    assert as_admin.get(f"/partners/{pk}").status_code == 404
    assert not access.unrestricted(Partner).filter(pk=pk).exists()


def test_manager_creates_a_partner_owned_by_themselves(as_manager, manager):
    response = as_manager.post("/partners", {"name": "Cobalt Trading", "types": ["supplier"]})
    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == manager.pk
    pk = response.json()["id"]
    assert as_manager.patch(f"/partners/{pk}", {"region": "Busan"}).json()["region"] == "Busan"
    assert as_manager.delete(f"/partners/{pk}").status_code == 204


def test_manager_reads_but_cannot_change_a_partner_owned_by_someone_else(as_manager, partner_b):
    assert as_manager.get(f"/partners/{partner_b.pk}").status_code == 200
    response = as_manager.patch(f"/partners/{partner_b.pk}", {"region": "Daegu"})
    assert response.status_code == 403
    assert response.json()["detail"]
    assert as_manager.delete(f"/partners/{partner_b.pk}").status_code == 403
    assert stored(partner_b.pk).region == ""


def test_manager_cannot_create_a_partner_for_another_owner(as_manager, admin_user):
    response = as_manager.post(
        "/partners", {"name": "Delta", "types": ["oem"], "owner": admin_user.pk}
    )
    assert response.status_code == 403
    assert response.json()["field"] == "owner"
    assert partner_count() == 0


def test_looks_like_an_existing_partner_answers_409_with_the_duplicates(as_admin):
    existing = make_partner(name="(주)한빛소프트", domain="hanbit.co.kr")
    before = partner_count()
    response = as_admin.post("/partners", {"name": "한빛소프트 주식회사", "types": ["reseller"]})
    assert response.status_code == 409
    body = response.json()
    assert body["detail"]
    assert body["duplicates"] == [existing.pk]
    by_domain = as_admin.post(
        "/partners", {"name": "Totally Different", "domain": "sales@hanbit.co.kr", "types": ["oem"]}
    )
    assert by_domain.status_code == 409
    assert by_domain.json()["duplicates"] == [existing.pk]
    assert partner_count() == before

    confirmed = as_admin.post(
        "/partners",
        {"name": "한빛소프트 주식회사", "types": ["reseller"], "allow_duplicate": True},
    )
    assert confirmed.status_code == 201
    assert partner_count() == before + 1


def test_same_registration_number_is_a_duplicate(as_admin, partner_a):
    response = as_admin.post(
        "/partners",
        {"name": "Other Name", "registration_number": "220-81-62517", "types": ["reseller"]},
    )
    assert response.status_code == 409
    assert response.json()["duplicates"] == [partner_a.pk]


def test_unknown_field_is_refused_with_its_name(as_admin):
    response = as_admin.post("/partners", {"name": "Echo", "types": ["reseller"], "revenue": 1000})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "revenue"
    assert "revenue" in body["errors"]
    assert partner_count() == 0


def test_unknown_field_in_a_patch_is_refused(as_admin, partner_a):
    response = as_admin.patch(f"/partners/{partner_a.pk}", {"name": "X", "colour": "red"})
    assert response.status_code == 422
    assert response.json()["field"] == "colour"
    assert stored(partner_a.pk).name == "Alpha Systems"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"registration_number": "220-81-62518"}, "registration_number"),
        ({"registration_number": "12345"}, "registration_number"),
        ({"types": ["reseller", "wholesaler"]}, "types"),
        ({"types": []}, "types"),
        ({"domain": "not a domain"}, "domain"),
        ({"name": "N" * 201}, "name"),
        ({"name": ""}, "name"),
        ({"website": "ftp//nope"}, "website"),
        ({"country": "ZZ"}, "country"),
        ({"tier": "diamond"}, "tier"),
        ({"stage": "legendary"}, "stage"),
        ({"parent": 987654}, "parent"),
        ({"owner": 987654}, "owner"),
        ({"name": "nul\u0000byte"}, "name"),
        ({"types": "reseller"}, "types"),
    ],
)
def test_bad_values_answer_4xx_naming_the_field_and_change_nothing(as_admin, change, field):
    before = access.unrestricted(AuditEntry).count()
    response = as_admin.post("/partners", {"name": "Foxtrot", "types": ["reseller"]} | change)
    assert 400 <= response.status_code < 500
    body = response.json()
    assert body["field"] == field, body
    assert body["detail"]
    assert partner_count() == 0
    assert access.unrestricted(AuditEntry).count() == before


def test_invalid_registration_number_message_names_the_check_digit(as_admin):
    response = as_admin.post(
        "/partners",
        {"name": "Golf", "types": ["reseller"], "registration_number": "220-81-62518"},
    )
    assert response.status_code == 422
    assert "check digit" in response.json()["detail"]


def test_stage_moves_only_along_allowed_transitions(as_admin, partner_a):
    response = as_admin.patch(f"/partners/{partner_a.pk}", {"stage": "active"})
    assert response.status_code == 400
    assert response.json()["code"] == "stage_transition"
    assert response.json()["field"] == "stage"
    assert stored(partner_a.pk).stage == "prospect"
    for stage in ("candidate", "onboarding", "active", "suspended"):
        response = as_admin.patch(f"/partners/{partner_a.pk}", {"stage": stage})
        assert response.status_code == 200, response.json()
    assert stored(partner_a.pk).stage == "suspended"


def test_patch_can_clear_nullable_fields_but_not_required_ones(as_admin, partner_a, tiers):
    as_admin.patch(f"/partners/{partner_a.pk}", {"tier": "silver", "parent": None})
    assert stored(partner_a.pk).tier.code == "silver"
    cleared = as_admin.patch(f"/partners/{partner_a.pk}", {"tier": None, "owner": None})
    assert cleared.status_code == 200
    assert cleared.json()["tier"] is None
    assert cleared.json()["owner"] is None
    refused = as_admin.patch(f"/partners/{partner_a.pk}", {"name": None})
    assert refused.status_code == 422
    assert refused.json()["field"] == "name"
    assert stored(partner_a.pk).name == "Alpha Systems"


def test_parent_is_set_by_id_and_cycles_are_refused(as_admin, partner_a, partner_b):
    response = as_admin.patch(f"/partners/{partner_b.pk}", {"parent": partner_a.pk})
    assert response.status_code == 200
    assert response.json()["parent"] == partner_a.pk
    cycle = as_admin.patch(f"/partners/{partner_a.pk}", {"parent": partner_b.pk})
    assert cycle.status_code == 400
    assert cycle.json()["field"] == "parent"
    assert stored(partner_a.pk).parent_id is None


def test_malformed_json_answers_400_json(as_admin):
    response = as_admin.client.post(
        "/api/v1/partners", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_a_body_that_is_not_an_object_answers_422(as_admin, partner_a):
    response = as_admin.patch(f"/partners/{partner_a.pk}", ["stage", "active"])
    assert response.status_code == 422
    assert response.json()["detail"]
    missing = as_admin.client.patch(f"/api/v1/partners/{partner_a.pk}")
    assert missing.status_code == 422


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "99999999999999999999999"])
def test_ids_that_are_not_ids_answer_json_not_500(as_admin, pk):
    response = as_admin.get(f"/partners/{pk}")
    assert response.status_code in (404, 422)
    assert response.json()["detail"]


def test_analyst_reads_but_changes_nothing(as_analyst, partner_a):
    assert as_analyst.get(f"/partners/{partner_a.pk}").status_code == 200
    assert as_analyst.post("/partners", {"name": "Hotel", "types": ["oem"]}).status_code == 403
    assert as_analyst.patch(f"/partners/{partner_a.pk}", {"region": "X"}).status_code == 403
    assert as_analyst.delete(f"/partners/{partner_a.pk}").status_code == 403
    assert stored(partner_a.pk).region == ""
    assert partner_count() == 1


def test_portal_user_sees_only_its_own_partner(as_portal_user_a, partner_a, partner_b):
    listing = as_portal_user_a.get("/partners")
    assert [item["id"] for item in listing.json()["items"]] == [partner_a.pk]
    assert listing.json()["count"] == 1
    assert as_portal_user_a.get(f"/partners/{partner_a.pk}").status_code == 200
    for response in (
        as_portal_user_a.get(f"/partners/{partner_b.pk}"),
        as_portal_user_a.patch(f"/partners/{partner_b.pk}", {"region": "X"}),
        as_portal_user_a.delete(f"/partners/{partner_b.pk}"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert stored(partner_b.pk).region == ""


def test_portal_user_cannot_create_or_change_partners(as_portal_user_a, partner_a):
    assert (
        as_portal_user_a.post("/partners", {"name": "India", "types": ["oem"]}).status_code == 403
    )
    assert as_portal_user_a.patch(f"/partners/{partner_a.pk}", {"region": "X"}).status_code == 403
    assert stored(partner_a.pk).region == ""


def test_portal_admin_changes_only_the_fields_staff_opened(as_portal_admin_a, partner_a):
    opened = as_portal_admin_a.patch(f"/partners/{partner_a.pk}", {"website": "https://alpha.kr"})
    assert opened.status_code == 200, opened.json()
    assert opened.json()["website"] == "https://alpha.kr"
    closed = as_portal_admin_a.patch(f"/partners/{partner_a.pk}", {"name": "Renamed"})
    assert closed.status_code == 400
    assert stored(partner_a.pk).name == "Alpha Systems"
    assert as_portal_admin_a.delete(f"/partners/{partner_a.pk}").status_code == 403


def test_a_parent_the_caller_cannot_see_is_unknown(partner_a, partner_b):
    portal_admin = make_user("partner_admin", partner_a)
    response = api_for(portal_admin).patch(f"/partners/{partner_a.pk}", {"parent": partner_b.pk})
    assert response.status_code in (400, 404)
    assert stored(partner_a.pk).parent_id is None
