"""``prm bench lifecycle``: the partner list filtered by compliance status, the contract
list with its derived status, and the daily refresh of every partner's stored compliance
status, at 10,000 partners.

Run it against a throwaway database (``make bench`` does): it adds benchmark data.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from prm.accounts import services as account_services
from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.audit.context import Channel, acting
from prm.contracts import compliance
from prm.contracts.models import (
    ComplianceRequirement,
    ComplianceSubmission,
    Contract,
    ContractType,
    PartnerCompliance,
)
from prm.core import access
from prm.partners import bench as partner_bench
from prm.partners.models import Contact, Document, Partner

REQUIREMENTS = (
    ("supplier", "사업자등록증", "Business registration certificate", False),
    ("supplier", "ISO 9001 인증서", "ISO 9001 certificate", True),
    ("reseller", "사업자등록증", "Business registration certificate", False),
    ("reseller", "보험 증권", "Insurance certificate", True),
    ("distributor", "보험 증권", "Insurance certificate", True),
    ("technology", "보안 설문", "Security questionnaire", True),
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@transaction.atomic
def build(contracts: int, seed: int = 11) -> None:
    """Requirements, a document and submission for most (partner, requirement) pairs, with
    expiry dates spread around today, and ``contracts`` contracts in every status."""
    rng = random.Random(seed)
    today = timezone.localdate()
    requirements = []
    for code, name_ko, name_en, expires in REQUIREMENTS:
        requirement, _created = ComplianceRequirement.objects.get_or_create(
            partner_type_id=code,
            name_en=name_en,
            defaults={"name_ko": name_ko, "expires": expires},
        )
        requirements.append(requirement)
    by_type: dict[str, list[ComplianceRequirement]] = {}
    for requirement in requirements:
        by_type.setdefault(requirement.partner_type_id, []).append(requirement)
    partners = list(access.unrestricted(Partner).only("pk").prefetch_related("types"))
    documents, pairs = [], []
    for partner in partners:
        for code in partner.type_codes:
            for requirement in by_type.get(code, []):
                if rng.random() < 0.2:
                    continue  # missing
                expires_on = (
                    today + timedelta(days=rng.randint(-60, 700)) if requirement.expires else None
                )
                documents.append(
                    Document(
                        partner_id=partner.pk,
                        title=str(requirement),
                        kind="certificate",
                        file=f"bench/{partner.pk}-{requirement.pk}.pdf",
                        filename="certificate.pdf",
                        content_type="application/pdf",
                        size=1000,
                        expires_on=expires_on,
                    )
                )
                pairs.append((partner.pk, requirement, expires_on))
    documents = access.unrestricted(Document).bulk_create(documents, batch_size=2000)
    access.unrestricted(ComplianceSubmission).bulk_create(
        [
            ComplianceSubmission(
                partner_id=partner_id, requirement=requirement, document=doc, expires_on=expires
            )
            for doc, (partner_id, requirement, expires) in zip(documents, pairs, strict=True)
        ],
        batch_size=2000,
    )
    types = list(ContractType.objects.all())
    rows = []
    for i in range(contracts):
        start = today + timedelta(days=rng.randint(-900, 60))
        end = start + timedelta(days=rng.choice((180, 365, 730)))
        signed = start - timedelta(days=5) if rng.random() < 0.85 else None
        if signed and signed > today:
            signed = today
        terminated = today - timedelta(days=3) if signed and rng.random() < 0.05 else None
        rows.append(
            Contract(
                partner_id=rng.choice(partners).pk,
                type=rng.choice(types),
                title=f"Bench contract {i}",
                value=Decimal(rng.randint(1, 900) * 100_000),
                start_date=start,
                end_date=end,
                notice_days=rng.choice((30, 60, 90)),
                auto_renew=rng.random() < 0.2,
                renewal_term_months=12,
                signed_on=signed,
                signatories=["A", "B"] if signed else [],
                terminated_on=terminated,
                termination_reason="bench" if terminated else "",
            )
        )
    access.unrestricted(Contract).bulk_create(rows, batch_size=2000)


def command(cmd, options) -> None:
    partners_wanted = options["partners"]
    have = access.unrestricted(Partner).count()
    if have < partners_wanted:
        cmd.stdout.write(f"Building {partners_wanted - have} partners and contacts…")
        with acting(None, Channel.SYSTEM):
            partner_bench.build(
                partners_wanted - have,
                max(0, options["contacts"] - access.unrestricted(Contact).count()),
            )
    if not access.unrestricted(Contract).exists():
        cmd.stdout.write(f"Building compliance documents and {options['contracts']} contracts…")
        started = time.perf_counter()
        with acting(None, Channel.SYSTEM):
            build(options["contracts"])
        cmd.stdout.write(f"  built in {time.perf_counter() - started:.1f} s")

    started, started_cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        compliance.refresh(None)
    refresh_seconds = time.perf_counter() - started
    refresh_cpu = time.process_time() - started_cpu

    admin = User.objects.filter(role=Role.ADMIN, is_active=True).first()
    if admin is None:
        admin = User.objects.create_user(email="bench-admin@example.com", role=Role.ADMIN)
    _token, raw = account_services.token_create(actor=None, user=admin, name="bench")
    browser = Client()
    browser.force_login(admin)
    api = Client(headers={"authorization": f"Bearer {raw}"})
    cases = [
        ("partner list page, compliance=expired", browser, "/partners/?compliance=expired"),
        (
            "GET /api/v1/partners?compliance=expired",
            api,
            "/api/v1/partners?compliance=expired&page_size=50",
        ),
        ("contract list page (derived status)", browser, "/contracts/?sort=end"),
        ("contract list page, status=expiring", browser, "/contracts/?status=expiring"),
        (
            "GET /api/v1/contracts?status=active",
            api,
            "/api/v1/contracts?status=active&page_size=50",
        ),
    ]
    statuses = dict(
        access.unrestricted(PartnerCompliance)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    cmd.stdout.write(
        f"\n{connection.vendor}: {access.unrestricted(Partner).count()} partners, "
        f"{access.unrestricted(ComplianceSubmission).count()} compliance submissions, "
        f"{access.unrestricted(Contract).count()} contracts, {options['runs']} runs\n"
        f"compliance status: {statuses}\n"
        f"refresh of every partner's compliance status (daily job): {refresh_seconds:.2f} s "
        f"({refresh_cpu:.2f} s CPU), {len(queries)} queries\n"
    )
    # CPU time of this process (the web code and, on SQLite, the database): on a busy machine
    # it says more than the wall-clock figures.
    cmd.stdout.write("| case | p50 ms | p95 ms | p50 CPU ms | queries |")
    cmd.stdout.write("|---|---|---|---|---|")
    for label, client, url in cases:
        for _ in range(2):
            _get(client, url)
        timings, cpu = [], []
        for _ in range(options["runs"]):
            started, started_cpu = time.perf_counter(), time.process_time()
            _get(client, url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        with CaptureQueriesContext(connection) as queries:
            _get(client, url)
        cmd.stdout.write(
            f"| {label} | {statistics.median(timings):.1f} | "
            f"{_percentile(timings, 0.95):.1f} | {statistics.median(cpu):.1f} | {len(queries)} |"
        )


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response
