"""Demo data of periodic reviews: a held QBR of last quarter with meeting notes and action
items for a few active partners (the ones with portal log-ins first), and a joint business
plan for this year with goals on the metrics the demo observes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from prm.core import access
from prm.metrics.models import Metric, Observation
from prm.metrics.periods import Period, PeriodKind
from prm.partners.lifecycle import Stage
from prm.reviews import selectors
from prm.reviews.models import (
    ActionItem,
    BusinessPlan,
    Goal,
    ItemStatus,
    OwnerSide,
    PlanStatus,
    Review,
    ReviewStatus,
)

REVIEWED_PARTNERS = 8
PLANNED_PARTNERS = 4

NOTES = (
    "지난 분기 실적과 스코어카드를 함께 검토했습니다. 신규 고객 확보는 목표를 넘었고, "
    "기술 인증 인력 확충이 다음 분기의 과제입니다.\n"
    "- 공동 캠페인 2건 진행 합의\n- 분기별 파이프라인 점검 일정 확정"
)
STAFF_NOTES = "재계약 협상 전 가격 조건 재검토 필요. 경쟁사 제안 가능성 있음."
ITEMS = (
    # title, side, days from the meeting to the due date, done
    ("다음 분기 판매 예측 공유", OwnerSide.PARTNER, 14, False),
    ("기술 인증 교육 2명 등록", OwnerSide.PARTNER, 30, False),
    ("공동 캠페인 제안서 송부", OwnerSide.COMPANY, 10, True),
    ("MDF 신청 조건 안내", OwnerSide.COMPANY, 21, False),
)


def _owner(ctx, company):
    return company.partner.owner or ctx.staff["manager"]


def seed(ctx) -> str:
    today = ctx.today
    last_quarter = Period.containing(PeriodKind.QUARTER, today).previous()
    active = [c for c in ctx.companies if c.stage == Stage.ACTIVE and getattr(c, "partner", None)]
    active.sort(key=lambda c: (not c.portal, c.key))
    chosen = active[:REVIEWED_PARTNERS]
    now = timezone.now()
    reviews = items = 0
    for index, company in enumerate(chosen):
        partner = company.partner
        owner = _owner(ctx, company)
        meeting = last_quarter.end + timedelta(days=ctx.rng.randint(3, 20))
        meeting = min(meeting, today)
        people = [p.name for p in ctx.contacts.get(partner.pk, [])[:2]]
        review = access.unrestricted(Review).create(
            partner=partner,
            title=f"{last_quarter.label} 정기 리뷰 (QBR)",
            period_kind=last_quarter.kind,
            period_start=last_quarter.start,
            status=ReviewStatus.HELD,
            meeting_date=meeting,
            attendees="\n".join([owner.get_full_name() or owner.email, *people]),
            shared_notes=NOTES,
            staff_notes=STAFF_NOTES,
            owner=owner,
            held_at=now,
        )
        reviews += 1
        contacts = ctx.contacts.get(partner.pk, [])
        for title, side, days, done in ITEMS[: 2 + index % 3]:
            access.unrestricted(ActionItem).create(
                partner=partner,
                review=review,
                title=title,
                owner_side=side,
                owner_user=owner if side == OwnerSide.COMPANY else None,
                owner_contact=contacts[0] if side == OwnerSide.PARTNER and contacts else None,
                due_on=meeting + timedelta(days=days),
                status=ItemStatus.DONE if done else ItemStatus.OPEN,
                done_at=now if done else None,
                done_by=owner if done else None,
            )
            items += 1
        # The next quarter's review is planned already.
        access.unrestricted(Review).create(
            partner=partner,
            title=f"{last_quarter.next().label} 정기 리뷰 (QBR)",
            period_kind=last_quarter.kind,
            period_start=last_quarter.next().start,
            owner=owner,
        )
        reviews += 1
    plans = goals = 0
    year = Period.containing(PeriodKind.YEAR, today)
    observed = set(
        access.unrestricted(Observation)
        .filter(partner__in=[c.partner for c in chosen[:PLANNED_PARTNERS]])
        .values_list("metric_id", flat=True)
        .distinct()
    )
    metrics = list(access.unrestricted(Metric).filter(pk__in=observed, active=True)[:3])
    if not metrics:  # no observations yet: goals on the program's metrics still show
        metrics = list(access.unrestricted(Metric).filter(active=True).order_by("code")[:3])
    if not metrics:
        return f"{reviews} reviews, {items} action items (no metrics for business plans)"
    for index, company in enumerate(chosen[:PLANNED_PARTNERS]):
        partner = company.partner
        owner = _owner(ctx, company)
        plan = access.unrestricted(BusinessPlan).create(
            partner=partner,
            title=f"{year.label} 공동 사업 계획",
            period_kind=year.kind,
            period_start=year.start,
            summary="양사가 합의한 연간 성장 목표와 실행 계획입니다.",
            owner=owner,
            status=PlanStatus.AGREED if index % 2 == 0 else PlanStatus.DRAFT,
            agreed_at=now if index % 2 == 0 else None,
            agreed_by=owner if index % 2 == 0 else None,
        )
        plans += 1
        for metric in metrics:
            access.unrestricted(Goal).create(
                plan=plan, title=f"{metric.name_ko} 목표", metric=metric, target=Decimal(1)
            )
            goals += 1
        # Targets about a fifth above what the partner reaches so far, so progress shows.
        for progress in selectors.plan_progress(plan):
            if progress.actual is not None and progress.actual > 0:
                factor = Decimal(ctx.rng.choice(("1.1", "1.25", "1.5")))
                if progress.goal.metric.direction == "lower":
                    factor = Decimal(1) / factor
                target = (progress.actual * factor).quantize(Decimal("0.01"))
                access.unrestricted(Goal).filter(pk=progress.goal.pk).update(target=target)
    return f"{reviews} reviews, {items} action items, {plans} business plans with {goals} goals"
