from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from prm.core import access
from prm.core.errors import BusinessError
from prm.core.events import subscribe
from prm.notifications.models import Notification
from prm.sales import conflicts, selectors, services
from prm.sales.models import (
    Account,
    ConflictReason,
    Deal,
    DealConflict,
    DealRules,
    DealStatus,
    LaterRegistration,
    PipelineStage,
    ProductCategory,
)
from tests.conftest import make_user
from tests.sales.conftest import register

pytestmark = pytest.mark.django_db


def deals():
    return access.unrestricted(Deal)


def test_reference_data_is_seeded():
    assert set(ProductCategory.objects.values_list("code", flat=True)) >= {
        "software",
        "hardware",
        "services",
        "support",
    }
    stages = list(PipelineStage.objects.values_list("code", flat=True))
    assert stages == ["registered", "qualified", "proposal", "negotiation", "won", "lost"]
    assert DealRules.load().protection_days == 90


def test_registration_creates_account_and_stores_utc(portal_user_a, partner_a):
    deal = register(portal_user_a, partner_a, contact_name="김철수")
    assert deal.status == DealStatus.SUBMITTED
    assert deal.stage.code == "registered"
    assert deal.account.name == "(주)한빛소프트"
    assert deal.account.domain == "hanbit.co.kr"
    assert deal.registered_at.utcoffset() == timedelta(0)
    assert deal.title.startswith("(주)한빛소프트")
    assert not deal.has_conflict


def test_second_registration_reuses_account_by_domain_and_conflicts(
    portal_user_a, partner_a, portal_admin_b, partner_b
):
    software = ProductCategory.objects.get(code="software")
    first = register(portal_user_a, partner_a, product_category=software)
    second = register(
        portal_admin_b, partner_b, name="한빛소프트 주식회사", product_category=software
    )
    assert second.account_id == first.account_id
    assert second.status == DealStatus.UNDER_REVIEW
    assert second.has_conflict
    found = access.unrestricted(DealConflict).get(deal=second)
    assert found.conflicting_deal_id == first.pk
    assert found.reason == ConflictReason.DOMAIN
    assert found.score == Decimal("100")
    assert found.product_line_match
    # The first one does not conflict with a later one.
    assert not access.unrestricted(DealConflict).filter(deal=first).exists()


def test_name_only_and_fuzzy_matches(portal_user_a, partner_a, portal_admin_b, partner_b):
    register(portal_user_a, partner_a, name="Hanbit Software Co., Ltd.", domain="")
    second = register(portal_admin_b, partner_b, name="HANBIT SOFTWARE Inc", domain="")
    assert access.unrestricted(DealConflict).get(deal=second).reason == ConflictReason.NAME
    third = register(portal_admin_b, partner_b, name="Hanbit Softwares", domain="other.kr")
    conflict = access.unrestricted(DealConflict).filter(deal=third).first()
    assert conflict is not None and 88 <= conflict.score < 100


def test_alias_matches(portal_user_a, partner_a, portal_admin_b, partner_b):
    deal = register(portal_user_a, partner_a, name="한빛소프트", domain="")
    account = deal.account
    account.aliases = "Hanbit Soft\nHBS"
    account.save()
    second = register(portal_admin_b, partner_b, name="Hanbit Soft Inc.", domain="")
    found = access.unrestricted(DealConflict).filter(deal=second, conflicting_deal=deal)
    assert found.get().reason == ConflictReason.ALIAS


def test_same_partner_registrations_do_not_conflict(portal_user_a, partner_a):
    register(portal_user_a, partner_a)
    again = register(portal_user_a, partner_a)
    assert not again.has_conflict


