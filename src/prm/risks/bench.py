"""``prm bench risks``: the heat map page, the register and the risk API with many partners
and risks, and the nightly signal sweep (first run raising risks, then a steady run).

Run it against a throwaway database: it adds partners (``prm.partners.bench``), risks with
their assessments (bulk, past the audit log on purpose: it would measure the audit, not the
heat map), contracts and a compliance requirement for the sweep to find. On PostgreSQL it
refreshes the planner's statistics (``ANALYZE``) before measuring.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from prm.accounts import services as account_services
from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.audit.context import Channel, acting
from prm.contracts.models import ComplianceRequirement, Contract, ContractType
from prm.core import access
from prm.partners import bench as partner_bench
from prm.partners.models import Partner
from prm.risks import engine, scoring, services
from prm.risks.models import LEVEL_RANK, Assessment, Risk, RiskCategory, TrendPoint


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def build_risks(per_partner: float, seed: int = 11) -> int:
    """About ``per_partner`` risks per partner, each with an inherent assessment and, for
    half of them, a residual one; a tenth closed."""
    rng = random.Random(seed)
    partners = list(access.unrestricted(Partner).values_list("pk", "owner_id"))
    categories = list(RiskCategory.objects.values_list("code", flat=True))
    bands = scoring.current_bands()
    now = timezone.now()
    risks = []
    for pk, owner in partners:
        for _ in range(int(per_partner) + (1 if rng.random() < per_partner % 1 else 0)):
            li, ii = rng.randint(1, 5), rng.randint(1, 5)
            residual = rng.random() < 0.5
            lr, ir = (max(1, li - rng.randint(0, 2)), max(1, ii - rng.randint(0, 1)))
            score = lr * ir if residual else li * ii
            level = scoring.level_for(score, bands)
            closed = rng.random() < 0.1
            risks.append(
                Risk(
                    partner_id=pk,
                    category_id=rng.choice(categories),
                    title=f"Bench risk {len(risks)}",
                    owner_id=owner,
                    raised_at=now - timedelta(days=rng.randint(1, 120)),
                    status="closed" if closed else "open",
                    closed_at=now if closed else None,
                    inherent_likelihood=li,
                    inherent_impact=ii,
                    inherent_score=li * ii,
                    residual_likelihood=lr if residual else None,
                    residual_impact=ir if residual else None,
                    residual_score=lr * ir if residual else None,
                    level=level,
                    level_rank=LEVEL_RANK[level],
                )
            )
    Risk._base_manager.bulk_create(risks, batch_size=2000)
    stored = Risk._base_manager.filter(title__startswith="Bench risk").values_list(
        "pk",
        "raised_at",
        "inherent_likelihood",
        "inherent_impact",
        "residual_likelihood",
        "residual_impact",
    )
    assessments = []
    for pk, raised, li, ii, lr, ir in stored:
        inherent = scoring.level_for(li * ii, bands)
        assessments.append(
            Assessment(
                risk_id=pk,
                kind="inherent",
                likelihood=li,
                impact=ii,
                score=li * ii,
                level=inherent,
                risk_level=inherent,
                assessed_at=raised,
            )
        )
        if lr:
            residual = scoring.level_for(lr * ir, bands)
            assessments.append(
                Assessment(
                    risk_id=pk,
                    kind="residual",
                    likelihood=lr,
                    impact=ir,
                    score=lr * ir,
                    level=residual,
                    risk_level=residual,
                    previous_risk_level=inherent,
                    assessed_at=raised + timedelta(days=7),
                )
            )
    Assessment._base_manager.bulk_create(assessments, batch_size=2000)
    services.partner_levels_refresh(None)
    return len(risks)


def build_causes(seed: int = 13) -> None:
    """Contracts of 5 % of the partners inside their notice window, and a supplier document
    requirement (missing for every active supplier)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    kind = ContractType.objects.get(code="supply")
    partners = list(access.unrestricted(Partner).values_list("pk", flat=True))
    chosen = rng.sample(partners, max(1, len(partners) // 20))
    Contract._base_manager.bulk_create(
        [
            Contract(
                partner_id=pk,
                type=kind,
                title=f"Bench supply {pk}",
                start_date=today - timedelta(days=300),
                end_date=today + timedelta(days=rng.randint(1, 25)),
                notice_days=30,
                signed_on=today - timedelta(days=300),
            )
            for pk in chosen
        ],
        batch_size=2000,
    )
    ComplianceRequirement.objects.get_or_create(
        partner_type_id="supplier",
        name_en="Bench ISO 9001 certificate",
        defaults={"name_ko": "벤치 ISO 9001 인증서", "expires": True},
    )


def command(cmd, options) -> None:
    out = cmd.stdout
    have = access.unrestricted(Partner).count()
    if have < options["partners"]:
        out.write(f"Building {options['partners'] - have} partners…")
        with acting(None, Channel.SYSTEM):
            partner_bench.build(options["partners"] - have, 0)
    if not Risk._base_manager.filter(title__startswith="Bench risk").exists():
        started = time.perf_counter()
        count = build_risks(options["risks_per_partner"])
        out.write(f"  {count} risks built in {time.perf_counter() - started:.1f} s")
        build_causes()
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum keeps them on a live database: without them the
        # planner takes the bulk-loaded tables for nearly empty.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).first()
    if admin is None:
        admin = User.objects.create_user(email="bench-admin@example.com", role=Role.ADMIN)
    _token, raw = account_services.token_create(actor=None, user=admin, name="bench")
    browser = Client()
    browser.force_login(admin)
    api = Client(headers={"authorization": f"Bearer {raw}"})
    open_risks = Risk._base_manager.filter(status="open").count()
    out.write(
        f"\n{connection.vendor}: {access.unrestricted(Partner).count()} partners, "
        f"{Risk._base_manager.count()} risks ({open_risks} open), "
        f"{Assessment._base_manager.count()} assessments, {options['runs']} runs\n"
    )
    cases = [
        ("heat map page (2 maps, trend, top, overdue)", browser, "/risks/?"),
        (
            "heat map page, filtered (region, type)",
            browser,
            "/risks/?region=서울&partner_type=supplier",
        ),
        ("heat map cell (HTMX)", browser, "/risks/cell/?kind=residual&l=3&i=3"),
        ("risk register page", browser, "/risks/register/?level=high"),
        ("GET /api/v1/risks", api, "/api/v1/risks?level=critical&page_size=50"),
        ("partner list sorted by risk level", browser, "/partners/?sort=-risk"),
    ]
    out.write("| case | p50 ms | p95 ms | queries |")
    out.write("|---|---|---|---|")
    for label, client, url in cases:
        for _ in range(2):
            _get(client, url)
        timings = []
        for _ in range(options["runs"]):
            started = time.perf_counter()
            _get(client, url)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            _get(client, url)
        out.write(
            f"| {label} | {statistics.median(timings):.1f} | "
            f"{_percentile(timings, 0.95):.1f} | {len(queries)} |"
        )
    cold = []
    for _ in range(options["runs"]):
        TrendPoint.objects.all().delete()
        started = time.perf_counter()
        _get(browser, "/risks/?")
        cold.append((time.perf_counter() - started) * 1000)
    out.write(
        f"| heat map page, past days of the trend not stored yet | "
        f"{statistics.median(cold):.1f} | {_percentile(cold, 0.95):.1f} | |"
    )
    out.write("")
    for run in ("first", "steady"):
        started = time.perf_counter()
        with acting(None, Channel.SYSTEM):
            report = engine.sweep()
        seconds = time.perf_counter() - started
        out.write(
            f"sweep ({run}): {seconds:.1f} s; {report.raised} risks raised, "
            f"{report.updated} updated, {report.resolved} resolved, {report.signals} causes"
        )


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response
