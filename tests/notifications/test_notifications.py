from collections import defaultdict

from django.core import mail

from prm.core import access, events
from prm.core.events import EVENTS, emit, subscribe
from prm.notifications.models import Notification
from prm.notifications.services import notify
from tests.conftest import login


def test_notify_stores_one_per_user_and_mails_after_commit(
    django_capture_on_commit_callbacks, manager, portal_user_a
):
    with django_capture_on_commit_callbacks(execute=True):
        created = notify([manager, portal_user_a, manager], title="Deal approved", url="/portal/")
    assert len(created) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, portal_user_a.email])


def test_titles_are_rendered_in_each_recipients_language(portal_user_a):
    from django.utils.translation import gettext_lazy as _

    portal_user_a.language = "ko"
    portal_user_a.save()
    note = notify([portal_user_a], title=_("Partners"), email=False)[0]
    assert note.title == "파트너"


def test_a_user_sees_and_opens_only_their_own(client, manager, portal_user_a):
    mine = notify([portal_user_a], title="Yours", url="/portal/", email=False)[0]
    other = notify([manager], title="Not yours", email=False)[0]
    login(client, portal_user_a)
    page = client.get("/notifications/")
    assert "Yours" in page.content.decode()
    assert "Not yours" not in page.content.decode()
    assert client.post(f"/notifications/{other.pk}/open/").status_code == 404
    response = client.post(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302 and response.url == "/portal/"
    assert access.unrestricted(Notification).get(pk=mine.pk).read_at is not None
    assert access.unrestricted(Notification).get(pk=other.pk).read_at is None


def test_links_outside_prm_are_not_followed(client, manager):
    note = notify([manager], title="x", url="https://evil.example.com/", email=False)[0]
    login(client, manager)
    response = client.post(f"/notifications/{note.pk}/open/")
    assert response.url == "/notifications/"


def test_the_bell_counts_unread(client, manager):
    notify([manager], title="One", email=False)
    notify([manager], title="Two", email=False)
    login(client, manager)
    assert 'data-testid="notification-bell"' in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    assert access.scope(manager, Notification).filter(read_at__isnull=True).count() == 0


def test_events_run_subscribers_only_after_commit(
    django_capture_on_commit_callbacks, db, monkeypatch
):
    seen = []
    monkeypatch.setitem(EVENTS, "test.happened", ("thing_id",))
    monkeypatch.setattr(events, "_subscribers", defaultdict(list))

    @subscribe("test.happened")
    def remember(thing_id):
        seen.append(thing_id)

    with django_capture_on_commit_callbacks(execute=True):
        emit("test.happened", thing_id=7)
        assert seen == []
    assert seen == [7]