def test_candidate_search_does_not_score_the_whole_table(portal_user_a, partner_a):
    Account.objects.bulk_create(
        [Account(name=f"Zeta {i}", name_key=f"zeta{i}") for i in range(300)]
    )
    with CaptureQueriesContext(connection) as queries:
        found = conflicts.matching_accounts(conflicts.Customer(name="Alpha Foods"))
    assert found == {}
    assert len(queries) <= 4


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": Decimal("-1")}, "amount", "cannot be negative"),
        ({"currency": "XYZ"}, "currency", "not a supported currency"),
        (
            {"expected_close_date": timezone.localdate() - timedelta(days=1)},
            "expected_close_date",
            "cannot be in the past",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(portal_user_a, partner_a, data, field, message):
    with pytest.raises(BusinessError) as caught:
        register(portal_user_a, partner_a, **data)
    assert caught.value.field == field
    assert message in str(caught.value.message)
    assert not deals().exists()
    assert not access.unrestricted(Account).exists()


@pytest.mark.parametrize(
    "customer",
    [
        {"name": "알파 시스템즈", "domain": "x.kr", "brn": "220-81-62517"},
        {"name": "Alpha Systems Co., Ltd.", "domain": ""},
        {"name": "Someone", "domain": "alpha.kr"},
    ],
)
def test_registering_the_partners_own_company_is_refused(portal_user_a, partner_a, customer):
    partner_a.domain = "alpha.kr"
    partner_a.save()
    with pytest.raises(BusinessError) as caught:
        register(portal_user_a, partner_a, **customer)
    assert caught.value.code == "own_company"
    assert not deals().exists()


def test_invalid_customer_registration_number(portal_user_a, partner_a):
    with pytest.raises(BusinessError) as caught:
        register(portal_user_a, partner_a, brn="123-45-6789X")
    assert caught.value.field == "customer_registration_number"


def test_portal_user_cannot_register_for_another_partner(portal_user_a, partner_b):
    from django.http import Http404

    with pytest.raises(Http404):
        register(portal_user_a, partner_b)


def test_approve_sets_protection_and_notifies(manager, portal_user_a, partner_a):
    deal = register(portal_user_a, partner_a)
    events = []
    subscribe("deal.decided")(lambda **kw: events.append(kw))
    with pytest.MonkeyPatch.context():
        approved = services.deal_decide(actor=manager, deal=deal, decision="approve")
    assert approved.status == DealStatus.APPROVED
    assert approved.protection_until == timezone.localdate() + timedelta(days=90)
    note = access.unrestricted(Notification).get(user=portal_user_a)
    assert "approved" in note.title


def test_reject_needs_reason_and_emails_partner(
    manager, portal_user_a, partner_a, django_capture_on_commit_callbacks
):
    deal = register(portal_user_a, partner_a)
    with pytest.raises(BusinessError):
        services.deal_decide(actor=manager, deal=deal, decision="reject", reason=" ")
    assert deals().get(pk=deal.pk).status == DealStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        services.deal_decide(actor=manager, deal=deal, decision="reject", reason="Duplicate")
    assert deals().get(pk=deal.pk).decision_reason == "Duplicate"
    assert any(portal_user_a.email in m.to and "rejected" in m.subject for m in mail.outbox)


def test_second_decision_loses_cleanly(manager, admin_user, portal_user_a, partner_a):
    deal = register(portal_user_a, partner_a)
    stale = deals().get(pk=deal.pk)
    services.deal_decide(actor=manager, deal=deal, decision="reject", reason="No")
    with pytest.raises(BusinessError) as caught:
        services.deal_decide(actor=admin_user, deal=stale, decision="approve")
    assert caught.value.code == "already_decided"
    assert caught.value.status == 409
    assert deals().get(pk=deal.pk).status == DealStatus.REJECTED


def test_request_info_then_partner_answers(manager, portal_user_a, partner_a):
    deal = register(portal_user_a, partner_a)
    services.deal_decide(actor=manager, deal=deal, decision="request_info", reason="Budget?")
    updated = services.deal_update(actor=portal_user_a, deal=deal, data={"notes": "Budget OK"})
    assert updated.status == DealStatus.SUBMITTED


def test_portal_cannot_change_decided_deal_or_decide(manager, portal_user_a, partner_a):
    deal = register(portal_user_a, partner_a)
    with pytest.raises(PermissionDenied):
        services.deal_decide(actor=portal_user_a, deal=deal, decision="approve")
    services.deal_decide(actor=manager, deal=deal, decision="approve")
    with pytest.raises(BusinessError):
        services.deal_update(actor=portal_user_a, deal=deal, data={"notes": "x"})


def test_first_registration_wins_while_protected(manager, portal_user_a, partner_a, owned_b):
    b_user = make_user("partner_user", owned_b)
    first = register(portal_user_a, partner_a)
    services.deal_decide(actor=manager, deal=first, decision="approve")
    later = register(b_user, owned_b, name="한빛소프트 주식회사")
    with pytest.raises(BusinessError) as caught:
        services.deal_decide(actor=manager, deal=later, decision="approve")
    assert caught.value.code == "protected"
    assert deals().get(pk=later.pk).status == DealStatus.UNDER_REVIEW


def test_later_registration_rejected_when_configured(portal_user_a, partner_a, owned_b):
    rules = DealRules.load()
    rules.later_registration = LaterRegistration.REJECT
    rules.save()
    b_user = make_user("partner_user", owned_b)
    register(portal_user_a, partner_a)
    later = register(b_user, owned_b, name="한빛소프트 주식회사")
    assert later.status == DealStatus.REJECTED
    assert "first registration wins" in later.decision_reason


def test_extend_protection(manager, portal_user_a, partner_a):
    deal = services.deal_decide(
        actor=manager, deal=register(portal_user_a, partner_a), decision="approve"
    )
    before = deal.protection_until
    extended = services.deal_extend_protection(actor=manager, deal=deal, days=30)
    assert extended.protection_until == before + timedelta(days=30)
    with pytest.raises(BusinessError):
        services.deal_extend_protection(actor=manager, deal=deal, days=0)


def test_pipeline_move_won_emits_event_and_needs_reason(
    manager, portal_user_a, partner_a, django_capture_on_commit_callbacks
):
    deal = register(portal_user_a, partner_a)
    with pytest.raises(BusinessError):
        services.deal_move(actor=manager, deal=deal, stage="qualified")  # not approved yet
    services.deal_decide(actor=manager, deal=deal, decision="approve")
    services.deal_move(actor=manager, deal=deal, stage="proposal")
    with pytest.raises(BusinessError) as caught:
        services.deal_move(actor=manager, deal=deal, stage="won")
    assert caught.value.field == "reason"
    won = []
    subscribe("deal.won")(lambda **kw: won.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        deal = services.deal_move(actor=manager, deal=deal, stage="won", reason="Best price")
    assert deal.won_at is not None and deal.close_reason == "Best price"
    assert {"deal_id": deal.pk, "partner_id": partner_a.pk} in won
    with pytest.raises(BusinessError):
        services.deal_move(actor=manager, deal=deal, stage="proposal")


def test_expiry_of_approved_deals_without_progress(manager, portal_user_a, partner_a):
    deal = services.deal_decide(
        actor=manager, deal=register(portal_user_a, partner_a), decision="approve"
    )
    fresh = services.deal_decide(
        actor=manager,
        deal=register(portal_user_a, partner_a, name="Other Co", domain="other.kr"),
        decision="approve",
    )
    access.unrestricted(Deal).filter(pk=deal.pk).update(
        last_progress_at=timezone.now() - timedelta(days=61)
    )
    assert services.expire_stale_deals() == [deal.pk]
    assert deals().get(pk=deal.pk).status == DealStatus.EXPIRED
    assert deals().get(pk=fresh.pk).status == DealStatus.APPROVED


def test_forecast_and_partner_stats(manager, portal_user_a, partner_a):
    deal = services.deal_decide(
        actor=manager,
        deal=register(portal_user_a, partner_a, amount=Decimal("1000")),
        decision="approve",
    )
    services.deal_move(actor=manager, deal=deal, stage="proposal")  # 50 %
    result = selectors.forecast(user=manager)
    assert result["by_partner"][0]["weighted"] == Decimal("500.00")
    assert result["by_month"][0]["month"] == deal.expected_close_date.strftime("%Y-%m")
    lost = services.deal_decide(
        actor=manager,
        deal=register(portal_user_a, partner_a, name="Other Co", domain="o.kr"),
        decision="approve",
    )
    services.deal_move(actor=manager, deal=deal, stage="won", reason="ok")
    services.deal_move(actor=manager, deal=lost, stage="lost", reason="price")
    stats = selectors.partner_stats(user=manager)
    assert stats[0]["won"] == 1 and stats[0]["lost"] == 1 and stats[0]["win_rate"] == 50.0
    assert stats[0]["cycle_days"] is not None


def test_activity_and_two_tier_roles(manager, analyst, portal_user_a, partner_a, partner_b):
    deal = register(portal_user_a, partner_a)
    services.activity_add(actor=manager, deal=deal, kind="call", text="Called the CIO")
    with pytest.raises(PermissionDenied):
        services.activity_add(actor=analyst, deal=deal, kind="note", text="x")
    # Partners log activities on their own deals too (shared; tests/sales/test_activities.py).
    assert services.activity_add(actor=portal_user_a, deal=deal, kind="note", text="x").shared
    link = services.deal_partner_add(
        actor=manager, deal=deal, partner=partner_b, role="distributor"
    )
    assert link.get_role_display() == "Distributor"
    with pytest.raises(BusinessError):
        services.deal_partner_add(actor=manager, deal=deal, partner=partner_b, role="reseller")


def test_portal_users_see_only_the_accounts_of_their_own_deals(
    portal_user_a, partner_a, portal_admin_b, partner_b, analyst, manager
):
    mine = register(portal_user_a, partner_a, name="Mine Co", domain="mine.kr").account
    theirs = register(portal_admin_b, partner_b, name="Theirs Co", domain="theirs.kr").account
    visible = set(access.scope(portal_user_a, Account).values_list("pk", flat=True))
    assert visible == {mine.pk}
    assert not access.scope(portal_user_a, Account, "change").exists()
    assert set(access.scope(analyst, Account).values_list("pk", flat=True)) == {mine.pk, theirs.pk}
    assert not access.scope(analyst, Account, "change").exists()
    assert access.scope(manager, Account, "change").count() == 2
