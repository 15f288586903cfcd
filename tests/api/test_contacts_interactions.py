"""/api/v1/contacts and /api/v1/interactions."""

import pytest

from prm.core import access
from prm.partners.models import Contact, Interaction

pytestmark = pytest.mark.django_db


def contact(pk: int) -> Contact:
    return access.unrestricted(Contact).get(pk=pk)


def test_admin_crud_on_contacts(as_admin, partner_a):
    created = as_admin.post(
        "/contacts",
        {
            "partner": partner_a.pk,
            "name": "김민준",
            "title": "영업 이사",
            "email": "MINJUN@Alpha.kr",
            "phone": "02-2345-6789",
            "roles": ["sales", "primary"],
        },
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["partner"] == partner_a.pk
    assert data["email"] == "minjun@alpha.kr"
    assert data["phone"] == "+82223456789"
    assert data["roles"] == ["sales", "primary"]
    pk = data["id"]
    assert as_admin.get(f"/contacts/{pk}").json()["name"] == "김민준"
    changed = as_admin.patch(f"/contacts/{pk}", {"title": "대표"})
    assert changed.status_code == 200
    assert changed.json()["title"] == "대표"
    assert changed.json()["email"] == "minjun@alpha.kr"
    assert as_admin.delete(f"/contacts/{pk}").status_code == 204
    assert not access.unrestricted(Contact).filter(pk=pk).exists()


def test_manager_manages_contacts_of_owned_partners_only(as_manager, populated):
    own = as_manager.post("/contacts", {"partner": populated["a"]["partner"].pk, "name": "Lee"})
    assert own.status_code == 201
    other = as_manager.post("/contacts", {"partner": populated["b"]["partner"].pk, "name": "Park"})
    assert other.status_code == 403
    b_contact = populated["b"]["contact"]
    assert as_manager.get(f"/contacts/{b_contact.pk}").status_code == 200
    assert as_manager.patch(f"/contacts/{b_contact.pk}", {"name": "X"}).status_code == 403
    assert contact(b_contact.pk).name == "Contact b"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"roles": ["janitor"]}, "roles"),
        ({"partner_id": 1}, "partner_id"),
        ({"name": "n" * 121}, "name"),
    ],
)
def test_bad_contact_values_name_the_field(as_admin, partner_a, change, field):
    response = as_admin.post("/contacts", {"partner": partner_a.pk, "name": "Kim"} | change)
    assert 400 <= response.status_code < 500
    assert response.json()["field"] == field
    assert access.unrestricted(Contact).count() == 0


def test_a_contact_cannot_move_to_another_partner(as_admin, populated):
    pk = populated["a"]["contact"].pk
    response = as_admin.patch(f"/contacts/{pk}", {"partner": populated["b"]["partner"].pk})
    assert response.status_code == 422
    assert response.json()["field"] == "partner"
    assert contact(pk).partner_id == populated["a"]["partner"].pk


def test_portal_user_sees_only_own_contacts(as_portal_user_a, populated):
    listing = as_portal_user_a.get("/contacts").json()
    assert {item["partner"] for item in listing["items"]} == {populated["a"]["partner"].pk}
    assert listing["count"] == 1
    b_contact = populated["b"]["contact"]
    assert as_portal_user_a.get(f"/contacts/{b_contact.pk}").status_code == 404
    assert as_portal_user_a.patch(f"/contacts/{b_contact.pk}", {"name": "X"}).status_code == 404
    assert as_portal_user_a.delete(f"/contacts/{b_contact.pk}").status_code == 404
    assert (
        as_portal_user_a.get("/contacts", {"partner": populated["b"]["partner"].pk}).status_code
        == 422
    )
    assert contact(b_contact.pk).name == "Contact b"


