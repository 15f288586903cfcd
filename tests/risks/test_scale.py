"""What keeps the heat map page and the sweep fast at 10,000 partners: the trend counted by
the database (and stored per past day for the whole register) agrees with the history
replayed risk by risk; the sweep raises its new risks in bulk with every rule of a single
raise."""

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prm.audit.models import AuditEntry
from prm.core import access
from prm.core.errors import BusinessError
from prm.risks import engine, selectors, services
from prm.risks.models import (
    Assessment,
    Level,
    PartnerRiskLevel,
    Risk,
    RiskSignal,
    SignalStatus,
    Status,
    TrendPoint,
)
from tests.conftest import login, make_partner
from tests.contracts.factories import requirement
from tests.risks.factories import add_action, raise_risk

pytestmark = pytest.mark.django_db


def at(days_ago: int, hour: int = 12) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def weeks_back(count: int) -> list[date]:
    today = timezone.localdate()
    return [today - timedelta(weeks=n) for n in range(count, 0, -1)]


def replayed(days: list[date]) -> dict[str, list[int]]:
    """Open risks by level at the end of each day, replaying each risk's history in
    Python: at its latest residual level by then, else its latest inherent one."""
    zone = timezone.get_current_timezone()
    moments = [datetime.combine(d, time.max, tzinfo=zone) for d in days]
    series = {level: [0] * len(days) for level in Level.values}
    for risk in access.unrestricted(Risk):
        if risk.status == Status.CLOSED and risk.closed_at is None:
            continue
        history = list(
            access.unrestricted(Assessment).filter(risk=risk).order_by("assessed_at", "id")
        )
        for index, moment in enumerate(moments):
            if risk.raised_at > moment or (risk.closed_at and risk.closed_at <= moment):
                continue
            inherent = residual = ""
            for assessment in history:
                if assessment.assessed_at > moment:
                    break
                if assessment.kind == "residual":
                    residual = assessment.level
                else:
                    inherent = assessment.level
            if residual or inherent:
                series[residual or inherent][index] += 1
    return series


def move(risk: Risk, raised_days_ago: int, *assessed_days_ago: int) -> None:
    access.unrestricted(Risk).filter(pk=risk.pk).update(raised_at=at(raised_days_ago, 9))
    ids = access.unrestricted(Assessment).filter(risk=risk).order_by("id")
    for pk, days in zip(ids.values_list("pk", flat=True), assessed_days_ago, strict=True):
        access.unrestricted(Assessment).filter(pk=pk).update(assessed_at=at(days))


@pytest.fixture
def history(manager, partner_a, partner_b):
    """Risks with a past: mitigated, re-assessed after mitigation, closed, reopened, never
    assessed, and one whose assessments were entered out of order."""
    mitigated = raise_risk(manager, partner_a, likelihood=4, impact=4, title="Mitigated")
    services.risk_assess(actor=manager, risk=mitigated, kind="residual", likelihood=1, impact=2)
    move(mitigated, 50, 50, 20)
    worse = raise_risk(manager, partner_b, likelihood=2, impact=2, title="Worse")
    services.risk_assess(actor=manager, risk=worse, kind="residual", likelihood=2, impact=3)
    # A later inherent assessment leaves the residual level standing.
    services.risk_assess(actor=manager, risk=worse, kind="inherent", likelihood=5, impact=5)
    services.risk_assess(actor=manager, risk=worse, kind="residual", likelihood=4, impact=5)
    move(worse, 40, 40, 30, 25, 9)
    closed = raise_risk(manager, partner_a, likelihood=3, impact=3, title="Closed")
    add_action(manager, closed, status="done")
    services.risk_close(actor=manager, risk=closed)
    move(closed, 35, 35)
    access.unrestricted(Risk).filter(pk=closed.pk).update(closed_at=at(15))
    reopened = raise_risk(manager, partner_b, likelihood=5, impact=4, title="Reopened")
    add_action(manager, reopened, status="done")
    services.risk_close(actor=manager, risk=reopened)
    services.risk_reopen(actor=manager, risk=reopened)
    move(reopened, 28, 28)
    raise_risk(manager, partner_a, title="Not assessed yet")
    shuffled = raise_risk(manager, partner_b, likelihood=2, impact=5, title="Shuffled")
    services.risk_assess(actor=manager, risk=shuffled, kind="residual", likelihood=1, impact=1)
    # Entered out of order: the residual assessment is dated before the inherent one.
    move(shuffled, 45, 10, 30)
    services.assessment_levels_refresh()
    return [mitigated, worse, closed, reopened, shuffled]


