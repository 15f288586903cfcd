"""The PostgreSQL change filter of a full recompute (``prm.scorecards.sql``): the partners
it leaves out are exactly those whose result the Python computation would leave alone."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prm.core import access
from prm.metrics.models import Metric, Observation, Rollup
from prm.metrics.periods import Period
from prm.scorecards import compute, services, sql
from prm.scorecards.evaluator import parse
from prm.scorecards.models import ScorecardResult, ScoringRule, Target
from tests.conftest import make_partner
from tests.scorecards.factories import make_kpi, observe
from tests.scorecards.test_evaluator import expressions

Q3 = Period.parse("2026-Q3")
pytestmark = [
    pytest.mark.django_db(transaction=False),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the change filter runs on PostgreSQL only"
    ),
]
CODES = ("fsum", "favg", "flast", "fnum", "fden", "fratio")


def _metrics():
    found = {}
    for code in CODES[:-1]:
        rollup = {"favg": Rollup.AVERAGE, "flast": Rollup.LAST}.get(code, Rollup.SUM)
        found[code] = access.unrestricted(Metric).create(
            code=code, name_ko=code, name_en=code, rollup=rollup
        )
    found["fratio"] = access.unrestricted(Metric).create(
        code="fratio",
        name_ko="fratio",
        name_en="fratio",
        rollup=Rollup.RATIO,
        numerator=found["fnum"],
        denominator=found["fden"],
        multiplier=Decimal(100),
    )
    return found


def _template(kpis):
    return services.template_save(
        actor=None,
        data={"name_ko": "필터", "name_en": "Filter", "period_kind": "quarter"},
        partner_types=["supplier"],
        lines=[(kpi, Decimal(100) / len(kpis)) for kpi in kpis],
    )


def _results(template):
    rows = access.unrestricted(ScorecardResult).filter(template=template)
    return {
        r.partner_id: (r.score, r.standing, r.previous_standing, r.snapshot, r.fingerprint)
        for r in rows
    }


def _python_only(monkeypatch, template):
    with monkeypatch.context() as patched:
        patched.setattr(sql, "available", lambda: False)
        return compute.recompute(template=template, period=Q3)


def _filtered(template) -> list[int]:
    lines, bands = compute._template_parts(template)
    digest = compute._describe(template, lines, bands)
    return sql.changed_partners(template, Q3, lines, bands, digest)


@pytest.fixture
def varied(tiers):
    """Partners with every roll-up (monthly and daily observations, a quarter stored as
    such), own, tier and default targets, linear and band scoring, missing data."""
    _metrics()
    kpis = [
        make_kpi("k_sum", "fsum / 3", target=Decimal(100), floor=Decimal(10)),
        make_kpi("k_avg", "favg * 2", direction="lower", target=Decimal(20)),
        make_kpi("k_last", "if(flast > 5, flast, 0)", target=Decimal(50)),
        make_kpi("k_ratio", "min(fratio, 90) + abs(fsum - favg)", target=Decimal(80)),
        make_kpi(
            "k_bands",
            "round(fsum / fden, 1)",
            scoring=ScoringRule.BANDS,
            bands=[{"min": None, "max": "2", "score": "20"}, {"min": "2", "score": "90"}],
        ),
        make_kpi("k_none", "fsum", direction="lower"),  # no target: no score
    ]
    template = _template(kpis)
    access.unrestricted(Target).create(kpi=kpis[0], tier=tiers["gold"], target=Decimal(50))
    partners = []
    for index in range(6):
        tier = tiers["gold"] if index % 2 else None
        partner = make_partner(types=["supplier"], tier=tier)
        partners.append(partner)
        if index == 5:
            continue  # no data at all
        for month in ("2026-07", "2026-08", "2026-09")[: index % 3 + 1]:
            observe(partner, "fsum", month, 37 + index * 11)
            observe(partner, "favg", month, Decimal("7.125") * (index + 1))
            observe(partner, "flast", month, index * 3 + int(month[-1]))
            observe(partner, "fnum", month, 3 + index)
            observe(partner, "fden", month, index)  # 0 for the first: ratio of its own
        if index == 0:
            observe(partner, "fratio", "2026-Q3", 44)
            observe(partner, "favg", "2026-07-15", 1)  # days beside months: months win
    access.unrestricted(Target).create(kpi=kpis[1], partner=partners[1], target=Decimal(9))
    return template, partners, kpis


def test_nothing_is_flagged_after_a_computation_and_a_change_flags_its_partner(varied, monkeypatch):
    template, partners, _kpis = varied
    report = _python_only(monkeypatch, template)
    assert report.created == len(partners)
    assert _filtered(template) == []

    observe(partners[1], "fsum", "2026-09", 5)
    assert _filtered(template) == [partners[1].pk]

    access.unrestricted(Target).filter(tier__isnull=False).update(target=Decimal(60))
    gold = sorted(p.pk for p in partners if p.tier_id)
    assert _filtered(template) == sorted({partners[1].pk, *gold})


def test_with_one_kind_of_observation_per_metric_the_roll_up_takes_the_short_path(
    varied, monkeypatch
):
    template, partners, _kpis = varied
    codes = [code for code in CODES if code != "flast"]
    ids = list(access.unrestricted(Metric).filter(code__in=codes).values_list("pk", flat=True))
    assert not sql._one_kind_each(ids, Q3)  # days beside months
    access.unrestricted(Observation).filter(period_kind="day").delete()
    assert sql._one_kind_each(ids, Q3)
    _python_only(monkeypatch, template)
    assert _filtered(template) == []
    observe(partners[3], "favg", "2026-08", 2)
    assert _filtered(template) == [partners[3].pk]


def test_recompute_through_the_filter_stores_what_python_alone_stores(varied, monkeypatch):
    template, partners, _kpis = varied
    first = compute.recompute(template=template, period=Q3)
    assert first.created == len(partners)
    observe(partners[3], "flast", "2026-08", 1)
    again = compute.recompute(template=template, period=Q3)
    assert (again.updated, again.unchanged) == (1, len(partners) - 1)
    through_filter = _results(template)

    access.unrestricted(ScorecardResult).filter(template=template).delete()
    _python_only(monkeypatch, template)
    alone = _results(template)
    assert {pk: row[:2] + row[3:] for pk, row in through_filter.items()} == {
        pk: row[:2] + row[3:] for pk, row in alone.items()
    }


def test_a_statement_that_fails_makes_every_partner_computed(varied, monkeypatch):
    template, partners, _kpis = varied
    monkeypatch.setattr(sql, "statement", lambda *args: ("SELECT 1 / 0", {}))
    report = compute.recompute(template=template, period=Q3)
    assert report.created == len(partners)


@pytest.mark.parametrize(
    ("formula", "values"),
    [
        ("a / b * 100", {"a": "3", "b": "7"}),
        ("a / b", {"a": "3", "b": "0"}),
        ("min(a, b) + max(a, 1)", {"a": "2", "b": None}),
        ("max(a, b, 4)", {"a": "2", "b": "3"}),
        ("1 < a < b", {"a": "2", "b": "1"}),
        ("1 < a < b", {"a": "0", "b": None}),
        ("a < b <= 3", {"a": "2", "b": "3"}),
        ("if(a, b, 1 / 0)", {"a": "0", "b": "1"}),
        ("if(a - 2, b, 5)", {"a": "2", "b": None}),
        ("round(a / b, 2) + round(a)", {"a": "2.5", "b": "3"}),
        ("-a + +b == 1", {"a": "2", "b": "3"}),
        ("abs(a - b) * 1.5e2", {"a": "2", "b": "3.25"}),
    ],
)
def test_compiled_formulas_compute_what_the_evaluator_computes(formula, values):
    assert _in_sql(formula, values) == _in_python(formula, values)


def _in_python(formula, values):
    result = parse(formula).evaluate({k: v and Decimal(v) for k, v in values.items()})
    return None if result is None else result.quantize(Decimal("0.0001"))


def _in_sql(formula, values):
    params = sql.Params()
    columns = {name: params(value) for name, value in values.items()}
    expression = sql.FormulaSQL(columns, params).compile(formula)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT round({expression}, 4)", params)
        return cursor.fetchone()[0]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    formula=expressions(names=CODES),
    values=st.lists(
        st.one_of(st.none(), st.integers(-50, 200)), min_size=len(CODES), max_size=len(CODES)
    ),
    change=st.sampled_from(CODES),
)
def test_random_formulas_and_changes_never_leave_a_stale_result(
    formula, values, change, monkeypatch
):
    """Whatever the formula (even one whose SQL rounds differently from Python), a
    partner whose inputs changed is recomputed, and the stored results equal Python's."""
    with transaction.atomic():
        _metrics()
        template = _template([make_kpi("k_fuzz", formula, target=Decimal(10))])
        partner, other = make_partner(types=["supplier"]), make_partner(types=["supplier"])
        for code, value in zip(CODES, values, strict=True):
            if value is not None:
                observe(partner, code, "2026-08", value)
                observe(other, code, "2026-08", value)
        compute.recompute(template=template, period=Q3)
        observe(partner, change, "2026-09", 7)
        compute.recompute(template=template, period=Q3)
        through_filter = _results(template)
        access.unrestricted(ScorecardResult).filter(template=template).delete()
        _python_only(monkeypatch, template)
        alone = _results(template)
        assert through_filter == alone
        transaction.set_rollback(True)
