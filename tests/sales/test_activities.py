"""Activities and notes on a deal: partners log theirs and see the shared ones, never staff
notes; staff mark notes internal or shared. In the services, the portal, the back office and
the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils.translation import activate

from prm.core import access
from prm.core.access import Action
from prm.core.errors import BusinessError
from prm.sales import services
from prm.sales.models import ActivityKind, Deal, DealActivity
from tests.conftest import api_client, login
from tests.sales.conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(portal_user_a, partner_a):
    return register(portal_user_a, partner_a)


@pytest.fixture
def notes(deal, manager):
    """A staff-internal note and a shared one on partner A's deal."""
    internal = services.activity_add(
        actor=manager, deal=deal, kind=ActivityKind.NOTE, text="Margin is thin; push services"
    )
    shared = services.activity_add(
        actor=manager, deal=deal, kind=ActivityKind.CALL, text="Joint call on Monday", shared=True
    )
    return internal, shared


def texts(queryset):
    return set(queryset.values_list("text", flat=True))


# Services and the access layer -----------------------------------------------------------


def test_a_partner_logs_an_activity_on_its_own_deal_and_it_is_shared(deal, portal_user_a):
    activity = services.activity_add(
        actor=portal_user_a, deal=deal, kind=ActivityKind.MEETING, text="Met the CIO"
    )
    assert activity.shared and activity.user == portal_user_a
    assert access.unrestricted(Deal).get(pk=deal.pk).last_progress_at == activity.at


def test_a_partner_never_sets_its_note_internal(deal, portal_user_a):
    activity = services.activity_add(
        actor=portal_user_a, deal=deal, kind=ActivityKind.NOTE, text="Ours", shared=False
    )
    assert activity.shared


def test_partners_see_their_own_and_shared_activities_never_internal_notes(
    deal, notes, portal_user_a, portal_admin_a, manager
):
    services.activity_add(actor=portal_user_a, deal=deal, kind="note", text="Partner note")
    for user in (portal_user_a, portal_admin_a):
        seen = texts(access.scope(user, deal.activities.all()))
        assert "Joint call on Monday" in seen and "Partner note" in seen
        assert "Margin is thin; push services" not in seen
        with pytest.raises(Http404):
            access.get_object(user, DealActivity, Action.VIEW, pk=notes[0].pk)
    assert "Margin is thin; push services" in texts(access.scope(manager, deal.activities.all()))


def test_another_partner_sees_nothing_and_cannot_log_on_the_deal(deal, notes, portal_admin_b):
    assert not access.scope(portal_admin_b, DealActivity).exists()
    with pytest.raises(Http404):
        services.activity_add(actor=portal_admin_b, deal=deal, kind="note", text="Ours now")
    assert access.unrestricted(DealActivity).filter(text="Ours now").count() == 0


def test_staff_share_a_note_and_make_it_internal_again(deal, notes, manager, portal_user_a):
    internal, _shared = notes
    services.activity_share(actor=manager, activity=internal, shared=True)
    assert internal.pk in set(
        access.scope(portal_user_a, DealActivity).values_list("pk", flat=True)
    )
    services.activity_share(actor=manager, activity=internal, shared=False)
    assert not access.scope(portal_user_a, DealActivity).filter(pk=internal.pk).exists()


def test_what_the_partner_wrote_stays_shared(deal, manager, portal_user_a):
    activity = services.activity_add(actor=portal_user_a, deal=deal, kind="note", text="Ours")
    with pytest.raises(BusinessError) as caught:
        services.activity_share(actor=manager, activity=activity, shared=False)
    assert caught.value.field == "shared"
    assert access.unrestricted(DealActivity).get(pk=activity.pk).shared


def test_partners_and_analysts_cannot_change_the_sharing(deal, notes, portal_admin_a, analyst):
    with pytest.raises(PermissionDenied):
        services.activity_share(actor=portal_admin_a, activity=notes[1], shared=False)
    with pytest.raises(PermissionDenied):
        services.activity_share(actor=analyst, activity=notes[0], shared=True)
    with pytest.raises(PermissionDenied):
        services.activity_add(actor=analyst, deal=deal, kind="note", text="x")
    assert not access.unrestricted(DealActivity).get(pk=notes[0].pk).shared


@pytest.mark.parametrize(
    ("kind", "text", "field"), [("note", "  ", "text"), ("stage", "x", "kind")]
)
def test_bad_activities_are_refused_and_nothing_is_stored(deal, portal_user_a, kind, text, field):
    before = access.unrestricted(DealActivity).count()
    with pytest.raises(BusinessError) as caught:
        services.activity_add(actor=portal_user_a, deal=deal, kind=kind, text=text)
    assert caught.value.field == field
    assert access.unrestricted(DealActivity).count() == before