def test_counted_trend_equals_the_replayed_history(history, manager):
    days = weeks_back(8)
    _filterset, queryset = selectors.risk_list(user=manager, params=None)
    expected = replayed(days)
    assert selectors.open_by_level(queryset, days) == expected
    assert sum(expected["critical"]) and sum(expected["low"]) and sum(expected["medium"])


def test_stored_days_equal_the_history_and_are_read_back(history, manager):
    _filterset, queryset = selectors.risk_list(user=manager, params=None)
    counted = selectors.trend(queryset, weeks=9)
    stored = selectors.trend(queryset, weeks=9, whole_register=True)
    assert stored.series == counted.series
    assert {level: counts[:-1] for level, counts in stored.series.items()} == replayed(
        weeks_back(8)
    )
    assert set(TrendPoint.objects.values_list("day", flat=True)) == set(weeks_back(8))
    # Stored days are history: what happens today changes today's point only.
    services.risk_assess(actor=manager, risk=history[3], kind="residual", likelihood=1, impact=1)
    again = selectors.trend(queryset, weeks=9, whole_register=True)
    for level in Level.values:
        assert again.series[level][:-1] == stored.series[level][:-1]
    assert again.series["critical"][-1] == stored.series["critical"][-1] - 1
    assert again.series["low"][-1] == stored.series["low"][-1] + 1


def test_trend_as_of_another_day_comes_from_the_history(history, manager):
    day = timezone.localdate() - timedelta(days=10)
    _filterset, queryset = selectors.risk_list(user=manager, params=None)
    trend = selectors.trend(queryset, weeks=5, today=day)
    assert trend.series == replayed([day - timedelta(weeks=n) for n in range(4, -1, -1)])


def test_todays_point_is_the_register_as_it_stands(history, manager):
    _filterset, queryset = selectors.risk_list(user=manager, params=None)
    trend = selectors.trend(queryset, weeks=3, whole_register=True)
    open_risks = access.unrestricted(Risk).filter(status=Status.OPEN).exclude(level="")
    for level in Level.values:
        assert trend.series[level][-1] == open_risks.filter(level=level).count()


def test_filtered_trend_counts_only_the_filtered_risks(history, manager, partner_a):
    _filterset, queryset = selectors.risk_list(user=manager, params=None)
    only_a = queryset.filter(partner=partner_a)
    everything = selectors.trend(queryset, weeks=9)
    of_a = selectors.trend(only_a, weeks=9)
    # "Mitigated" (partner A) was high from 50 to 20 days ago, then low.
    assert of_a.series["high"][:4] == [0, 1, 1, 1]
    for level in Level.values:
        pairs = zip(of_a.series[level], everything.series[level], strict=True)
        assert all(a <= b for a, b in pairs)
    assert not TrendPoint.objects.exists()


def test_the_sweep_stores_the_trend_window():
    engine.sweep()
    days = set(TrendPoint.objects.values_list("day", flat=True))
    today = timezone.localdate()
    assert days == {today - timedelta(days=n) for n in range(1, services.TREND_DAYS + 1)}
    assert services.trend_points_fill() == 0


