"""The tier review proposes; a manager approves or overrides; history and notifications."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from prm.accounts.roles import Role
from prm.core import access
from prm.core.errors import BusinessError
from prm.core.events import emit
from prm.notifications.models import Notification
from prm.partners.models import Partner
from prm.tiers import services
from prm.tiers.models import TierChange, TierProposal, TierRequirement
from tests.conftest import make_partner, make_user
from tests.tiers.factories import make_program, set_revenue

pytestmark = pytest.mark.django_db


def proposals():
    return access.unrestricted(TierProposal)


@pytest.fixture
def program(db):
    return make_program()


def test_review_proposes_upgrades_and_downgrades_with_the_reasons(program, manager):
    up = make_partner(name="Up", stage="active", tier=program["silver"], owner=manager)
    down = make_partner(name="Down", stage="active", tier=program["platinum"])
    same = make_partner(name="Same", stage="active", tier=program["gold"])
    make_partner(name="Prospect", stage="prospect", tier=program["silver"])
    set_revenue(up, 600_000_000)
    set_revenue(down, 150_000_000)
    set_revenue(same, 700_000_000)

    report = services.tier_review()

    assert (report.evaluated, report.upgrades, report.downgrades) == (3, 1, 1)
    upgrade = proposals().get(partner=up)
    assert (upgrade.direction, upgrade.proposed_tier, upgrade.status) == (
        "upgrade",
        program["gold"],
        "pending",
    )
    gold = next(r for r in upgrade.reasons if r["tier"] == "gold")
    assert gold["met"] and gold["value"] == "600000000" and gold["threshold"] == "500000000"
    platinum = next(r for r in upgrade.reasons if r["tier"] == "platinum")
    assert not platinum["met"] and platinum["gap"] == "400000000"
    downgrade = proposals().get(partner=down)
    assert (downgrade.direction, downgrade.proposed_tier) == ("downgrade", program["silver"])
    assert not proposals().filter(partner=same).exists()
    # Nothing changed by itself.
    assert access.unrestricted(Partner).get(pk=up.pk).tier == program["silver"]
    assert access.unrestricted(TierChange).count() == 0


def test_no_data_is_not_met_and_never_zero(program):
    partner = make_partner(stage="active", tier=program["silver"])
    services.tier_review()
    proposal = proposals().get(partner=partner)
    assert proposal.proposed_tier == program["registered"]
    silver = next(r for r in proposal.reasons if r["tier"] == "silver")
    assert silver["value"] is None and silver["met"] is False and silver["gap"] is None


def test_dry_run_saves_nothing_and_a_second_review_refreshes(program):
    partner = make_partner(stage="active", tier=program["registered"])
    set_revenue(partner, 200_000_000)
    report = services.tier_review(dry_run=True)
    assert report.upgrades == 1 and not proposals().exists()
    services.tier_review()
    set_revenue(partner, 800_000_000)
    report = services.tier_review()
    assert (report.created, report.refreshed) == (0, 1)
    assert proposals().get().proposed_tier == program["gold"]


def test_only_admins_run_the_review(program, manager, admin_user):
    with pytest.raises(PermissionDenied):
        services.tier_review(actor=manager)
    services.tier_review(actor=admin_user)


def test_a_program_without_requirements_proposes_nothing(db):
    make_partner(stage="active")
    assert services.tier_review().evaluated == 0


def test_approve_changes_the_tier_writes_history_and_notifies(
    program, manager, django_capture_on_commit_callbacks
):
    partner = make_partner(stage="active", tier=program["silver"], owner=manager)
    portal_user = make_user(Role.PARTNER_USER, partner)
    set_revenue(partner, 600_000_000)
    services.tier_review()
    proposal = proposals().get()
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.proposal_approve(actor=manager, proposal=proposal, note="Well done")
    assert (decided.status, decided.decided_by, decided.decided_tier) == (
        "approved",
        manager,
        program["gold"],
    )
    assert access.unrestricted(Partner).get(pk=partner.pk).tier == program["gold"]
    change = access.unrestricted(TierChange).get()
    assert (change.from_tier, change.to_tier, change.proposal) == (
        program["silver"],
        program["gold"],
        decided,
    )
    note = access.unrestricted(Notification).get(user=portal_user)
    assert "Gold" in note.title
    assert any(portal_user.email in m.to and "Gold" in m.subject for m in mail.outbox)


def test_a_decided_proposal_cannot_be_decided_again(program, manager):
    partner = make_partner(stage="active", tier=program["silver"], owner=manager)
    set_revenue(partner, 600_000_000)
    services.tier_review()
    proposal = proposals().get()
    services.proposal_approve(actor=manager, proposal=proposal)
    with pytest.raises(BusinessError) as caught:
        services.proposal_override(actor=manager, proposal=proposal, note="No", tier=None)
    assert caught.value.status == 409
    assert access.unrestricted(Partner).get(pk=partner.pk).tier == program["gold"]
    assert access.unrestricted(TierChange).count() == 1


def test_only_the_owner_or_an_admin_decides(program, manager, analyst):
    other_manager = make_user(Role.PARTNER_MANAGER)
    partner = make_partner(stage="active", tier=program["silver"], owner=manager)
    set_revenue(partner, 600_000_000)
    services.tier_review()
    proposal = proposals().get()
    for user in (other_manager, analyst):
        with pytest.raises(PermissionDenied):
            services.proposal_approve(actor=user, proposal=proposal)
    assert proposals().get().status == "pending"


def test_override_needs_a_note_and_may_keep_or_choose(program, manager):
    partner = make_partner(stage="active", tier=program["platinum"], owner=manager)
    set_revenue(partner, 150_000_000)
    services.tier_review()
    proposal = proposals().get()
    with pytest.raises(BusinessError) as caught:
        services.proposal_override(actor=manager, proposal=proposal, note="  ")
    assert caught.value.field == "note"
    assert proposals().get().status == "pending"

    services.proposal_override(actor=manager, proposal=proposal, note="Strategic account")
    assert access.unrestricted(Partner).get(pk=partner.pk).tier == program["platinum"]
    assert access.unrestricted(TierChange).count() == 0
    assert proposals().get().status == "overridden"

    # Next review: choose another tier than proposed.
    services.tier_review()
    second = proposals().get(status="pending")
    services.proposal_override(
        actor=manager, proposal=second, note="Gold for one year", tier=program["gold"]
    )
    assert access.unrestricted(Partner).get(pk=partner.pk).tier == program["gold"]
    assert access.unrestricted(TierChange).get().note == "Gold for one year"


def test_scorecard_event_proposes_a_review_for_that_partner(program):
    partner = make_partner(stage="active", tier=program["gold"])
    set_revenue(partner, 700_000_000)
    services.on_tier_review_proposed(partner_ids=[partner.pk], period="2026-Q3")
    proposal = proposals().get()
    assert (proposal.partner, proposal.direction, proposal.source) == (
        partner,
        "review",
        "scorecard",
    )


def test_requirement_rules(program, admin_user, manager):
    bad = TierRequirement(tier=program["gold"], kind="kpi", threshold=None)
    with pytest.raises(Exception) as caught:
        services.requirement_save(actor=admin_user, requirement=bad)
    assert "kpi_code" in caught.value.message_dict and "threshold" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.requirement_save(
            actor=manager,
            requirement=TierRequirement(tier=program["gold"], kind="standing", standing="good"),
        )
    assert TierRequirement.objects.filter(kind__in=["kpi", "standing"]).count() == 0


def test_command_dry_run_and_run(program, capsys):
    partner = make_partner(stage="active", tier=program["registered"])
    set_revenue(partner, 200_000_000)
    call_command("tier_review", "--dry-run")
    assert "Dry run: 1 partners checked; 1 upgrades" in capsys.readouterr().out
    assert not proposals().exists()
    call_command("tier_review")
    assert proposals().get().proposed_tier == program["silver"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_second_loses_cleanly(migration_rows, manager):
    if connection.vendor == "sqlite":
        pytest.skip("row locks need PostgreSQL")
    program = make_program()
    partner = make_partner(stage="active", tier=program["silver"], owner=manager)
    set_revenue(partner, 600_000_000)
    services.tier_review()
    proposal = proposals().get()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide(kind: str):
        try:
            barrier.wait()
            if kind == "approve":
                services.proposal_approve(actor=manager, proposal=proposal)
            else:
                services.proposal_override(actor=manager, proposal=proposal, note="x", tier=None)
            outcomes.append("ok")
        except BusinessError as exc:
            outcomes.append(str(exc.status))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(k,)) for k in ("approve", "override")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409", "ok"]
    assert access.unrestricted(TierChange).count() == 1


def test_the_scorecard_event_reaches_the_tier_program(program, django_capture_on_commit_callbacks):
    partner = make_partner(stage="active", tier=program["gold"])
    with django_capture_on_commit_callbacks(execute=True):
        emit(
            "scorecard.tier_review_proposed",
            template_id=1,
            period="2026-Q3",
            partner_ids=[partner.pk],
        )
    assert proposals().get().partner == partner


def test_standing_and_kpi_requirements_use_the_latest_scorecard(program, client):
    from django.urls import reverse

    from tests.conftest import login
    from tests.dashboard.factories import result

    TierRequirement.objects.create(tier=program["gold"], kind="standing", standing="good")
    TierRequirement.objects.create(
        tier=program["platinum"], kind="kpi", kpi_code="k0", comparison="gte", threshold=90
    )
    watch = make_partner(name="Watch", stage="active", tier=program["gold"])
    strong = make_partner(name="Strong", stage="active", tier=program["gold"])
    for partner in (watch, strong):
        set_revenue(partner, 1_200_000_000)
    old = timezone.localdate().replace(day=1) - timezone.timedelta(days=40)
    result(watch, 95, "excellent", month=old, kpi_scores=(99,))
    result(watch, 60, "watch", kpi_scores=(95,))
    result(strong, 88, "excellent", kpi_scores=(85,))

    services.tier_review()

    down = proposals().get(partner=watch)
    assert down.proposed_tier == program["silver"]
    standing = next(r for r in down.reasons if r["kind"] == "standing")
    assert (standing["value"], standing["threshold"], standing["met"]) == ("watch", "good", False)
    up = proposals().filter(partner=strong)
    assert not up.exists()  # Gold holds: the KPI (85) misses Platinum's 90
    user = make_user(Role.PARTNER_USER, strong)
    login(client, user)
    html = client.get(reverse("tiers:portal")).content.decode()
    assert "KPI k0 at least 90" in html and ">85<" in html and ">5<" in html
