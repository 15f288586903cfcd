"""What a partner logs on its deal reaches the staff who answer for the deal, in the app and
by e-mail; what staff log notifies nobody."""

import pytest
from django.test import Client

from prm.accounts.roles import Role
from prm.core import access
from prm.core.errors import BusinessError
from prm.notifications.models import Notification
from prm.sales import services
from prm.sales.models import ActivityKind, Deal
from tests.conftest import api_client, login, make_user
from tests.sales.conftest import register

pytestmark = pytest.mark.django_db

LOGGED = "logged an activity"


@pytest.fixture
def deal(portal_user_a, partner_a):
    return register(portal_user_a, partner_a, title="Hanbit ERP")


@pytest.fixture
def deal_owner(deal):
    """A staff member who owns the deal (partner A's owner is another manager)."""
    owner = make_user(Role.PARTNER_MANAGER)
    access.unrestricted(Deal).filter(pk=deal.pk).update(owner=owner)
    return owner


def activity_notes():
    return access.unrestricted(Notification).filter(title__contains=LOGGED)


def test_the_deals_owner_is_told_in_the_app_and_by_e_mail(
    deal, deal_owner, manager, portal_user_a, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_add(
            actor=portal_user_a, deal=deal, kind=ActivityKind.MEETING, text="Met the CIO"
        )
    note = activity_notes().get()
    assert note.user == deal_owner  # not the partner's owner as well
    assert note.title == "Alpha Systems logged an activity on “Hanbit ERP”"
    assert note.body == f"Meeting by {portal_user_a}:\nMet the CIO"
    assert note.url == f"/deals/{deal.pk}/"
    assert [m.to for m in mailoutbox] == [[deal_owner.email]]
    assert "Met the CIO" in mailoutbox[0].body and f"/deals/{deal.pk}/" in mailoutbox[0].body


def test_without_a_deal_owner_the_partners_owner_is_told(
    deal, manager, portal_user_a, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_add(actor=portal_user_a, deal=deal, kind="call", text="Called them")
    assert activity_notes().get().user == manager
    assert [m.to for m in mailoutbox] == [[manager.email]]


def test_an_inactive_deal_owner_is_passed_for_the_partners_owner(
    deal, deal_owner, manager, portal_user_a
):
    deal_owner.is_active = False
    deal_owner.save()
    services.activity_add(actor=portal_user_a, deal=deal, kind="note", text="Any news?")
    assert activity_notes().get().user == manager


def test_with_no_owner_at_all_the_admins_are_told(deal, partner_a, portal_user_a, admin_user):
    partner_a.owner = None
    partner_a.save()
    services.activity_add(actor=portal_user_a, deal=deal, kind="note", text="Anyone there?")
    assert activity_notes().get().user == admin_user


def test_staff_activities_notify_nobody(
    deal, deal_owner, manager, admin_user, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_add(actor=manager, deal=deal, kind="note", text="Internal")
        services.activity_add(actor=admin_user, deal=deal, kind="call", text="Shared", shared=True)
    assert not activity_notes().exists()
    assert mailoutbox == []


def test_a_refused_activity_notifies_nobody(deal, deal_owner, portal_user_a):
    with pytest.raises(BusinessError):
        services.activity_add(actor=portal_user_a, deal=deal, kind="note", text="  ")
    assert not activity_notes().exists()


def test_an_activity_from_the_portal_notifies_the_owner(
    deal, deal_owner, portal_user_a, client: Client
):
    login(client, portal_user_a)
    client.post(
        f"/deals/portal/{deal.pk}/activities/",
        {"kind": "meeting", "text": "Demo for the customer"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    note = activity_notes().get()
    assert note.user == deal_owner and "Demo for the customer" in note.body


def test_an_activity_from_the_api_notifies_the_owner(deal, deal_owner, portal_admin_a):
    response = api_client(portal_admin_a).post(
        f"/api/v1/deals/{deal.pk}/activities",
        {"kind": "call", "text": "Called procurement"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    note = activity_notes().get()
    assert note.user == deal_owner and "Called procurement" in note.body


def test_the_owner_reads_it_in_their_own_language(deal, deal_owner, portal_user_a):
    deal_owner.language = "ko"
    deal_owner.save()
    services.activity_add(actor=portal_user_a, deal=deal, kind="meeting", text="Met the CIO")
    note = access.unrestricted(Notification).get(user=deal_owner)
    assert note.body.startswith("미팅")  # the kind of activity, in Korean