def test_overview_page_queries_do_not_grow_with_risks(client, manager, partner_a, history):
    login(client, manager)
    url = reverse("risks:overview")
    client.get(url)  # stores the past days
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        raise_risk(manager, partner_a, likelihood=n % 5 + 1, impact=3, title=f"More {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    filtered = f"{url}?partner={partner_a.pk}"
    with CaptureQueriesContext(connection) as first:
        client.get(filtered)
    with CaptureQueriesContext(connection) as second:
        client.get(filtered)
    assert len(first) == len(second)


def test_only_the_whole_register_reads_and_stores_days(client, analyst, partner_a, history):
    login(client, analyst)
    url = reverse("risks:overview")
    assert client.get(url, {"partner": partner_a.pk}).status_code == 200
    assert not TrendPoint.objects.exists()
    response = client.get(url)
    assert set(TrendPoint.objects.values_list("day", flat=True)) == set(weeks_back(11))
    chart = response.context["trend"]
    _filterset, queryset = selectors.risk_list(user=analyst, params=None)
    counted = selectors.trend(queryset)
    assert [d["data"] for d in chart["datasets"]] == [
        counted.series[level] for level in Level.values
    ]


# The sweep in bulk --------------------------------------------------------------------------


@pytest.fixture
def missing_documents(manager):
    """Active resellers that have not submitted a required document: one cause each."""
    requirement("reseller", expires=True)
    return [make_partner(stage="active", owner=manager) for _ in range(7)]


def test_sweep_raises_every_new_cause_in_batches_once(missing_documents, monkeypatch):
    monkeypatch.setattr(engine, "BATCH", 3)
    report = engine.sweep()
    assert report.raised == 7
    raised = access.unrestricted(Risk).order_by("partner_id")
    assert [r.partner_id for r in raised] == sorted(p.pk for p in missing_documents)
    for risk in raised.select_related("signal"):
        assert risk.owner == risk.partner.owner and risk.raised_by is None
        assert risk.signal.risk_id == risk.pk and risk.signal_key == risk.signal.key
        assert (risk.inherent_likelihood, risk.inherent_impact, risk.level) == (3, 3, "medium")
        first = access.unrestricted(Assessment).get(risk=risk)
        assert (first.kind, first.score, first.risk_level) == ("inherent", 9, "medium")
    levels = access.unrestricted(PartnerRiskLevel).filter(partner__in=missing_documents)
    assert sorted(levels.values_list("level", "open_risks")) == [("medium", 1)] * 7
    # Each raised risk, its assessment and its signal is in the audit log.
    for model, count in ((Risk, 7), (Assessment, 7), (RiskSignal, 7)):
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), action="create"
        )
        assert entries.count() == count
    # The same causes again: nothing new.
    again = engine.sweep()
    assert (again.raised, again.updated, again.resolved) == (0, 0, 0)
    assert access.unrestricted(Risk).count() == 7


def test_a_cause_back_while_its_risk_is_open_updates_that_risk(missing_documents, admin_user):
    engine.sweep()
    services.rule_update(
        actor=admin_user, code="compliance_document", params={"include_missing": 0}
    )
    engine.sweep()
    assert not access.unrestricted(RiskSignal).filter(status=SignalStatus.OPEN).exists()
    services.rule_update(
        actor=admin_user, code="compliance_document", params={"include_missing": 1}
    )
    report = engine.sweep()
    assert (report.raised, report.updated) == (0, 7)
    assert access.unrestricted(Risk).count() == 7
    for signal in access.unrestricted(RiskSignal).filter(status=SignalStatus.OPEN):
        assert signal.risk.signal_key == signal.key


def test_raising_many_risks_takes_the_same_statements_as_raising_a_few(manager):
    partners = [make_partner(owner=manager) for _ in range(8)]

    def drafts(chosen):
        return [
            services.RiskDraft(
                partner=p, category_code="operational", title="Late", likelihood=3, impact=3
            )
            for p in chosen
        ]

    with CaptureQueriesContext(connection) as few:
        services.risk_raise_many(actor=None, drafts=drafts(partners[:2]))
    with CaptureQueriesContext(connection) as many:
        services.risk_raise_many(actor=None, drafts=drafts(partners[2:]))
    assert len(many) == len(few)
    assert access.unrestricted(Risk).count() == 8
    assert access.unrestricted(Assessment).count() == 8


def test_a_bad_draft_raises_nothing(manager, partner_a):
    drafts = [
        services.RiskDraft(partner=partner_a, category_code="operational", title="Fine"),
        services.RiskDraft(
            partner=partner_a, category_code="operational", title="Bad", likelihood=6, impact=2
        ),
    ]
    with pytest.raises(BusinessError):
        services.risk_raise_many(actor=manager, drafts=drafts)
    assert not access.unrestricted(Risk).exists()
