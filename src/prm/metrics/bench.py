"""Benchmark data for the performance capability: partners x metrics x months of monthly
observations (10,000 x 20 x 24 = 4.8 million rows), and the latency of ``values_for``.

``prm bench-data performance --partners 10000 --metrics 20 --months 24`` writes them;
scorecards (recompute) and the dashboard benchmarks build on the same data (``ensure``).
On PostgreSQL the rows go in with ``COPY``; elsewhere in ``bulk_create`` batches. The
benchmark rows are not audited (they are written past the model manager on purpose: an
audit entry per generated row would measure the audit log, not the metrics).

The metrics are the default ones that add up (revenue, won deals, delivery counts…), so
the dashboards and the ratio metrics built on them show believable figures, then
``bench_mNN`` metrics up to the number asked for.
"""

from __future__ import annotations

import datetime
import io
import random
import statistics
import sys
import time
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from prm.core import access
from prm.metrics.models import Metric, Observation, Rollup, Source
from prm.metrics.periods import Period, PeriodKind, last_n
from prm.partners.models import Partner

PREFIX = "Bench partner"
KEY_PREFIX = "benchpartner"
# Default metrics that are stored (not ratios), with a plausible monthly range each.
REAL_METRICS = (
    ("revenue", 1_000_000, 500_000_000),
    ("won_deals", 0, 12),
    ("won_amount", 0, 300_000_000),
    ("closed_deals", 0, 20),
    ("total_lines", 10, 200),
    ("on_time_lines", 5, 200),
    ("received_lines", 10, 200),
    ("lead_time_days_total", 50, 4000),
    ("received_qty", 100, 10_000),
    ("rejected_qty", 0, 300),
    ("spend", 1_000_000, 900_000_000),
    ("nps", -20, 80),
    ("quality_incidents", 0, 5),
    ("open_leads", 0, 30),
    ("reseller_sales", 0, 200_000_000),
)


def metric_codes(count: int) -> list[str]:
    codes = [code for code, _low, _high in REAL_METRICS[:count]]
    codes += [f"bench_m{i:02d}" for i in range(len(codes) + 1, count + 1)]
    return codes


def _ranges(count: int) -> dict[str, tuple[int, int]]:
    table = {code: (low, high) for code, low, high in REAL_METRICS}
    return {code: table.get(code, (0, 1000)) for code in metric_codes(count)}


