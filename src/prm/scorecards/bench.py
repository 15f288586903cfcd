"""``prm bench scorecards``: full recompute of one template over a quarter against one
hand-written SQL query computing the same aggregation, and the query counts at 1k and 10k
partners.

The data: ``--partners`` suppliers (default 10,000) x 20 metrics x 24 months of
observations (4.8 million rows), written with PostgreSQL's COPY (bulk inserts elsewhere),
bypassing the audit log — it is benchmark data, not business data. Run it against a
throwaway database::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/prm_bench_sc prm bench scorecards

The template weighs 8 KPIs (16 of the metrics) over a quarter. The first partners
(1,000) are also of type OEM, so an identical template for OEMs shows the query count at
1k partners beside the supplier template's at 10k.
"""

from __future__ import annotations

import datetime
import io
import random
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from prm.audit.context import Channel, acting
from prm.core import access
from prm.metrics.models import Metric, Observation
from prm.metrics.periods import Period, PeriodKind, last_n
from prm.partners.models import Partner
from prm.scorecards import compute, services
from prm.scorecards.models import KPI, KPIResult, ScorecardResult, ScorecardTemplate

PREFIX = "SC bench"
METRICS = 20
MONTHS = 24
UNTIL = datetime.date(2026, 9, 30)
SMALL = 1000
KPIS = (
    ("bk_ratio", "bm01 / bm02 * 100", "higher", 60),
    ("bk_level", "bm03", "higher", 500),
    ("bk_margin", "(bm04 - bm05) / bm06 * 100", "higher", 40),
    ("bk_floor", "min(bm07, bm08)", "higher", 400),
    ("bk_switch", "if(bm09 > bm10, 100, 50)", "higher", 90),
    ("bk_per", "bm11 / (bm12 + 1)", "lower", 1),
    ("bk_peak", "max(bm13, bm14) / 10", "higher", 80),
    ("bk_gap", "abs(bm15 - bm16)", "lower", 50),
)


def _metric_codes() -> list[str]:
    return [f"bm{i:02d}" for i in range(1, METRICS + 1)]