# Portal and back office -------------------------------------------------------------------


def test_the_portal_page_lists_shared_activities_and_takes_a_new_one(
    deal, notes, portal_user_a, client: Client
):
    activate("en")
    login(client, portal_user_a)
    page = client.get(f"/deals/portal/{deal.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Joint call on Monday" in page
    assert "Margin is thin" not in page
    response = client.post(
        f"/deals/portal/{deal.pk}/activities/",
        {"kind": "meeting", "text": "Demo for the customer"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Activity added." in response.content.decode()
    assert access.unrestricted(DealActivity).get(text="Demo for the customer").shared


def test_the_portal_refuses_an_empty_note_with_a_message(deal, portal_user_a, client: Client):
    login(client, portal_user_a)
    before = access.unrestricted(DealActivity).count()
    response = client.post(
        f"/deals/portal/{deal.pk}/activities/",
        {"kind": "note", "text": ""},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Write the note and choose its kind." in response.content.decode()
    assert access.unrestricted(DealActivity).count() == before


def test_another_partners_portal_user_gets_404(deal, portal_admin_b, client: Client):
    login(client, portal_admin_b)
    response = client.post(
        f"/deals/portal/{deal.pk}/activities/", {"kind": "note", "text": "Sneaky"}
    )
    assert response.status_code == 404
    assert not access.unrestricted(DealActivity).filter(text="Sneaky").exists()


def test_staff_add_a_shared_note_and_toggle_it_in_the_back_office(
    deal, manager, portal_user_a, client: Client
):
    login(client, manager)
    client.post(
        f"/deals/{deal.pk}/activities/", {"kind": "note", "text": "Shared plan", "shared": "on"}
    )
    client.post(f"/deals/{deal.pk}/activities/", {"kind": "note", "text": "Internal plan"})
    shared = access.unrestricted(DealActivity).get(text="Shared plan")
    internal = access.unrestricted(DealActivity).get(text="Internal plan")
    assert shared.shared and not internal.shared
    page = client.get(f"/deals/{deal.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Internal plan" in page and "Make internal" in page
    client.post(f"/deals/{deal.pk}/activities/{internal.pk}/share/", {"shared": "1"})
    assert access.unrestricted(DealActivity).get(pk=internal.pk).shared


# API -------------------------------------------------------------------------------------


def test_api_partner_lists_and_posts_activities(deal, notes, portal_user_a):
    client = api_client(portal_user_a)
    url = f"/api/v1/deals/{deal.pk}/activities"
    listing = client.get(url).json()
    assert {a["text"] for a in listing["items"]} == {"Joint call on Monday"}
    response = client.post(
        url, {"kind": "call", "text": "Called procurement"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["shared"] is True and created["by_partner"] is True
    assert client.get(url).json()["count"] == 2


def test_api_partner_may_not_set_sharing_and_bad_input_is_400(deal, portal_user_a):
    client = api_client(portal_user_a)
    url = f"/api/v1/deals/{deal.pk}/activities"
    response = client.post(url, {"text": "x", "shared": False}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "shared"
    response = client.post(url, {"text": "", "kind": "note"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "text"
    response = client.post(url, {"text": "x", "kind": "party"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "kind"
    assert not access.unrestricted(DealActivity).filter(user=portal_user_a, text="x").exists()


def test_api_other_partner_gets_404(deal, notes, portal_admin_b):
    client = api_client(portal_admin_b)
    url = f"/api/v1/deals/{deal.pk}/activities"
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "x"}, content_type="application/json").status_code == 404
    response = client.patch(
        f"{url}/{notes[1].pk}", {"shared": False}, content_type="application/json"
    )
    assert response.status_code == 404


def test_api_staff_post_internal_notes_and_share_them(deal, manager, portal_user_a):
    client = api_client(manager)
    url = f"/api/v1/deals/{deal.pk}/activities"
    created = client.post(url, {"text": "Staff only"}, content_type="application/json").json()
    assert created["shared"] is False
    assert client.get(url).json()["count"] >= 1
    partner = api_client(portal_user_a)
    assert "Staff only" not in {a["text"] for a in partner.get(url).json()["items"]}
    response = client.patch(
        f"{url}/{created['id']}", {"shared": True}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["shared"] is True
    assert "Staff only" in {a["text"] for a in partner.get(url).json()["items"]}
    # The partner cannot flip it back.
    response = partner.patch(
        f"{url}/{created['id']}", {"shared": False}, content_type="application/json"
    )
    assert response.status_code == 403