def _partners(count: int, stdout) -> list[int]:
    existing = list(
        access.unrestricted(Partner)
        .filter(name_key__startswith=KEY_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(existing) < count:
        rng = random.Random(3)
        regions = ["서울", "경기", "부산", "대구", "인천", "광주", "대전"]
        rows = [
            Partner(
                name=f"{PREFIX} {i:05d}",
                name_key=f"{KEY_PREFIX}{i:05d}",
                stage="active",
                region=rng.choice(regions),
                external_id=f"bench:{i:05d}",
            )
            for i in range(len(existing), count)
        ]
        created = Partner._base_manager.bulk_create(rows, batch_size=2000)
        through = Partner.types.through
        links = [
            through(partner_id=p.pk, partnertype_id="supplier" if p.pk % 2 else "reseller")
            for p in created
        ]
        through.objects.bulk_create(links, batch_size=5000)
        existing += [p.pk for p in created]
        stdout.write(f"Partners: {len(created):,} created, {len(existing):,} in all.\n")
    return existing[:count]


def _metrics(count: int) -> dict[str, int]:
    ids = {}
    for code in metric_codes(count):
        metric = access.unrestricted(Metric).filter(code=code).first()
        if metric is None:
            metric = Metric(
                code=code, name_ko=f"벤치 {code}", name_en=f"Bench {code}", rollup=Rollup.SUM
            )
            metric.save()
        ids[code] = metric.pk
    return ids


def generate(
    partners: int,
    metrics: int,
    months: int,
    *,
    stdout=sys.stdout,
    seed: int = 7,
    until: datetime.date | None = None,
) -> dict[str, float]:
    """Write ``partners x metrics x months`` monthly observations (replacing earlier
    benchmark observations of the same partners and metrics). Returns the timings."""
    started = time.perf_counter()
    partner_ids = _partners(partners, stdout)
    metric_ids = _metrics(metrics)
    ranges = _ranges(metrics)
    periods = last_n(PeriodKind.MONTH, months, until=until or timezone.localdate())
    prepared = time.perf_counter()
    Observation._base_manager.filter(
        partner_id__in=partner_ids, metric_id__in=list(metric_ids.values())
    ).order_by()._raw_delete(connection.alias)
    cleared = time.perf_counter()
    rng = random.Random(seed)
    total = len(partner_ids) * len(metric_ids) * len(periods)
    stdout.write(f"Writing {total:,} observations ({connection.vendor})…\n")
    now = timezone.now()
    if connection.vendor == "postgresql":
        _copy(partner_ids, metric_ids, ranges, periods, rng, now, stdout)
    else:
        _bulk(partner_ids, metric_ids, ranges, periods, rng, now, stdout)
    written = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Observation._meta.db_table}")
    timings = {
        "observations": total,
        "prepare_s": prepared - started,
        "clear_s": cleared - prepared,
        "write_s": written - cleared,
        "total_s": time.perf_counter() - started,
    }
    stdout.write(
        f"Done: {total:,} observations in {timings['write_s']:.1f} s "
        f"({total / max(timings['write_s'], 1e-9):,.0f} rows/s); "
        f"{timings['total_s']:.1f} s in all.\n"
    )
    return timings


def _values(partner_ids, metric_ids, ranges, periods, rng):
    for partner in partner_ids:
        for code, metric in metric_ids.items():
            low, high = ranges[code]
            for period in periods:
                yield partner, metric, period.start, rng.randint(low, high)


def _copy(partner_ids, metric_ids, ranges, periods, rng, now, stdout) -> None:
    table = Observation._meta.db_table
    columns = (
        "created_at, updated_at, metric_id, partner_id, period_kind, period_start, value, "
        "source, note, recorded_at"
    )
    stamp = now.isoformat()
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        buffer = io.StringIO()
        for n, (partner, metric, start, value) in enumerate(
            _values(partner_ids, metric_ids, ranges, periods, rng), 1
        ):
            buffer.write(
                f"{stamp}\t{stamp}\t{metric}\t{partner}\tmonth\t{start}\t{value}\t"
                f"{Source.IMPORT}\t\t{stamp}\n"
            )
            if n % 200_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
                stdout.write(f"  {n:,}\n")
        copy.write(buffer.getvalue())


def _bulk(partner_ids, metric_ids, ranges, periods, rng, now, stdout) -> None:
    batch: list[Observation] = []
    with transaction.atomic():
        for n, (partner, metric, start, value) in enumerate(
            _values(partner_ids, metric_ids, ranges, periods, rng), 1
        ):
            batch.append(
                Observation(
                    created_at=now,
                    updated_at=now,
                    metric_id=metric,
                    partner_id=partner,
                    period_kind=PeriodKind.MONTH,
                    period_start=start,
                    value=Decimal(value),
                    source=Source.IMPORT,
                    recorded_at=now,
                )
            )
            if len(batch) >= 5000:
                Observation._base_manager.bulk_create(batch)
                batch = []
            if n % 200_000 == 0:
                stdout.write(f"  {n:,}\n")
        if batch:
            Observation._base_manager.bulk_create(batch)


def ensure(*, partners: int, months: int = 24, metrics: int = 20, stdout=sys.stdout) -> None:
    """Generate the benchmark data unless it is already there (for other benchmarks)."""
    partner_ids = list(
        access.unrestricted(Partner)
        .filter(name_key__startswith=KEY_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:partners]
    )
    codes = metric_codes(metrics)
    if len(partner_ids) == partners:
        have = (
            access.unrestricted(Observation)
            .filter(partner_id__in=partner_ids, metric__code__in=codes)
            .count()
        )
        if have >= partners * metrics * months:
            stdout.write(f"Benchmark data present: {have:,} observations.\n")
            return
    generate(partners, metrics, months, stdout=stdout)


def measure_values_for(*, metrics: int = 20, runs: int = 10, stdout=sys.stdout) -> dict:
    """Latency of ``values_for`` for every benchmark partner: all the metrics (and the two
    default ratios) over the last complete quarter, rolled up from months."""
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    from prm.metrics.selectors import values_for

    codes = [*metric_codes(metrics), "on_time_rate", "rejection_rate"]
    quarter = Period.containing(PeriodKind.QUARTER, timezone.localdate()).previous()
    partner_ids = list(
        access.unrestricted(Partner)
        .filter(name_key__startswith=KEY_PREFIX)
        .values_list("pk", flat=True)
    )
    timings = []
    values = {}
    queries = 0
    for _run in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            values = values_for(metric_codes=codes, partner_ids=None, period=quarter)
            timings.append(time.perf_counter() - started)
        queries = len(captured)
    timings.sort()
    result = {
        "partners": len(partner_ids),
        "period": quarter.label,
        "values": len(values),
        "queries": queries,
        "p50_ms": statistics.median(timings) * 1000,
        "max_ms": timings[-1] * 1000,
    }
    stdout.write(
        f"values_for: {result['partners']:,} partners x {len(codes)} metrics over "
        f"{result['period']} → {result['values']:,} values in {result['p50_ms']:.0f} ms "
        f"(p50 of {runs}; max {result['max_ms']:.0f} ms), {queries} queries.\n"
    )
    return result
