"""The register, assessment, response and closing rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from prm.core import access
from prm.core.errors import BusinessError
from prm.risks import services
from prm.risks.models import (
    ActionStatus,
    Assessment,
    AssessmentKind,
    LevelBand,
    PartnerRiskLevel,
    Risk,
    Status,
    Strategy,
)
from tests.conftest import make_user
from tests.risks.factories import add_action, raise_risk, reload

pytestmark = pytest.mark.django_db


def level_of(partner):
    row = access.unrestricted(PartnerRiskLevel).filter(partner=partner).first()
    return (row.level, row.level_rank, row.open_risks) if row else None


def test_raise_with_assessment_sets_level_and_partner_level(manager, partner_a):
    risk = raise_risk(manager, partner_a, likelihood=4, impact=4)
    assert (risk.inherent_score, risk.level, risk.owner) == (16, "high", manager)
    assert level_of(partner_a) == ("high", 3, 1)


def test_residual_assessment_lowers_the_level_and_history_is_kept(manager, partner_a):
    risk = raise_risk(manager, partner_a, likelihood=5, impact=4)
    assert risk.level == "critical"
    services.risk_assess(actor=manager, risk=risk, kind="residual", likelihood=2, impact=2)
    risk = reload(risk)
    assert (risk.inherent_score, risk.residual_score, risk.level) == (20, 4, "low")
    kinds = list(
        access.unrestricted(Assessment)
        .filter(risk=risk)
        .order_by("id")
        .values_list("kind", "score")
    )
    assert kinds == [("inherent", 20), ("residual", 4)]
    assert level_of(partner_a) == ("low", 1, 1)


@pytest.mark.parametrize("likelihood,impact", [(0, 3), (6, 3), (3, 0), (3, 6), ("x", 2)])
def test_scale_out_of_range_is_refused_and_nothing_changes(manager, partner_a, likelihood, impact):
    risk = raise_risk(manager, partner_a, likelihood=2, impact=2)
    with pytest.raises(BusinessError) as error:
        services.risk_assess(
            actor=manager, risk=risk, kind="inherent", likelihood=likelihood, impact=impact
        )
    assert "from 1 to 5" in str(error.value)
    assert access.unrestricted(Assessment).filter(risk=risk).count() == 1
    assert reload(risk).inherent_score == 4


def test_raise_with_bad_scale_creates_nothing(manager, partner_a):
    with pytest.raises(BusinessError):
        raise_risk(manager, partner_a, likelihood=6, impact=1)
    assert not access.unrestricted(Risk).exists()


def test_analyst_may_not_raise(analyst, partner_a):
    with pytest.raises(PermissionDenied):
        raise_risk(analyst, partner_a)


def test_acceptance_needs_reason_role_and_review_date(manager, admin_user, partner_a):
    risk = raise_risk(manager, partner_a, likelihood=3, impact=3)
    later = timezone.localdate() + timedelta(days=90)
    with pytest.raises(BusinessError) as error:
        services.risk_set_strategy(
            actor=manager, risk=risk, strategy="accept", reason="Cheap", review_on=later
        )
    assert error.value.code == "accept_role"
    with pytest.raises(BusinessError) as error:
        services.risk_set_strategy(
            actor=admin_user, risk=risk, strategy="accept", reason="  ", review_on=later
        )
    assert error.value.field == "reason"
    with pytest.raises(BusinessError) as error:
        services.risk_set_strategy(
            actor=admin_user, risk=risk, strategy="accept", reason="Low cost", review_on=None
        )
    assert error.value.field == "review_on"
    assert reload(risk).strategy == ""
    services.risk_set_strategy(
        actor=admin_user, risk=risk, strategy="accept", reason="Low cost", review_on=later
    )
    risk = reload(risk)
    assert (risk.strategy, risk.accepted_by, risk.review_on) == ("accept", admin_user, later)


def test_configured_role_may_accept(settings, manager, partner_a):
    settings.PRM_RISK_ACCEPT_ROLES = ("partner_manager",)
    risk = raise_risk(manager, partner_a, likelihood=3, impact=3)
    services.risk_set_strategy(
        actor=manager,
        risk=risk,
        strategy=Strategy.ACCEPT,
        reason="Within appetite",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    assert reload(risk).accepted_by == manager


def test_close_needs_finished_actions_or_acceptance(manager, admin_user, partner_a):
    risk = raise_risk(manager, partner_a, likelihood=3, impact=3)
    action = add_action(manager, risk, due_on=timezone.localdate())
    with pytest.raises(BusinessError) as error:
        services.risk_close(actor=manager, risk=risk)
    assert error.value.code == "open_actions"
    assert reload(risk).status == Status.OPEN
    services.action_update(actor=manager, action=action, data={"status": ActionStatus.DONE})
    assert reload(action).completed_at is not None
    services.risk_close(actor=manager, risk=risk)
    assert reload(risk).status == Status.CLOSED
    assert level_of(partner_a) == ("", 0, 0)


def test_accepted_risk_closes_with_open_actions(manager, admin_user, partner_a):
    risk = raise_risk(manager, partner_a, likelihood=3, impact=3)
    add_action(manager, risk)
    services.risk_set_strategy(
        actor=admin_user,
        risk=risk,
        strategy="accept",
        reason="Residual within appetite",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    services.risk_close(actor=manager, risk=risk)
    assert reload(risk).status == Status.CLOSED


def test_other_manager_may_not_change_a_risk(manager, partner_a):
    risk = raise_risk(manager, partner_a, likelihood=3, impact=3)
    other = make_user("partner_manager")
    with pytest.raises(PermissionDenied):
        services.risk_assess(actor=other, risk=risk, kind="residual", likelihood=1, impact=1)


def test_partner_level_is_highest_open_level(manager, partner_a):
    raise_risk(manager, partner_a, likelihood=1, impact=2)
    high = raise_risk(manager, partner_a, likelihood=4, impact=5)
    assert level_of(partner_a) == ("critical", 4, 2)
    add_action(manager, high, status=ActionStatus.DONE)
    services.risk_close(actor=manager, risk=high)
    assert level_of(partner_a) == ("low", 1, 1)


def test_bands_must_be_contiguous_and_cover_1_to_25(admin_user, manager, partner_a):
    risk = raise_risk(manager, partner_a, likelihood=3, impact=3)  # 9: medium
    bad = {"low": (1, 4), "medium": (6, 9), "high": (10, 16), "critical": (17, 25)}
    with pytest.raises(BusinessError):
        services.bands_update(actor=admin_user, bands=bad)
    short = {"low": (1, 4), "medium": (5, 9), "high": (10, 16), "critical": (17, 24)}
    with pytest.raises(BusinessError):
        services.bands_update(actor=admin_user, bands=short)
    assert LevelBand.objects.get(level="medium").min_score == 5
    with pytest.raises(PermissionDenied):
        services.bands_update(
            actor=manager,
            bands={"low": (1, 2), "medium": (3, 8), "high": (9, 16), "critical": (17, 25)},
        )
    services.bands_update(
        actor=admin_user,
        bands={"low": (1, 2), "medium": (3, 8), "high": (9, 16), "critical": (17, 25)},
    )
    assert reload(risk).level == "high"
    assert level_of(partner_a)[0] == "high"


def test_program_wide_risk(admin_user):
    risk = services.risk_raise(
        actor=admin_user, partner=None, category_code="geopolitical", title="Export controls"
    )
    assert risk.partner is None and risk.owner == admin_user
    assert risk.inherent_score is None


def test_unknown_category(manager, partner_a):
    with pytest.raises(BusinessError) as error:
        raise_risk(manager, partner_a, category_code="nope")
    assert error.value.field == "category"


def test_overdue_actions_remind_owner_once_a_day(manager, partner_a):
    from prm.notifications.models import Notification

    risk = raise_risk(manager, partner_a, likelihood=3, impact=3)
    add_action(manager, risk, due_on=timezone.localdate() - timedelta(days=2))
    add_action(
        manager, risk, title="Done", status="done", due_on=timezone.localdate() - timedelta(days=2)
    )
    assert services.action_reminders() == 1
    assert services.action_reminders() == 0
    notes = access.unrestricted(Notification).filter(user=manager)
    assert notes.count() == 1 and "was due on" in notes.get().title
    assert AssessmentKind.RESIDUAL


def test_reminder_command(manager, partner_a, capsys):
    from django.core.management import call_command

    risk = raise_risk(manager, partner_a, likelihood=2, impact=2)
    add_action(manager, risk, due_on=timezone.localdate() - timedelta(days=1))
    call_command("risk_reminders")
    assert "1 overdue mitigation action(s) reminded" in capsys.readouterr().out
    call_command("risk_reminders")
    assert "0 overdue" in capsys.readouterr().out
