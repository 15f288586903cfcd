"""The Django admin: admins only, every model registered, rows through the access layer,
changes audited."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.audit.context import Channel
from prm.audit.models import AuditAction, AuditEntry
from prm.core import access
from prm.partners.models import Contact, Partner, PortalSettings, Tier
from tests.conftest import login, make_partner


def project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("prm.")]


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_every_model_of_the_project_is_in_the_admin():
    missing = [m._meta.label for m in project_models() if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.parametrize("role", [Role.PARTNER_MANAGER, Role.ANALYST])
def test_only_admins_enter_the_admin(client, role, db):
    from tests.conftest import make_user

    login(client, make_user(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_portal_users_are_sent_to_the_admin_login(client, portal_admin_a):
    login(client, portal_admin_a)
    response = client.get(admin_url(Partner, "changelist"))
    assert response["Location"].startswith(reverse("admin:login"))


def test_every_admin_page_renders_for_an_admin(client, admin_user, populated, portal_user_a):
    PortalSettings.load()
    login(client, admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("prm."):
            continue
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code in (200, 302), model
        if model_admin.has_add_permission(_request(admin_user)):
            assert client.get(admin_url(model, "add")).status_code == 200, model
        obj = model._base_manager.first()
        if obj is not None:
            assert client.get(admin_url(model, "change", obj.pk)).status_code == 200, model


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_partner_changelist_lists_partners(client, admin_user, partner_a, partner_b):
    login(client, admin_user)
    html = client.get(admin_url(Partner, "changelist")).content.decode()
    assert "Alpha Systems" in html and "Bravo Logistics" in html
    html = client.get(admin_url(Partner, "changelist") + "?q=bravo").content.decode()
    assert "Bravo Logistics" in html and "Alpha Systems" not in html


def test_changes_in_the_admin_are_audited_as_web_changes(client, admin_user, populated):
    contact = populated["a"]["contact"]
    login(client, admin_user)
    response = client.post(
        admin_url(Contact, "change", contact.pk),
        {
            "partner": contact.partner_id,
            "name": "Renamed in admin",
            "title": "",
            "email": "c@a.kr",
            "phone": "",
            "roles": ["billing"],
            "external_id": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    contact.refresh_from_db()
    assert (contact.name, contact.roles) == ("Renamed in admin", ["billing"])
    entry = access.unrestricted(AuditEntry).filter(
        action=AuditAction.UPDATE, object_id=str(contact.pk)
    )[0]
    assert (entry.actor_id, entry.channel) == (admin_user.pk, Channel.UI)
    assert entry.changes["name"] == ["Contact a", "Renamed in admin"]


def partner_form(partner, **changes):
    data = {
        "name": partner.name,
        "legal_name": "",
        "registration_number": partner.registration_number,
        "external_id": "",
        "types": ["reseller"],
        "tier": "",
        "stage": partner.stage,
        "owner": partner.owner_id or "",
        "parent": "",
        "country": "KR",
        "region": "",
        "industry": "",
        "website": "",
        "domain": "",
        "notes": "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_the_admin_keeps_the_lifecycle_rules(client, admin_user, partner_a):
    login(client, admin_user)
    url = admin_url(Partner, "change", partner_a.pk)
    response = client.post(url, partner_form(partner_a, stage="active"))
    assert response.status_code == 200
    assert "A partner cannot move from Prospect to Active." in response.content.decode()
    partner_a.refresh_from_db()
    assert partner_a.stage == "prospect"

    response = client.post(url, partner_form(partner_a, stage="candidate", region="Busan"))
    assert response.status_code == 302
    partner_a.refresh_from_db()
    assert (partner_a.stage, partner_a.region) == ("candidate", "Busan")


def test_the_admin_refuses_a_parent_cycle(client, admin_user, partner_a):
    child = make_partner(name="Child Co", parent=partner_a)
    login(client, admin_user)
    response = client.post(
        admin_url(Partner, "change", partner_a.pk), partner_form(partner_a, parent=child.pk)
    )
    assert "A partner cannot be its own ancestor." in response.content.decode()
    partner_a.refresh_from_db()
    assert partner_a.parent_id is None


def test_partner_owners_are_chosen_among_staff_who_may_own(client, admin_user, partner_a):
    login(client, admin_user)
    response = client.get(admin_url(Partner, "change", partner_a.pk))
    owner_choices = response.context["adminform"].form.fields["owner"].queryset
    assert set(owner_choices.values_list("role", flat=True)) <= {
        Role.ADMIN,
        Role.PARTNER_MANAGER,
    }


def test_an_admin_creates_a_portal_user_only_with_a_partner(client, admin_user, partner_a):
    login(client, admin_user)
    data = {
        "email": "New.Person@Example.com",
        "first_name": "New",
        "last_name": "Person",
        "role": Role.PARTNER_USER,
        "partner": "",
        "language": "",
        "usable_password": "false",
    }
    response = client.post(admin_url(User, "add"), data)
    assert response.status_code == 200
    assert "A portal user needs a partner." in response.content.decode()
    assert not User.objects.filter(email__iexact="new.person@example.com").exists()

    response = client.post(admin_url(User, "add"), {**data, "partner": partner_a.pk})
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert (user.role, user.partner_id, user.is_staff) == (Role.PARTNER_USER, partner_a.pk, False)


def test_staff_chosen_in_the_admin_for_portal_fields(client, admin_user, partner_a, portal_user_a):
    """Staff pick the company fields partner admins may edit."""
    settings_row = PortalSettings.load()
    login(client, admin_user)
    assert client.get(admin_url(PortalSettings, "changelist"))["Location"] == admin_url(
        PortalSettings, "change", settings_row.pk
    )
    response = client.post(
        admin_url(PortalSettings, "change", settings_row.pk),
        {"editable_fields": ["website", "legal_name"]},
    )
    assert response.status_code == 302
    assert set(PortalSettings.load().editable_fields) == {"website", "legal_name"}


def test_tiers_are_edited_in_the_admin(client, admin_user):
    tier = Tier.objects.order_by("rank").first()
    login(client, admin_user)
    response = client.post(
        admin_url(Tier, "change", tier.pk),
        {"code": tier.code, "name_ko": tier.name_ko, "name_en": "Entry", "rank": tier.rank},
    )
    assert response.status_code == 302
    tier.refresh_from_db()
    assert tier.name_en == "Entry"


def test_the_audit_log_is_read_only_in_the_admin(client, admin_user, populated):
    entry = access.unrestricted(AuditEntry).first()
    login(client, admin_user)
    response = client.get(admin_url(AuditEntry, "change", entry.pk))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.post(admin_url(AuditEntry, "delete", entry.pk)).status_code == 403


def test_api_tokens_are_revoked_from_the_admin(client, admin_user, manager):
    from prm.accounts import services
    from prm.accounts.models import ApiToken

    token, _raw = services.token_create(actor=manager, user=manager)
    login(client, admin_user)
    response = client.post(
        admin_url(ApiToken, "changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admins_view_as_a_portal_user_from_the_user_list(client, admin_user, portal_user_a):
    login(client, admin_user)
    response = client.post(
        admin_url(User, "changelist"),
        {"action": "view_as_partner", "_selected_action": [portal_user_a.pk]},
    )
    assert response["Location"] == reverse("portal:home")
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="impersonation-banner"' in html
