"""Demo data of risk management: the nightly sweep run over the demo program (contracts
expiring or expired, compliance documents missing or expired, spend concentration), a set
of risks raised by staff with inherent and residual assessments over the last weeks, their
mitigation actions (some overdue, some done with evidence), an accepted risk and a
program-wide one, so the heat map, the trend and the register have something to show."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from prm.core import access
from prm.partners.lifecycle import Stage
from prm.risks import engine, services
from prm.risks.models import ActionStatus, Assessment, Risk

# (category, Korean title, cause, consequence, inherent L, I, residual L, I or None)
RISKS = (
    ("supply", "핵심 부품 단일 공급원 의존", "대체 공급사 미확보", "생산 중단 가능", 4, 5, 3, 4),
    ("financial", "거래처 신용등급 하락", "최근 2분기 연속 적자", "대금 미회수", 3, 4, 2, 3),
    ("quality", "수입검사 불량률 상승", "공정 변경 미통보", "고객 클레임 증가", 4, 3, 2, 2),
    ("security", "협력사 계정 관리 미흡", "공용 계정 사용", "정보 유출", 3, 5, None, None),
    ("operational", "물류 거점 집중", "단일 물류센터 운영", "배송 지연", 3, 3, 2, 3),
    ("compliance", "하도급법 서면 발급 누락", "계약서 미교부 사례", "과징금", 2, 4, 1, 4),
    ("reputational", "리셀러 과장 광고", "승인 없는 마케팅 자료", "브랜드 훼손", 3, 2, None, None),
    ("geopolitical", "수출 규제 강화", "대상 품목 확대", "해외 조달 차질", 2, 5, 2, 4),
)
ACTIONS = (
    "대체 공급사 2곳 품질 심사",
    "안전 재고 4주분 확보",
    "협력사 보안 점검 실시",
    "계약서 표준 양식 배포",
    "월간 품질 회의 정례화",
)


def seed(ctx) -> str:
    rng = ctx.rng
    admin = ctx.staff["admin"]
    now = timezone.now()
    # What the rules find in the program the other capabilities wrote.
    report = engine.sweep(ctx.today)
    companies = [
        c.partner
        for c in ctx.companies
        if getattr(c, "partner", None) is not None and c.partner.stage == Stage.ACTIVE
    ]
    rng.shuffle(companies)
    made = []
    for index, (category, title, cause, consequence, li, ii, lr, ir) in enumerate(RISKS):
        partner = None if category == "geopolitical" else companies[index % len(companies)]
        owner = ctx.managers[index % len(ctx.managers)] if ctx.managers else admin
        risk = services.risk_raise(
            actor=None,
            partner=partner,
            category_code=category,
            title=title,
            cause=cause,
            consequence=consequence,
            owner=owner,
            likelihood=li,
            impact=ii,
        )
        if lr is not None:
            services.risk_assess(
                actor=None, risk=risk, kind="residual", likelihood=lr, impact=ir, note="완화 후"
            )
        made.append(risk)
    actions = 0
    for index, risk in enumerate(made[:5]):
        due = ctx.today + timedelta(days=rng.randint(-20, 40))
        status = ActionStatus.DONE if index == 2 else ActionStatus.IN_PROGRESS
        services.action_create(
            actor=admin,
            risk=risk,
            data={
                "title": ACTIONS[index],
                "owner": risk.owner,
                "due_on": due,
                "status": status,
                "evidence_note": "점검 보고서 첨부" if status == ActionStatus.DONE else "",
            },
        )
        actions += 1
    services.action_create(
        actor=admin,
        risk=made[0],
        data={
            "title": "공급 계약 이중화 협상",
            "owner": made[0].owner,
            "due_on": ctx.today - timedelta(days=7),
        },
    )
    actions += 1
    services.risk_set_strategy(
        actor=admin,
        risk=made[6],
        strategy="accept",
        reason="영향이 제한적이며 분기별 모니터링으로 충분함",
        review_on=ctx.today + timedelta(days=90),
    )
    for risk in made[:6]:
        services.risk_set_strategy(actor=admin, risk=risk, strategy="mitigate")
    _spread_over_weeks(ctx, now)
    total = access.unrestricted(Risk).count()
    return (
        f"{total} risks ({report.raised} from signals, {len(made)} raised by staff), "
        f"{actions} mitigation actions"
    )


def _spread_over_weeks(ctx, now: datetime) -> None:
    """Back-date risks and their assessments over the last 12 weeks so the trend shows."""
    zone = timezone.get_current_timezone()
    risks = list(access.unrestricted(Risk).only("id", "raised_at"))
    raised_at = {}
    for risk in risks:
        weeks = ctx.rng.randint(1, 12)
        risk.raised_at = datetime.combine(ctx.today - timedelta(weeks=weeks), time(9), tzinfo=zone)
        raised_at[risk.pk] = (risk.raised_at, weeks)
    access.unrestricted(Risk).bulk_update(risks, ["raised_at"], batch_size=500)
    assessments = list(
        access.unrestricted(Assessment).only("id", "risk_id", "assessed_at").order_by("id")
    )
    steps: dict[int, int] = {}
    for assessment in assessments:
        raised, weeks = raised_at[assessment.risk_id]
        step = steps.get(assessment.risk_id, 0)
        steps[assessment.risk_id] = step + 1
        assessment.assessed_at = min(raised + timedelta(weeks=step * max(1, weeks // 2)), now)
    access.unrestricted(Assessment).bulk_update(assessments, ["assessed_at"], batch_size=500)
    # The history was rewritten: re-chain each risk's levels, forget the trend's stored days.
    services.assessment_levels_refresh()
    services.trend_points_clear()
