"""Demo data of co-selling: end-customer accounts, deal registrations in every stage and
status, won deals over the last 24 months (the revenue records performance reads), two-tier
deals, activities, and a visible conflict pair — ``(주)한빛소프트`` registered by one partner and
``한빛소프트 주식회사`` by another, with the same domain, waiting for the manager's decision."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from prm.accounts.models import User
from prm.core import access
from prm.partners.lifecycle import Stage
from prm.sales import bench, services
from prm.sales.models import (
    Account,
    ActivityKind,
    Deal,
    DealActivity,
    DealPartner,
    DealRole,
    DealStatus,
    PipelineStage,
    ProductCategory,
    StageCode,
)

CONFLICT_PAIR = ("(주)한빛소프트", "한빛소프트 주식회사")
CONFLICT_DOMAIN = "hanbitsoft.co.kr"
CUSTOMERS = 80
WON_MONTHS = 24
PRODUCTS = {
    "software": ("ERP 라이선스", "보안 솔루션 구축", "클라우드 전환"),
    "hardware": ("서버 교체", "스토리지 증설", "네트워크 장비"),
    "services": ("구축 컨설팅", "데이터 이관", "교육 패키지"),
    "support": ("연간 유지보수", "기술 지원 연장"),
}
CLOSE_REASONS_WON = ("가격 경쟁력", "기술 검증 통과", "기존 고객 확장")
CLOSE_REASONS_LOST = ("가격 차이", "경쟁사 선정", "예산 보류")
NOTES = (
    ("고객 CIO 미팅: 2분기 예산 확정 예정", True),
    ("경쟁사 견적이 10% 낮음, 서비스 묶음 제안 검토", False),
    ("기술 검증(PoC) 일정 합의", True),
    ("파트너 마진 조정 필요 — 내부 검토", False),
)


def _moment(day, rng) -> datetime:
    return timezone.make_aware(
        datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(9, 18))
    )


def _partners(ctx):
    active = [c for c in ctx.companies if c.partner is not None and c.stage == Stage.ACTIVE]
    return active or [c for c in ctx.companies if c.partner is not None]


def _actor(ctx, company) -> User:
    """One of the partner's portal users, else the admin (registering on its behalf)."""
    user = (
        access.unrestricted(User)
        .filter(partner=company.partner, is_active=True)
        .order_by("role", "pk")
        .first()
    )
    return user or ctx.staff["admin"]


def _conflict_pair(ctx, companies) -> tuple[Deal, Deal] | None:
    with_portal = [c for c in companies if c.portal] or companies
    if len(with_portal) < 2:
        return None
    first_company, second_company = with_portal[0], with_portal[1]
    close = ctx.today + timedelta(days=45)
    deals = []
    for company, name, amount in (
        (first_company, CONFLICT_PAIR[0], Decimal("120000000")),
        (second_company, CONFLICT_PAIR[1], Decimal("95000000")),
    ):
        deals.append(
            services.deal_register(
                actor=_actor(ctx, company),
                partner=company.partner,
                customer={"customer_name": name, "customer_domain": CONFLICT_DOMAIN},
                data={
                    "title": f"{name} ERP 고도화",
                    "amount": amount,
                    "currency": "KRW",
                    "expected_close_date": close,
                    "product_category": ProductCategory.objects.get(code="software"),
                    "products": "ERP 라이선스 및 구축",
                    "contact_name": "김민준",
                    "contact_email": f"minjun.kim@{CONFLICT_DOMAIN}",
                },
            )
        )
    return deals[0], deals[1]


