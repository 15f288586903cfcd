"""Benchmark data and scenarios for co-selling (``prm bench conflicts``, ``prm bench leads``).

Run them against a throwaway database: they add many rows. Bench rows are written with the
model's base manager (PostgreSQL: ``COPY``), which skips the audit log on purpose: a million
audit entries would measure the audit, not the conflict check.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from rapidfuzz import fuzz

from prm.core import access
from prm.partners.models import Partner
from prm.partners.names import name_key
from prm.sales import conflicts, search
from prm.sales.models import (
    ACTIVE_STATUSES,
    Account,
    Deal,
    DealRules,
    DealStatus,
    PipelineStage,
)

# Hangul syllables common in company names, and the words they are combined with.
SYLLABLES = (
    "한 빛 대 미 래 세 종 동 방 서 울 부 산 가 온 누 리 하 늘 바 다 새 롬 태 평 금 강 "
    "신 성 현 진 우 영 광 명 수 정 도 해 솔 나 라 유 일 삼 오 청 백 은 선 아 인 지 효 "
    "국 제 경 호 상 재 준 희 주 연"
).split()
WORDS = (
    "소프트 물류 테크 전자 정밀 화학 시스템 네트웍스 솔루션 유통 에너지 바이오 건설 "
    "산업 제약 식품 정보통신 엔지니어링 모터스 반도체 디스플레이 헬스케어 컨설팅 "
    "데이터 클라우드 보안 로보틱스 미디어 모빌리티 인터내셔널"
).split()
KOREAN_FORMS = ("(주){}", "{} 주식회사", "㈜ {}", "주식회사 {}", "{}", "(유){}", "{}(주)")
LATIN_SYLLABLES = "ka ro mi na to le vi sa po ri ne da zu ko ta lu mo xe fi ra be no si ga".split()
LATIN_WORDS = (
    "Soft Logistics Tech Electronics Systems Networks Solutions Trading Bio Energy "
    "Pharma Foods Data Cloud Security Robotics Media Mobility Labs Works"
).split()
LATIN_FORMS = ("{} Co., Ltd.", "{} Inc.", "{} Corp.", "{} Ltd", "{}", "{} LLC", "{} GmbH")
STATUS_MIX = (
    (DealStatus.APPROVED, 0.45),
    (DealStatus.SUBMITTED, 0.1),
    (DealStatus.UNDER_REVIEW, 0.1),
    (DealStatus.REJECTED, 0.15),
    (DealStatus.EXPIRED, 0.2),
)


def company_name(rng: random.Random) -> str:
    """A realistic Korean or English company name with a legal form."""
    if rng.random() < 0.7:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
        if rng.random() < 0.5:
            stem += rng.choice(WORDS)
        core = stem + rng.choice(WORDS)
        return rng.choice(KOREAN_FORMS).format(core)
    stem = "".join(rng.choice(LATIN_SYLLABLES) for _ in range(rng.choice((2, 3, 3))))
    core = f"{stem.capitalize()} {rng.choice(LATIN_WORDS)}"
    if rng.random() < 0.4:
        core += f" {rng.choice(LATIN_WORDS)}"
    return rng.choice(LATIN_FORMS).format(core)


def variant(name: str, rng: random.Random) -> str:
    """How another partner may write the same customer: another legal form, spacing, a typo."""
    key_form = name
    for form in ("(주)", "㈜ ", "주식회사 ", " 주식회사", "(유)", "(주)"):
        key_form = key_form.replace(form, "")
    for form in (" Co., Ltd.", " Inc.", " Corp.", " Ltd", " LLC", " GmbH"):
        key_form = key_form.replace(form, "")
    choice = rng.random()
    if choice < 0.35:  # another legal form
        forms = KOREAN_FORMS if any("가" <= c <= "힣" for c in key_form) else LATIN_FORMS
        return rng.choice(forms).format(key_form)
    if choice < 0.5:  # spacing and case
        return key_form.upper() if key_form.isascii() else " ".join(key_form)
    chars = list(key_form)
    position = rng.randrange(len(chars))
    if choice < 0.8 and len(chars) > 7:  # one wrong character
        pool = SYLLABLES if "가" <= chars[position] <= "힣" else list("abcdefghiklmnoprstu")
        chars[position] = rng.choice(pool)
    else:  # one more character at the end
        chars.append(rng.choice(SYLLABLES) if not key_form.isascii() else "s")
    return "".join(chars)


def _accounts(count: int, rng: random.Random, start: int) -> Iterator[tuple]:
    now = timezone.now()
    for i in range(start, start + count):
        name = company_name(rng)
        domain = f"c{i}.example.com" if rng.random() < 0.6 else ""
        yield (name, name_key(name), "", domain, "KR", "", "", "", now, now)


ACCOUNT_COLUMNS = (
    "name",
    "name_key",
    "registration_number",
    "domain",
    "country",
    "industry",
    "aliases",
    "alias_keys",
    "created_at",
    "updated_at",
)


def _copy(table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> None:
    """PostgreSQL COPY of ``rows`` (psycopg 3)."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def build(registrations: int, *, partners: int = 200, seed: int = 11, log=print) -> None:
    """Add accounts and one deal registration each until there are ``registrations`` deals."""
    rng = random.Random(seed)
    have = access.unrestricted(Deal).count()
    missing = registrations - have
    if missing <= 0:
        return
    partner_ids = list(access.unrestricted(Partner).values_list("pk", flat=True)[:partners])
    if len(partner_ids) < 2:
        from prm.partners import bench as partner_bench

        partner_bench.build(partners, 0, seed=seed)
        partner_ids = list(access.unrestricted(Partner).values_list("pk", flat=True)[:partners])
    stages = list(PipelineStage.objects.values_list("pk", flat=True))
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    postgres = connection.vendor == "postgresql"
    batch = 50_000
    started = time.perf_counter()
    if postgres:
        with connection.cursor() as cursor:  # index once at the end, not row by row
            for name in ("sales_account_name_key_trgm", "sales_account_alias_keys_trgm"):
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
    done = 0
    while done < missing:
        size = min(batch, missing - done)
        with transaction.atomic():
            first_id = _next_id(Account)
            if postgres:
                _copy("sales_account", ACCOUNT_COLUMNS, _accounts(size, rng, have + done))
            else:
                Account._base_manager.bulk_create(
                    [
                        Account(**dict(zip(ACCOUNT_COLUMNS, row, strict=True)))
                        for row in _accounts(size, rng, have + done)
                    ],
                    batch_size=2000,
                )
            account_ids = list(
                Account._base_manager.filter(pk__gte=first_id)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            now = timezone.now()
            deals = []
            for account_id in account_ids:
                registered = now - timedelta(days=rng.randint(0, 720))
                deals.append(
                    (
                        rng.choice(partner_ids),
                        account_id,
                        f"Bench deal {account_id}",
                        Decimal(rng.randint(1, 5000) * 100_000),
                        "KRW",
                        rng.choices(statuses, weights)[0],
                        rng.choice(stages),
                        registered,
                        registered,
                        now,
                    )
                )
            columns = (
                "partner_id",
                "account_id",
                "title",
                "amount",
                "currency",
                "status",
                "stage_id",
                "registered_at",
                "created_at",
                "updated_at",
            )
            if postgres:
                extra = ("", "", "", "", "", "", "", "", False)
                extra_cols = (
                    "customer_name",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "products",
                    "notes",
                    "decision_reason",
                    "close_reason",
                    "has_conflict",
                )
                _copy("sales_deal", columns + extra_cols, (d + extra for d in deals))
            else:
                Deal._base_manager.bulk_create(
                    [Deal(**dict(zip(columns, d, strict=True))) for d in deals], batch_size=2000
                )
        done += size
        log(f"  {have + done} registrations ({time.perf_counter() - started:.0f} s)")
    if postgres:
        log("  indexing name keys (pg_trgm GIN)…")
        search.install()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE sales_account")
            cursor.execute("ANALYZE sales_deal")
    log(f"  built in {time.perf_counter() - started:.0f} s")


def _next_id(model) -> int:
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


@dataclass
class Result:
    label: str
    runs: int
    p50: float
    p95: float
    mean_scored: float
    max_scored: int
    # Of the variants that rapidfuzz rates at or above the threshold against their source
    # account (true matches), the share the check found; None for new names.
    found: float | None
    true_matches: int = 0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def check(customer: conflicts.Customer, stats: conflicts.SearchStats) -> list[int]:
    """The reading part of a conflict check: matching accounts, then the active deals on them
    (``conflicts.detect`` adds only the writes)."""
    matches = conflicts.matching_accounts(customer, stats=stats)
    return list(
        access.unrestricted(Deal)
        .filter(account_id__in=list(matches), status__in=list(ACTIVE_STATUSES))
        .values_list("pk", flat=True)
    )


def run_conflicts(runs: int, *, seed: int = 5) -> list[Result]:
    """Time ``runs`` conflict checks of variants of existing customers and of new names."""
    rng = random.Random(seed)
    top = _next_id(Account) - 1
    sources = []
    while len(sources) < runs:
        row = (
            Account._base_manager.filter(pk__gte=rng.randint(1, top))
            .order_by("pk")
            .values("pk", "name", "name_key")
            .first()
        )
        if row:
            sources.append(row)
    source_keys = {r["pk"]: r["name_key"] for r in sources}
    cases: list[tuple[str, list[tuple[conflicts.Customer, int | None]]]] = [
        (
            "variant of an existing customer (legal form, spacing, typo)",
            [(conflicts.Customer(name=variant(r["name"], rng)), r["pk"]) for r in sources],
        ),
        (
            "new customer",
            [(conflicts.Customer(name=company_name(rng)), None) for _ in range(runs)],
        ),
    ]
    results = []
    for label, queries in cases:
        for customer, _ in queries[:5]:  # warm up
            check(customer, conflicts.SearchStats())
        threshold = DealRules.load().name_threshold
        timings, scored, hits, true_matches = [], [], 0, 0
        for customer, source in queries:
            stats = conflicts.SearchStats()
            started = time.perf_counter()
            check(customer, stats)
            timings.append((time.perf_counter() - started) * 1000)
            scored.append(stats.scored)
            if (
                source is not None
                and fuzz.ratio(name_key(customer.name), source_keys[source]) >= threshold
            ):
                true_matches += 1
                hits += source in conflicts.matching_accounts(customer)
        results.append(
            Result(
                label=label,
                runs=len(queries),
                p50=statistics.median(timings),
                p95=percentile(timings, 0.95),
                mean_scored=statistics.fmean(scored),
                max_scored=max(scored),
                found=hits / true_matches if true_matches else None,
                true_matches=true_matches,
            )
        )
    return results


def command(cmd, options) -> None:
    """``prm bench conflicts|leads`` (called by the ``bench`` management command)."""
    import os
    import platform

    from prm.audit.context import Channel, acting

    write = cmd.stdout.write
    runs = options["runs"]
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    if options["scenario"] == "leads":
        from prm.leads import bench as lead_bench

        with acting(None, Channel.SYSTEM):
            result = lead_bench.run(options["leads"])
        write(
            f"\n{connection.vendor} ({machine}): {result.assigned} of {result.leads} leads "
            f"routed among {result.eligible} eligible partners in {result.seconds:.1f} s: "
            f"{result.per_second:.0f} assignments/second"
        )
        return
    write(f"Building up to {options['registrations']} registrations…")
    with acting(None, Channel.SYSTEM):
        build(options["registrations"], log=write)
    results = run_conflicts(runs)
    write(
        f"\n{connection.vendor} ({machine}): {access.unrestricted(Account).count()} accounts, "
        f"{access.unrestricted(Deal).count()} registrations, candidate search "
        f"{search.method()}, caps {conflicts.MAX_EXACT} exact + {conflicts.MAX_SIMILAR} similar, "
        f"{runs} checks per case\n"
    )
    write("| case | p50 ms | p95 ms | candidates scored (mean / max) | true matches found |")
    write("|---|---|---|---|---|")
    for r in results:
        found = f"{100 * r.found:.1f}% of {r.true_matches}" if r.found is not None else "—"
        write(
            f"| {r.label} | {r.p50:.1f} | {r.p95:.1f} | {r.mean_scored:.1f} / {r.max_scored} "
            f"| {found} |"
        )