def generate(partners: int, *, seed: int = 11, out=print) -> list[int]:
    """Suppliers, metrics and monthly observations (skipped when already there)."""
    rng = random.Random(seed)
    existing = list(
        access.unrestricted(Partner)
        .filter(name__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(existing) < partners:
        rows = [
            Partner(name=f"{PREFIX} {i:05d}", name_key=f"scbench{i:05d}", stage="active")
            for i in range(len(existing), partners)
        ]
        created = Partner._base_manager.bulk_create(rows, batch_size=2000)
        through = Partner.types.through
        links = []
        for index, p in enumerate(created, start=len(existing)):
            links.append(through(partner_id=p.pk, partnertype_id="supplier"))
            if index < SMALL:
                links.append(through(partner_id=p.pk, partnertype_id="oem"))
        through.objects.bulk_create(links, batch_size=5000)
        existing += [p.pk for p in created]
    ids = existing[:partners]
    metrics = {}
    for code in _metric_codes():
        metric = access.unrestricted(Metric).filter(code=code).first()
        if metric is None:
            metric = Metric(
                code=code, name_ko=f"벤치 {code}", name_en=f"Bench {code}", rollup="sum"
            )
            metric.save()
        metrics[code] = metric.pk
    have = access.unrestricted(Observation).filter(metric_id__in=list(metrics.values())).count()
    wanted = len(ids) * METRICS * MONTHS
    if have >= wanted:
        return ids
    access.unrestricted(Observation).filter(
        metric_id__in=list(metrics.values())
    ).order_by()._raw_delete(connection.alias)
    months = last_n(PeriodKind.MONTH, MONTHS, until=UNTIL)
    out(f"Writing {wanted:,} observations…")
    started = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC).isoformat()
    table = Observation._meta.db_table
    columns = (
        "created_at",
        "updated_at",
        "metric_id",
        "partner_id",
        "period_kind",
        "period_start",
        "value",
        "source",
        "note",
        "recorded_at",
    )
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                buffer = io.StringIO()
                for n, partner in enumerate(ids):
                    for metric in metrics.values():
                        for month in months:
                            value = rng.randint(0, 1000)
                            buffer.write(
                                f"{now}\t{now}\t{metric}\t{partner}\tmonth\t{month.start}\t"
                                f"{value}\timport\t\t{now}\n"
                            )
                    if n % 500 == 499:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
    else:
        batch = []
        for partner in ids:
            for metric in metrics.values():
                for month in months:
                    batch.append(
                        Observation(
                            metric_id=metric,
                            partner_id=partner,
                            period_kind="month",
                            period_start=month.start,
                            value=Decimal(rng.randint(0, 1000)),
                            source="import",
                        )
                    )
            if len(batch) > 20000:
                Observation._base_manager.bulk_create(batch)
                batch = []
        Observation._base_manager.bulk_create(batch)
    out(f"  written in {time.perf_counter() - started:.1f} s")
    return ids


def template(partner_type: str) -> ScorecardTemplate:
    name = f"Bench {partner_type}"
    found = ScorecardTemplate.objects.filter(name_en=name).first()
    if found is not None:
        return found
    lines = []
    for code, formula, direction, target in KPIS:
        kpi = KPI.objects.filter(code=code).first() or services.kpi_create(
            actor=None,
            data={
                "code": code,
                "name_ko": code,
                "name_en": code,
                "formula": formula,
                "direction": direction,
                "target": Decimal(target),
            },
        )
        lines.append((kpi, Decimal("12.5")))
    return services.template_save(
        actor=None,
        data={"name_ko": name, "name_en": name, "period_kind": "quarter"},
        partner_types=[partner_type],
        lines=lines,
    )


def hand_written_sql(period: Period) -> tuple[float, int]:
    """The same aggregation in one query: every partner's sum per metric over the period."""
    codes = sorted({c for _k, f, _d, _t in KPIS for c in _names(f)})
    ids = list(access.unrestricted(Metric).filter(code__in=codes).values_list("pk", flat=True))
    sql = (
        f"SELECT partner_id, metric_id, SUM(value) FROM {Observation._meta.db_table} "  # noqa: S608
        "WHERE metric_id = ANY(%s) AND period_kind IN ('day', 'month', 'quarter') "
        "AND period_start BETWEEN %s AND %s GROUP BY partner_id, metric_id"
    )
    params = [ids, period.start, period.end]
    if connection.vendor != "postgresql":
        marks = ", ".join(["%s"] * len(ids))
        sql = sql.replace("= ANY(%s)", f"IN ({marks})")
        params = [*ids, period.start, period.end]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return time.perf_counter() - started, len(rows)


def _names(formula: str) -> set[str]:
    from prm.scorecards.evaluator import parse

    return set(parse(formula).names)


def _clear(template_: ScorecardTemplate) -> None:
    access.unrestricted(KPIResult).filter(result__template=template_).order_by()._raw_delete(
        connection.alias
    )
    access.unrestricted(ScorecardResult).filter(template=template_).order_by()._raw_delete(
        connection.alias
    )


def _timed_recompute(template_: ScorecardTemplate, period: Period, *, subscribers=True):
    """(seconds, queries, report, seconds of the event subscribers after the commit).

    ``subscribers=False`` leaves out the other capabilities' subscribers of scorecard.*
    events (risks, tiers …), which would otherwise run for every partner after the commit.
    """
    from prm.core import events

    saved = dict(events._subscribers)
    if not subscribers:
        events._subscribers.clear()
    connection.queries_log.clear()
    try:
        return _run(template_, period)
    finally:
        events._subscribers.clear()
        events._subscribers.update(saved)


def _run(template_: ScorecardTemplate, period: Period):
    with CaptureQueriesContext(connection) as queries:
        atomic = transaction.atomic()
        atomic.__enter__()
        started = time.perf_counter()
        report = compute.recompute(template=template_, period=period)
        elapsed = time.perf_counter() - started
        count = len(queries)
        started = time.perf_counter()
        # Subscribers of scorecard.* (other capabilities) run once this commits.
        atomic.__exit__(None, None, None)
        subscribers = time.perf_counter() - started
    return elapsed, count, report, subscribers


def _subs(run, *, tmpl_name: str) -> str:
    return f"{run[3]:.2f}" if tmpl_name == "oem" else "not run"


def command(cmd, options) -> None:
    partners = options["partners"]
    with acting(None, Channel.CLI):
        ids = generate(partners, out=cmd.stdout.write)
        big, small = template("supplier"), template("oem")
        period = Period.parse("2026-Q3")
        sql_times = [hand_written_sql(period) for _ in range(3)]
        sql_best, sql_rows = min(t for t, _n in sql_times), sql_times[0][1]
        results = {}
        for name, tmpl in (("oem", small), ("supplier", big)):
            _clear(tmpl)
            cmd.stdout.write(f"Recomputing {tmpl}…")
            with_subscribers = tmpl is small
            first = _timed_recompute(tmpl, period, subscribers=with_subscribers)
            again = _timed_recompute(tmpl, period, subscribers=with_subscribers)
            results[name] = (first, again)
    cmd.stdout.write(
        f"\n{connection.vendor}: {len(ids):,} partners x {METRICS} metrics x {MONTHS} months "
        f"= {len(ids) * METRICS * MONTHS:,} observations; template of {len(KPIS)} KPIs "
        f"over {period.label}\n"
    )
    cmd.stdout.write("| case | partners | seconds | queries | subscribers after commit (s) |")
    cmd.stdout.write("|---|---|---|---|---|")
    cmd.stdout.write(
        f"| hand-written SQL (one query, {sql_rows:,} partnerxmetric sums, best of 3) | "
        f"{len(ids):,} | {sql_best:.2f} | 1 | |"
    )
    for name, (first, again) in results.items():
        count = first[2].partners
        cmd.stdout.write(
            f"| full recompute, results written ({name}) | {count:,} | {first[0]:.2f} | "
            f"{first[1]} | {_subs(first, tmpl_name=name)} |"
        )
        cmd.stdout.write(
            f"| full recompute, nothing changed ({name}) | {count:,} | {again[0]:.2f} | "
            f"{again[1]} | {_subs(again, tmpl_name=name)} |"
        )
    big_first = list(results.values())[-1][0][0]
    cmd.stdout.write(
        f"\nrecompute / SQL = {big_first / sql_best:.1f}x (results written), "
        f"{list(results.values())[-1][1][0] / sql_best:.1f}x (nothing changed)"
    )