def seed(ctx) -> str:
    rng = ctx.rng
    companies = _partners(ctx)
    if not companies:
        return "no partners for deals"
    stages = {s.code: s for s in PipelineStage.objects.all()}
    categories = list(ProductCategory.objects.all())
    pair = _conflict_pair(ctx, companies)

    accounts = []
    for i in range(CUSTOMERS):
        name = bench.company_name(rng)
        account = Account(name=name, domain=f"customer{i + 1}.example.kr", industry="")
        account.save()
        accounts.append(account)

    now = timezone.now()
    rows: list[Deal] = []

    def deal(company, status, stage_code, registered, **extra) -> Deal:
        account = rng.choice(accounts)
        category = rng.choice(categories)
        product = rng.choice(PRODUCTS.get(category.code, ("솔루션",)))
        values = {
            "partner": company.partner,
            "account": account,
            "customer_name": account.name,
            "title": f"{account.name} {product}",
            "products": product,
            "product_category": category,
            "amount": Decimal(rng.randrange(5, 300) * 1_000_000),
            "currency": "KRW",
            "status": status,
            "stage": stages[stage_code],
            "registered_at": registered,
            "owner": company.owner,
            "contact_name": rng.choice(("이서연", "박지훈", "최유진", "정하준")),
        }
        values.update(extra)
        return Deal(**values)

    for company in companies:
        # Won deals over the last 24 months: the partner's revenue records.
        for _ in range(rng.randint(2, 6)):
            won = now - timedelta(days=rng.randint(1, WON_MONTHS * 30 - 5))
            registered = won - timedelta(days=rng.randint(20, 120))
            rows.append(
                deal(
                    company,
                    DealStatus.APPROVED,
                    StageCode.WON,
                    registered,
                    won_at=won,
                    decided_at=registered + timedelta(days=2),
                    last_progress_at=won,
                    close_reason=rng.choice(CLOSE_REASONS_WON),
                    expected_close_date=won.date(),
                )
            )
        # The open pipeline and the other outcomes.
        plan = rng.sample(
            [
                (DealStatus.APPROVED, StageCode.QUALIFIED),
                (DealStatus.APPROVED, StageCode.PROPOSAL),
                (DealStatus.APPROVED, StageCode.NEGOTIATION),
                (DealStatus.APPROVED, StageCode.REGISTERED),
                (DealStatus.APPROVED, StageCode.LOST),
                (DealStatus.SUBMITTED, StageCode.REGISTERED),
                (DealStatus.INFO_REQUESTED, StageCode.REGISTERED),
                (DealStatus.REJECTED, StageCode.REGISTERED),
                (DealStatus.EXPIRED, StageCode.REGISTERED),
            ],
            k=3,
        )
        for status, stage_code in plan:
            registered = now - timedelta(days=rng.randint(3, 150))
            extra = {
                "expected_close_date": ctx.today + timedelta(days=rng.randint(10, 180)),
                "last_progress_at": registered + timedelta(days=rng.randint(1, 3)),
            }
            if status == DealStatus.APPROVED:
                extra["decided_at"] = registered + timedelta(days=1)
                extra["protection_until"] = (registered + timedelta(days=90)).date()
            if status == DealStatus.REJECTED:
                extra["decision_reason"] = "동일 고객에 대한 선행 등록이 보호 기간 중입니다."
                extra["decided_at"] = registered + timedelta(days=2)
            if status == DealStatus.INFO_REQUESTED:
                extra["decision_reason"] = "고객 담당자 연락처와 예산 규모를 알려 주세요."
            if stage_code == StageCode.LOST:
                extra["lost_at"] = registered + timedelta(days=rng.randint(20, 90))
                extra["close_reason"] = rng.choice(CLOSE_REASONS_LOST)
            rows.append(deal(company, status, stage_code, registered, **extra))
    created = access.unrestricted(Deal).bulk_create(rows, batch_size=500)

    # Every stage and status shows up at least once, whatever the draw.
    present = {(d.status, d.stage.code) for d in created}
    for status, stage_code in (
        (DealStatus.APPROVED, StageCode.QUALIFIED),
        (DealStatus.APPROVED, StageCode.PROPOSAL),
        (DealStatus.APPROVED, StageCode.NEGOTIATION),
        (DealStatus.APPROVED, StageCode.LOST),
        (DealStatus.SUBMITTED, StageCode.REGISTERED),
        (DealStatus.REJECTED, StageCode.REGISTERED),
        (DealStatus.EXPIRED, StageCode.REGISTERED),
    ):
        if (status, stage_code) not in present:
            extra = {"lost_at": now, "close_reason": CLOSE_REASONS_LOST[0]}
            extra = extra if stage_code == StageCode.LOST else {}
            one = deal(companies[0], status, stage_code, now - timedelta(days=10), **extra)
            one.save()
            created.append(one)

    # Two-tier deals: a distributor and a reseller on one deal.
    distributors = [c for c in companies if "distributor" in c.types]
    resellers = [c for c in companies if "reseller" in c.types]
    two_tier = 0
    for d in [d for d in created if d.status == DealStatus.APPROVED][:8]:
        if not distributors or not resellers:
            break
        distributor, reseller = rng.choice(distributors), rng.choice(resellers)
        if distributor.partner.pk == reseller.partner.pk:
            continue
        for company, role in ((distributor, DealRole.DISTRIBUTOR), (reseller, DealRole.RESELLER)):
            DealPartner(deal=d, partner=company.partner, role=role).save()
        two_tier += 1

    # Activities: shared notes the partner sees, internal ones it never does.
    notes = []
    for d in rng.sample(created, k=min(40, len(created))):
        text, shared = rng.choice(NOTES)
        notes.append(
            DealActivity(
                deal=d,
                kind=rng.choice((ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.MEETING)),
                text=text,
                user=d.owner or ctx.staff["manager"],
                at=d.registered_at + timedelta(days=1),
                shared=shared,
            )
        )
    access.unrestricted(DealActivity).bulk_create(notes)

    conflict_note = ""
    if pair is not None:
        found = access.unrestricted(pair[1].conflicts.all()).count()
        conflict_note = f", conflict pair {CONFLICT_PAIR[0]} / {CONFLICT_PAIR[1]} ({found} found)"
    won = sum(1 for d in created if d.stage.code == StageCode.WON)
    return (
        f"{len(accounts) + (2 if pair else 0)} accounts, {len(created) + (2 if pair else 0)} "
        f"deals ({won} won over {WON_MONTHS} months), {two_tier} two-tier{conflict_note}"
    )


def wipe() -> None:
    """Deals protect their accounts: remove the demo partners' deals, then the accounts no
    deal uses any more."""
    from prm.demo.seed import demo_partners

    deals = access.unrestricted(Deal).filter(partner__in=demo_partners())
    used = list(deals.values_list("account_id", flat=True).distinct())
    deals.delete()
    access.unrestricted(Account).filter(pk__in=used, deals__isnull=True).delete()
