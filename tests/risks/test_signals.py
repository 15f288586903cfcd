"""Signal rules: raised on their events and by the nightly sweep, de-duplicated, resolved when
the cause goes away; thresholds tuned by admins within their ranges."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from prm.contracts.models import ComplianceSubmission
from prm.core import access
from prm.core.errors import BusinessError
from prm.core.events import emit
from prm.notifications.models import Notification
from prm.partners.models import Document
from prm.risks import engine, services
from prm.risks.models import Risk, RiskSignal, SignalRule, SignalStatus, Status
from prm.risks.rules import RULES, falling
from tests.contracts.factories import make_contract, requirement

pytestmark = pytest.mark.django_db


def risks():
    return access.unrestricted(Risk)


def signals():
    return access.unrestricted(RiskSignal)


@pytest.fixture
def active_a(partner_a):
    partner_a.stage = "active"
    partner_a.save()
    return partner_a


def expired_submission(partner, req, *, days_ago=3):
    document = Document(
        partner=partner,
        title="Certificate",
        filename="c.pdf",
        content_type="application/pdf",
        size=9,
    )
    document.file.save("c.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return access.unrestricted(ComplianceSubmission).create(
        partner=partner,
        requirement=req,
        document=document,
        expires_on=timezone.localdate() - timedelta(days=days_ago),
    )


# Compliance --------------------------------------------------------------------------------


def test_expired_document_event_raises_one_risk_even_when_fired_twice_and_swept(
    active_a, django_capture_on_commit_callbacks
):
    req = requirement("reseller", expires=True)
    submission = expired_submission(active_a, req)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            emit(
                "compliance.document_expired",
                document_id=submission.document_id,
                partner_id=active_a.pk,
                requirement_id=req.pk,
            )
    engine.sweep()
    call_command("risk_sweep")
    assert risks().count() == 1
    risk = risks().get()
    assert risk.partner == active_a
    assert risk.category_id == "compliance"
    assert risk.signal_key == f"compliance_document:compliance:{active_a.pk}:{req.pk}"
    assert (risk.inherent_likelihood, risk.inherent_impact) == (4, 3)
    assert risk.owner == active_a.owner
    signal = signals().get()
    assert signal.status == SignalStatus.OPEN and signal.times_seen == 4
    assert signal.evidence_url == f"/contracts/compliance/partners/{active_a.pk}/"
    assert signal.risk == risk


def test_missing_document_counts_unless_switched_off(active_a, admin_user):
    requirement("reseller", expires=True)
    engine.sweep()
    assert "is missing" in risks().get().title
    services.rule_update(
        actor=admin_user, code="compliance_document", params={"include_missing": 0}
    )
    report = engine.sweep()
    assert report.resolved == 1
    assert signals().get().status == SignalStatus.RESOLVED
    # the risk stays open for its owner to close, and the owner is told
    assert risks().get().status == Status.OPEN
    note = access.unrestricted(Notification).get(user=active_a.owner)
    assert "went away" in note.title


def test_renewed_document_resolves_the_signal_and_a_new_expiry_raises_a_new_risk_only_after_close(
    active_a, manager
):
    req = requirement("reseller", expires=True)
    expired_submission(active_a, req)
    engine.sweep()
    first = risks().get()
    fresh = expired_submission(active_a, req, days_ago=-300)
    engine.sweep()
    assert signals().get().status == SignalStatus.RESOLVED
    # The cause comes back while the first risk is still open: that risk is updated.
    fresh.expires_on = timezone.localdate() - timedelta(days=1)
    fresh.save()
    engine.sweep()
    assert risks().count() == 1
    assert signals().filter(status=SignalStatus.OPEN).get().risk == first


def test_disabled_rule_raises_nothing(active_a, admin_user):
    requirement("reseller", expires=True)
    services.rule_update(actor=admin_user, code="compliance_document", enabled=False)
    engine.sweep()
    assert not risks().exists()


# Contracts ---------------------------------------------------------------------------------


def test_contract_expiring_then_expired_updates_the_same_risk(active_a):
    today = timezone.localdate()
    contract = make_contract(
        active_a,
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=10),
        notice_days=30,
        signed_on=today - timedelta(days=300),
    )
    engine.sweep(today)
    risk = risks().get()
    assert "is expiring" in risk.title and risk.inherent_score == 9
    engine.sweep(today + timedelta(days=15))
    risk = risks().get()
    assert "expired without renewal" in risk.title and risk.inherent_score == 16
    assert risk.assessments.count() == 2
    signal = signals().get()
    assert signal.evidence_url == f"/contracts/{contract.pk}/"
    # terminated: the cause is gone
    contract.terminated_on = today + timedelta(days=16)
    contract.termination_reason = "Replaced"
    contract.save()
    engine.sweep(today + timedelta(days=16))
    assert signals().get().status == SignalStatus.RESOLVED


def test_contract_event_runs_the_rule_for_that_partner_only(
    active_a, partner_b, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    for partner in (active_a, partner_b):
        make_contract(
            partner,
            start_date=today - timedelta(days=300),
            end_date=today + timedelta(days=5),
            signed_on=today - timedelta(days=300),
        )
    with django_capture_on_commit_callbacks(execute=True):
        emit("contract.expiring", contract_id=1, partner_id=active_a.pk)
    assert list(risks().values_list("partner", flat=True)) == [active_a.pk]


# Rule settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"share_pct": 0}, {"share_pct": 101}, {"hhi": 99}, {"months": "x"}, {"nope": 3}],
)
def test_threshold_out_of_range_is_refused_and_nothing_changes(admin_user, params):
    services.rule_update(actor=admin_user, code="spend_concentration", params={"share_pct": 40})
    with pytest.raises(BusinessError):
        services.rule_update(
            actor=admin_user, code="spend_concentration", enabled=False, params=params
        )
    setting = SignalRule.objects.get(pk="spend_concentration")
    assert setting.enabled is True and setting.params == {"share_pct": 40}


def test_only_admins_tune_rules(manager):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.rule_update(actor=manager, code="contract_expiry", params={"margin_days": 5})
    assert not SignalRule.objects.exists()


def test_falling_standings():
    assert falling(["excellent", "good", "watch", "critical"], 3)
    assert not falling(["good", "good", "watch", "critical"], 3)
    assert not falling(["good", "watch"], 3)
    assert RULES["scorecard_standing"].params[0].min == 2


def test_sweep_command_reports(active_a, capsys):
    requirement("reseller", expires=True)
    call_command("risk_sweep", "--date", timezone.localdate().isoformat())
    out = capsys.readouterr().out
    assert "1 risks raised" in out


# Scorecards --------------------------------------------------------------------------------


def _results(partner, template, standings):
    from decimal import Decimal

    from prm.scorecards.models import ScorecardResult

    starts = [date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1)]
    for start, standing in zip(starts[-len(standings) :], standings, strict=True):
        access.unrestricted(ScorecardResult).create(
            partner=partner,
            template=template,
            period_kind="quarter",
            period_start=start,
            score=Decimal(50),
            standing=standing,
            snapshot={},
            computed_at=timezone.now(),
        )


@pytest.mark.skipif(
    not RULES["scorecard_standing"].available(), reason="scorecards selectors are not built"
)
def test_scorecard_falling_three_periods_then_critical_is_one_risk(partner_a):
    from tests.scorecards.factories import supplier_template

    template = supplier_template()
    _results(partner_a, template, ["excellent", "good", "watch"])
    engine.sweep()
    assert not risks().exists()  # fell twice only
    from prm.scorecards.models import ScorecardResult

    access.unrestricted(ScorecardResult).filter(partner=partner_a).delete()
    _results(partner_a, template, ["excellent", "good", "watch", "critical"])
    engine.sweep()
    risk = risks().get()
    assert "lowest standing" in risk.title
    assert signals().get().evidence_url.startswith("/scorecards/")
