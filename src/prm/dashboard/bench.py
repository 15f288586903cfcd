"""``prm bench dashboard``: server time of the program dashboard's data endpoint (the JSON
the live charts poll) at 10,000 partners and 4.8 million observations.

The data comes from the metrics generator (``prm.metrics.bench``: partners x metrics x
months of observations); run it on PostgreSQL against a throwaway database. Three cases are
timed: a cold request (the figures cache cleared before every run: the real work), the same
request with a filter, and a poll that finds nothing changed (ETag → 304).
"""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.metrics import bench as metrics_bench
from prm.metrics.models import Observation
from prm.metrics.periods import PeriodKind, last_n
from prm.partners.models import Partner
from prm.scorecards.models import ScorecardResult, ScorecardTemplate

MONTHS = 24
TEMPLATE = "Dashboard benchmark"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _ensure_data(cmd, options) -> None:
    metrics_bench.ensure(partners=options["partners"], months=MONTHS, stdout=cmd.stdout)
    _ensure_scorecards(cmd, options["partners"])


@transaction.atomic
def _ensure_scorecards(cmd, partners: int) -> None:
    """Two months of scorecard results for the benchmark partners,
    so that the scorecard charts aggregate real volumes (written past the audit log, like
    the observations: benchmark data, not business data)."""
    template, created = ScorecardTemplate.objects.get_or_create(
        name_en=TEMPLATE, defaults={"name_ko": "대시보드 벤치", "period_kind": "month"}
    )
    if not created and ScorecardResult._base_manager.filter(template=template).exists():
        return
    ids = list(
        access.unrestricted(Partner)
        .filter(name_key__startswith=metrics_bench.KEY_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:partners]
    )
    rng = random.Random(5)
    now = timezone.now()
    months = last_n(PeriodKind.MONTH, 2, until=timezone.localdate())
    standings = ("excellent", "good", "watch", "critical")
    cmd.stdout.write(f"Writing {len(ids) * 2:,} scorecard results…\n")
    for month in months:
        results = [
            ScorecardResult(
                partner_id=pk,
                template=template,
                period_kind="month",
                period_start=month.start,
                score=Decimal(rng.randint(0, 10000)) / 100,
                standing=rng.choice(standings),
                previous_standing=rng.choice(standings),
                snapshot={},
                computed_at=now,
                created_at=now,
                updated_at=now,
            )
            for pk in ids
        ]
        results = ScorecardResult._base_manager.bulk_create(results, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ScorecardResult._meta.db_table}")


def command(cmd, options) -> None:
    _ensure_data(cmd, options)
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).first()
    if admin is None:
        admin = User.objects.create_user(email="bench-admin@example.com", role=Role.ADMIN)
    client = Client()
    client.force_login(admin)
    url = reverse("dashboard_data")
    region = (
        access.unrestricted(Partner).exclude(region="").values_list("region", flat=True).first()
    )
    cases = [
        ("cold, no filter", url, True, None),
        ("cold, region filter", f"{url}?region={region or ''}&months=24", True, None),
        ("warm poll, nothing changed (304)", url, False, "etag"),
    ]
    partners = access.unrestricted(Partner).count()
    observations = access.unrestricted(Observation).count()
    results = access.unrestricted(ScorecardResult).count()
    cmd.stdout.write(
        f"\n{connection.vendor}: {partners:,} partners, {observations:,} observations, "
        f"{results:,} scorecard results; {options['runs']} runs\n"
    )
    cmd.stdout.write("| case | p50 ms | p95 ms | queries |")
    cmd.stdout.write("|---|---|---|---|")
    for label, target, cold, mode in cases:
        headers = {}
        if mode == "etag":
            headers["HTTP_IF_NONE_MATCH"] = client.get(target)["ETag"]
        for _warm in range(3):
            _get(client, target, cold, headers)
        timings = []
        for _run in range(options["runs"]):
            started = time.perf_counter()
            _get(client, target, cold, headers)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            _get(client, target, cold, headers)
        cmd.stdout.write(
            f"| {label} | {statistics.median(timings):.1f} | "
            f"{_percentile(timings, 0.95):.1f} | {len(queries)} |"
        )


def _get(client: Client, url: str, cold: bool, headers: dict) -> None:
    if cold:
        cache.clear()
    response = client.get(url, **headers)
    if response.status_code not in (200, 304):
        raise RuntimeError(f"{url} answered {response.status_code}")
