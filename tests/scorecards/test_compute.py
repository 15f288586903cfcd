"""Computing scorecards: scores, weighting out missing data, snapshots, standings, actions,
and a query count that does not grow with the number of partners."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prm.core import access
from prm.core.events import subscribe
from prm.metrics.periods import Period
from prm.notifications.models import Notification
from prm.partners.models import Partner
from prm.scorecards import compute, selectors, services
from prm.scorecards.models import ScorecardResult, Standing, Target
from tests.conftest import make_partner, make_user
from tests.scorecards.factories import observe, supplier_template

Q3 = Period.parse("2026-Q3")
pytestmark = pytest.mark.django_db(transaction=False)


def _supplier(**fields):
    fields.setdefault("types", ["supplier"])
    return make_partner(**fields)


def _deliveries(partner, on_time, total, rejected, received, label="2026-08"):
    observe(partner, "on_time_lines", label, on_time)
    observe(partner, "total_lines", label, total)
    observe(partner, "rejected_qty", label, rejected)
    observe(partner, "received_qty", label, received)


def test_score_is_the_weighted_linear_scores(django_capture_on_commit_callbacks):
    template = supplier_template()
    supplier = _supplier()
    # on time 90 % → (90-80)/(95-80) = 66.67; rejection 2 % → (5-2)/(5-1) = 75
    _deliveries(supplier, 90, 100, 2, 100)
    with django_capture_on_commit_callbacks(execute=True):
        report = compute.recompute(template=template, period=Q3)
    assert report.created == 1
    result = access.unrestricted(ScorecardResult).get(partner=supplier)
    assert result.score == Decimal("70.00")  # 66.67*0.6 + 75*0.4
    assert result.standing == Standing.GOOD
    lines = {line.code: line for line in result.lines}
    assert lines["on_time"].value == Decimal("90.0000")
    assert lines["on_time"].score == Decimal("66.67")
    assert lines["rejection"].score == Decimal("75.00")
    assert lines["on_time"].inputs == {"on_time_lines": "90.0000", "total_lines": "100.0000"}
    assert result.snapshot["kpis"][0]["formula"] == "on_time_lines / total_lines * 100"


def test_a_kpi_without_data_is_weighted_out_and_none_left_means_no_score():
    template = supplier_template()
    partial, empty = _supplier(), _supplier()
    observe(partial, "on_time_lines", "2026-07", 95)
    observe(partial, "total_lines", "2026-07", 100)
    # rejection: received 0 → division by zero → no data, not 0 or 100
    observe(partial, "received_qty", "2026-07", 0)
    observe(partial, "rejected_qty", "2026-07", 0)
    compute.recompute(template=template, period=Q3)
    result = access.unrestricted(ScorecardResult).get(partner=partial)
    assert result.score == Decimal("100.00")
    lines = {line.code: line for line in result.lines}
    line = lines["rejection"]
    assert line.value is None and line.score is None and line.effective_weight == 0
    assert not line.has_data and lines["on_time"].has_data
    assert lines["on_time"].effective_weight == 100
    nothing = access.unrestricted(ScorecardResult).get(partner=empty)
    assert nothing.score is None and nothing.standing == ""


def test_partner_target_overrides_tier_target_which_overrides_the_default(tiers):
    template = supplier_template()
    kpi = template.lines.get(kpi__code="on_time").kpi
    gold, own, plain = (
        _supplier(tier=tiers["gold"]),
        _supplier(tier=tiers["gold"]),
        _supplier(),
    )
    for partner in (gold, own, plain):
        _deliveries(partner, 90, 100, 1, 100)
    services.target_set(
        actor=None, kpi=kpi, tier=tiers["gold"], target=Decimal(90), floor=Decimal(80)
    )
    services.target_set(actor=None, kpi=kpi, partner=own, target=Decimal(100), floor=Decimal(80))
    compute.recompute(template=template, period=Q3)
    scores = {
        r.partner_id: next(line.score for line in r.lines if line.code == "on_time")
        for r in access.unrestricted(ScorecardResult).all()
    }
    assert scores[gold.pk] == Decimal("100.00")  # 90 of 90
    assert scores[own.pk] == Decimal("50.00")  # 90 between 80 and 100
    assert scores[plain.pk] == Decimal("66.67")  # default 95, floor 80


def test_an_old_period_keeps_what_it_was_computed_with():
    template = supplier_template()
    supplier = _supplier()
    _deliveries(supplier, 90, 100, 2, 100)
    compute.recompute(template=template, period=Q3)
    before = access.unrestricted(ScorecardResult).get(partner=supplier)
    kpi = template.lines.get(kpi__code="on_time").kpi
    services.kpi_update(actor=None, kpi=kpi, data={"formula": "on_time_lines / total_lines"})
    stored = access.unrestricted(ScorecardResult).get(pk=before.pk)
    assert stored.snapshot == before.snapshot and stored.score == before.score
    assert stored.lines[0].code == "on_time"
    assert stored.lines[0].formula == "on_time_lines / total_lines * 100"


def test_recompute_leaves_unchanged_results_alone_and_updates_changed_ones():
    template = supplier_template()
    supplier = _supplier()
    _deliveries(supplier, 90, 100, 2, 100)
    compute.recompute(template=template, period=Q3)
    again = compute.recompute(template=template, period=Q3)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    observe(supplier, "on_time_lines", "2026-09", 10)
    observe(supplier, "total_lines", "2026-09", 10)
    changed = compute.recompute(template=template, period=Q3)
    assert changed.updated == 1
    result = access.unrestricted(ScorecardResult).get(partner=supplier)
    assert result.lines[0].code == "on_time"
    assert result.lines[0].value == Decimal("90.9091")  # 100 of 110


def test_critical_standing_triggers_its_actions(django_capture_on_commit_callbacks, manager):
    template = supplier_template()
    supplier = _supplier(owner=manager)
    portal = make_user("partner_admin", supplier)
    _deliveries(supplier, 50, 100, 10, 100)  # both KPIs score 0
    seen = {}

    @subscribe("scorecard.standing_changed")
    def changed(**payload):
        seen["changed"] = payload

    @subscribe("scorecard.tier_review_proposed")
    def review(**payload):
        seen["review"] = payload

    with django_capture_on_commit_callbacks(execute=True):
        compute.recompute(template=template, period=Q3)
    result = access.unrestricted(ScorecardResult).get(partner=supplier)
    assert result.standing == Standing.CRITICAL
    assert seen["changed"] == {
        "result_id": result.pk,
        "partner_id": supplier.pk,
        "standing": "critical",
        "previous_standing": "",
    }
    assert seen["review"] == {
        "template_id": template.pk,
        "period": "2026-Q3",
        "partner_ids": [supplier.pk],
    }
    supplier = access.unrestricted(Partner).get(pk=supplier.pk)
    assert supplier.on_hold and "2026-Q3" in supplier.hold_reason
    recipients = set(access.unrestricted(Notification).values_list("user_id", flat=True))
    assert {manager.pk, portal.pk} <= recipients
    # Recomputing the same standing does not act again.
    seen.clear()
    with django_capture_on_commit_callbacks(execute=True):
        compute.recompute(template=template, period=Q3)
    assert "changed" not in seen


@pytest.mark.parametrize(
    ("deliveries", "standing"), [((50, 100, 10, 100), "critical"), ((90, 100, 2, 100), "good")]
)
def test_the_query_count_does_not_grow_with_the_partners(
    django_capture_on_commit_callbacks, manager, deliveries, standing
):
    """Every partner reaches a standing: at the critical one, each one's owner and portal
    user are notified and the partner is held; at another, the risk rule reads each one's
    history for a falling standing. The subscribers of the scorecard events run after the
    commit: still the same number of queries."""
    template = supplier_template()

    def run(n):
        access.unrestricted(Partner).all().delete()  # and with them results, risks, users
        for _ in range(n):
            supplier = _supplier(owner=manager)
            make_user("partner_admin", supplier)
            _deliveries(supplier, *deliveries)
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            report = compute.recompute(template=template, period=Q3)
        assert report.standing_changes == report.partners
        assert set(access.unrestricted(ScorecardResult).values_list("standing", flat=True)) == {
            standing
        }
        statements = [q["sql"] for q in queries.captured_queries]
        if connection.vendor == "sqlite":
            # SQLite splits one bulk insert by its limit on parameters.
            statements = [sql for sql in statements if not sql.startswith("INSERT")]
        return len(statements)

    run(2)  # warms the caches
    assert run(10) == run(30)
    if standing == "critical":
        assert access.unrestricted(Notification).filter(user=manager).count() == 2 + 10 + 30


def test_selectors_for_other_capabilities():
    template = supplier_template()
    supplier = _supplier()
    for label in ("2026-02", "2026-05", "2026-08"):
        _deliveries(supplier, 90, 100, 2, 100, label=label)
    for period in ("2026-Q1", "2026-Q2", "2026-Q3"):
        compute.recompute(template=template, period=Period.parse(period))
    assert selectors.standing_history(supplier.pk, 2) == ["good", "good"]
    latest = selectors.latest_results([supplier.pk])
    assert latest[supplier.pk].period_start == Q3.start
    found = selectors.results_for(supplier.pk, [Period.parse("2026-Q1"), Period.parse("2027-Q1")])
    assert list(found) == [Period.parse("2026-Q1")]


def test_tier_targets_are_refused_without_a_tier_or_with_both(tiers):
    template = supplier_template()
    kpi = template.lines.first().kpi
    from prm.core.errors import BusinessError

    with pytest.raises(BusinessError):
        services.target_set(actor=None, kpi=kpi, target=Decimal(1))
    assert not access.unrestricted(Target).exists()


def test_prm_recompute_command():
    from io import StringIO

    from django.core.management import CommandError, call_command

    supplier_template()
    _deliveries(_supplier(), 90, 100, 2, 100)
    out = StringIO()
    call_command("recompute", "--period", "2026-Q3", stdout=out)
    assert "1 partners, 1 new" in out.getvalue()
    with pytest.raises(CommandError, match="2026-Q3"):
        call_command("recompute", "--period", "next quarter")


def test_new_observations_recompute_in_the_background(settings, django_capture_on_commit_callbacks):
    from prm.core.events import emit

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    template = supplier_template()
    supplier = _supplier()
    _deliveries(supplier, 90, 100, 2, 100)
    with django_capture_on_commit_callbacks(execute=True):
        emit(
            "metrics.observations_changed",
            partner_ids=[supplier.pk],
            period_kind="month",
            period_start="2026-08-01",
        )
    result = access.unrestricted(ScorecardResult).get(partner=supplier, template=template)
    assert result.period_start == Q3.start and result.score == Decimal("70.00")