def test_portal_admin_manages_own_contacts_but_not_another_partners(as_portal_admin_a, populated):
    created = as_portal_admin_a.post(
        "/contacts", {"partner": populated["a"]["partner"].pk, "name": "Choi"}
    )
    assert created.status_code == 201
    refused = as_portal_admin_a.post(
        "/contacts", {"partner": populated["b"]["partner"].pk, "name": "Choi"}
    )
    assert refused.status_code == 404
    assert refused.json()["field"] == "partner"
    assert populated["b"]["partner"].contacts.count() == 1


def test_analyst_cannot_change_contacts(as_analyst, populated):
    a_contact = populated["a"]["contact"]
    assert as_analyst.get(f"/contacts/{a_contact.pk}").status_code == 200
    assert as_analyst.patch(f"/contacts/{a_contact.pk}", {"name": "X"}).status_code == 403
    assert as_analyst.delete(f"/contacts/{a_contact.pk}").status_code == 403
    assert (
        as_analyst.post(
            "/contacts", {"partner": populated["a"]["partner"].pk, "name": "X"}
        ).status_code
        == 403
    )
    assert contact(a_contact.pk).name == "Contact a"


# Interactions -------------------------------------------------------------------------


def test_manager_logs_and_changes_interactions(as_manager, manager, populated):
    partner = populated["a"]["partner"]
    created = as_manager.post(
        "/interactions",
        {
            "partner": partner.pk,
            "kind": "meeting",
            "occurred_at": "2025-03-04T10:30:00+09:00",
            "summary": "Quarterly review",
            "contact": populated["a"]["contact"].pk,
        },
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["user"] == manager.pk
    assert data["contact"] == populated["a"]["contact"].pk
    assert data["occurred_at"] == "2025-03-04T01:30:00Z"
    pk = data["id"]
    changed = as_manager.patch(f"/interactions/{pk}", {"summary": "QBR", "contact": None})
    assert changed.status_code == 200
    assert changed.json()["summary"] == "QBR"
    assert changed.json()["contact"] is None
    assert as_manager.delete(f"/interactions/{pk}").status_code == 204


def test_interaction_contact_must_belong_to_the_partner(as_admin, populated):
    response = as_admin.post(
        "/interactions",
        {
            "partner": populated["a"]["partner"].pk,
            "kind": "call",
            "occurred_at": "2025-03-04T10:30:00",
            "summary": "x",
            "contact": populated["b"]["contact"].pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["field"] == "contact"
    assert populated["a"]["partner"].interactions.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "telepathy"}, "kind"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"summary": ""}, "summary"),
        ({"user": 424242}, "user"),
    ],
)
def test_bad_interaction_values_name_the_field(as_admin, partner_a, change, field):
    body = {
        "partner": partner_a.pk,
        "kind": "call",
        "occurred_at": "2025-03-04T10:30:00",
        "summary": "Called",
    }
    response = as_admin.post("/interactions", body | change)
    assert 400 <= response.status_code < 500
    assert response.json()["field"] == field
    assert access.unrestricted(Interaction).count() == 0


def test_interactions_are_staff_only(as_portal_admin_a, populated):
    assert as_portal_admin_a.get("/interactions").json() == {"items": [], "count": 0}
    own = populated["a"]["interaction"]
    assert as_portal_admin_a.get(f"/interactions/{own.pk}").status_code == 404
    response = as_portal_admin_a.post(
        "/interactions",
        {
            "partner": populated["a"]["partner"].pk,
            "kind": "call",
            "occurred_at": "2025-03-04T10:30:00",
            "summary": "x",
        },
    )
    assert response.status_code == 403
    assert populated["a"]["partner"].interactions.count() == 1


def test_analyst_cannot_change_interactions(as_analyst, populated):
    own = populated["a"]["interaction"]
    assert as_analyst.get(f"/interactions/{own.pk}").status_code == 200
    assert as_analyst.patch(f"/interactions/{own.pk}", {"summary": "X"}).status_code == 403
    assert as_analyst.delete(f"/interactions/{own.pk}").status_code == 403
