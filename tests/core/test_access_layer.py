import pytest

from prm.core import access
from prm.core.access import Action
from prm.core.errors import UnscopedQueryError
from prm.partners.models import Contact, Partner


def test_partner_rows_cannot_be_read_without_the_access_layer(partner_a):
    with pytest.raises(UnscopedQueryError):
        list(Partner.objects.all())
    with pytest.raises(UnscopedQueryError):
        Partner.objects.get(pk=partner_a.pk)
    with pytest.raises(UnscopedQueryError):
        Partner.objects.filter(pk=partner_a.pk).update(region="x")


def test_rows_reached_from_an_object_in_hand_need_no_second_check(populated):
    partner = populated["a"]["partner"]
    assert [c.name for c in partner.contacts.all()] == ["Contact a"]


def test_portal_user_sees_only_its_own_partner(populated, portal_user_a):
    assert list(access.scope(portal_user_a, Partner)) == [populated["a"]["partner"]]
    assert list(access.scope(portal_user_a, Contact)) == [populated["a"]["contact"]]


def test_manager_changes_only_owned_partners(populated, manager):
    assert access.scope(manager, Partner).count() == 2
    assert list(access.scope(manager, Partner, Action.CHANGE)) == [populated["a"]["partner"]]


def test_analyst_reads_everything_and_changes_nothing(populated, analyst):
    assert access.scope(analyst, Partner).count() == 2
    for action in (Action.ADD, Action.CHANGE, Action.DELETE):
        assert access.scope(analyst, Partner, action).count() == 0
