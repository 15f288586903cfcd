"""Rules of KPIs, templates, standings, disputes and the hold: each refusal is translated,
changes nothing, and the API answers it as JSON 4xx."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from prm.core import access
from prm.core.errors import BusinessError
from prm.metrics.periods import Period
from prm.partners.models import Partner
from prm.scorecards import compute, services
from prm.scorecards.models import (
    KPI,
    Dispute,
    DisputeStatus,
    ScorecardResult,
    ScorecardTemplate,
    StandingBand,
)
from tests.conftest import make_partner, make_user
from tests.scorecards.factories import make_kpi, observe, supplier_template

pytestmark = pytest.mark.django_db


def test_a_kpi_with_an_unknown_metric_is_refused_with_its_position(admin_user):
    with pytest.raises(BusinessError) as caught:
        make_kpi("bad", "on_time_lines / no_such_metric")
    assert caught.value.field == "formula"
    assert caught.value.details["position"] == 16
    assert "no_such_metric" in str(caught.value.message)
    assert not KPI.objects.filter(code="bad").exists()


def test_only_admins_change_kpis(manager):
    with pytest.raises(PermissionDenied):
        services.kpi_create(
            actor=manager, data={"code": "x", "name_ko": "x", "name_en": "x", "formula": "1"}
        )


def test_weights_must_sum_to_100():
    kpi = make_kpi("k1", "won_deals")
    with translation.override("en"), pytest.raises(BusinessError, match=r"sum to 100 .* 90"):
        services.template_save(
            actor=None,
            data={"name_ko": "t", "name_en": "t", "period_kind": "quarter"},
            partner_types=["reseller"],
            lines=[(kpi, Decimal(90))],
        )
    assert not ScorecardTemplate.objects.exists()


@pytest.mark.parametrize(
    ("bands", "words"),
    [
        ([("excellent", 80, 100), ("good", 50, 85), ("critical", 0, 50)], "overlap"),
        ([("excellent", 85, 100), ("good", 60, 80), ("critical", 0, 60)], "uncovered"),
        ([("excellent", 85, 100), ("critical", 10, 85)], "uncovered"),
        ([("critical", 50, 100), ("excellent", 0, 50)], "worse standing"),
        ([("good", 50, 100), ("good", 0, 50)], "twice"),
    ],
)
def test_standing_bands_must_not_overlap_or_leave_gaps(bands, words):
    kpi = make_kpi("k1", "won_deals")
    with translation.override("en"), pytest.raises(BusinessError, match=words):
        services.template_save(
            actor=None,
            data={"name_ko": "t", "name_en": "t", "period_kind": "quarter"},
            partner_types=["reseller"],
            lines=[(kpi, Decimal(100))],
            bands=[{"standing": s, "min_score": lo, "max_score": hi} for s, lo, hi in bands],
        )
    assert not ScorecardTemplate.objects.exists() and not StandingBand.objects.exists()


def test_default_standings_are_85_70_50():
    template = supplier_template()
    assert [(b.standing, b.min_score) for b in template.bands.order_by("-min_score")] == [
        ("excellent", Decimal(85)),
        ("good", Decimal(70)),
        ("watch", Decimal(50)),
        ("critical", Decimal(0)),
    ]


def test_value_bands_of_a_kpi_are_checked_and_score():
    with pytest.raises(BusinessError, match="overlap"):
        make_kpi(
            "b",
            "nps",
            scoring="bands",
            bands=[{"min": 0, "max": 50, "score": 0}, {"min": 40, "max": None, "score": 100}],
        )
    kpi = make_kpi(
        "b",
        "nps",
        scoring="bands",
        bands=[
            {"min": None, "max": 30, "score": 0},
            {"min": 30, "max": 60, "score": 60},
            {"min": 60, "max": None, "score": 100},
        ],
    )
    template = services.template_save(
        actor=None,
        data={"name_ko": "t", "name_en": "t", "period_kind": "quarter"},
        partner_types=["reseller"],
        lines=[(kpi, Decimal(100))],
    )
    partner = make_partner()
    observe(partner, "nps", "2026-08", 45)
    compute.recompute(template=template, period=Period.parse("2026-Q3"))
    assert access.unrestricted(ScorecardResult).get(partner=partner).score == Decimal("60.00")


@pytest.fixture
def result(partner_a):
    template = services.template_save(
        actor=None,
        data={"name_ko": "리셀러", "name_en": "Reseller", "period_kind": "quarter"},
        partner_types=["reseller"],
        lines=[
            (make_kpi("win", "won_deals / closed_deals * 100", target=Decimal(50)), Decimal(100))
        ],
    )
    observe(partner_a, "won_deals", "2026-08", 4)
    observe(partner_a, "closed_deals", "2026-08", 10)
    compute.recompute(template=template, period=Period.parse("2026-Q3"))
    return access.unrestricted(ScorecardResult).get(partner=partner_a)


def test_dispute_workflow(result, portal_admin_a, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispute = services.dispute_open(actor=portal_admin_a, result=result, body="Deals missing")
    assert dispute.status == DisputeStatus.OPEN
    with pytest.raises(BusinessError):
        services.dispute_open(actor=portal_admin_a, result=result, body="again")
    services.dispute_reply(actor=manager, dispute=dispute, body="We will check")
    dispute = access.unrestricted(Dispute).get(pk=dispute.pk)
    assert dispute.status == DisputeStatus.ANSWERED
    services.dispute_reply(actor=portal_admin_a, dispute=dispute, body="Thanks")
    assert access.unrestricted(Dispute).get(pk=dispute.pk).status == DisputeStatus.OPEN
    with pytest.raises(PermissionDenied):
        services.dispute_close(actor=portal_admin_a, dispute=dispute)
    closed = services.dispute_close(actor=manager, dispute=dispute, recompute=True)
    assert closed.status == DisputeStatus.RECOMPUTED
    with pytest.raises(BusinessError):
        services.dispute_reply(actor=portal_admin_a, dispute=dispute, body="late")
    assert [m.body for m in closed.messages.all()] == ["Deals missing", "We will check", "Thanks"]


def test_another_partner_cannot_dispute(result, portal_admin_b):
    from django.http import Http404

    with pytest.raises(Http404):
        services.dispute_open(actor=portal_admin_b, result=result, body="not mine")
    assert not access.unrestricted(Dispute).exists()


def test_a_partner_on_hold_cannot_register_deals(partner_a, portal_admin_a, manager):
    from prm.sales import services as sales

    services.partner_hold_set(actor=manager, partner=partner_a, on_hold=True, reason="위험 등급")
    with translation.override("en"), pytest.raises(BusinessError, match="on hold") as caught:
        sales.deal_register(
            actor=portal_admin_a,
            partner=partner_a,
            customer={"name": "Hanbit Motors"},
            data={"title": "ERP", "amount": Decimal(1000)},
        )
    assert caught.value.code == "on_hold"
    from prm.sales.models import Deal

    assert not access.unrestricted(Deal).exists()
    services.partner_hold_set(actor=manager, partner=partner_a, on_hold=False)
    assert not access.unrestricted(Partner).get(pk=partner_a.pk).on_hold


def test_holding_needs_a_reason_and_staff(partner_a, portal_admin_a, manager):
    with pytest.raises(BusinessError):
        services.partner_hold_set(actor=manager, partner=partner_a, on_hold=True, reason=" ")
    with pytest.raises(PermissionDenied):
        services.partner_hold_set(actor=portal_admin_a, partner=partner_a, on_hold=True, reason="x")
    assert not access.unrestricted(Partner).get(pk=partner_a.pk).on_hold


def test_partner_managers_recompute_only_their_partners(result, manager, partner_b):
    template = result.template
    period = result.period
    with pytest.raises(PermissionDenied):
        services.scorecards_recompute(actor=manager, template=template, period=period)
    with pytest.raises(PermissionDenied):
        services.scorecards_recompute(
            actor=manager, template=template, period=period, partner_ids=[partner_b.pk]
        )
    report = services.scorecards_recompute(
        actor=manager, template=template, period=period, partner_ids=[result.partner_id]
    )
    assert report.unchanged == 1
    analyst = make_user("analyst")
    with pytest.raises(PermissionDenied):
        services.scorecards_recompute(actor=analyst, template=template, period=period)


def test_the_hold_shows_in_the_registry_filter_and_api(partner_a, partner_b, manager, client):
    from tests.conftest import api_client, login

    services.partner_hold_set(actor=manager, partner=partner_a, on_hold=True, reason="위험 등급")
    api = api_client(manager)
    held = api.get("/api/v1/partners", {"on_hold": "true"}).json()
    assert [p["name"] for p in held["items"]] == ["Alpha Systems"]
    assert held["items"][0]["on_hold"] is True and held["items"][0]["hold_reason"] == "위험 등급"
    login(client, manager)
    page = client.get("/partners/", {"on_hold": "true"}, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'data-testid="on-hold"' in text and "Bravo Logistics" not in text
