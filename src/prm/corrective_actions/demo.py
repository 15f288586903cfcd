"""Demo data of corrective action requests: requests to suppliers (and a few channel
partners) in every status, with answers, returns and dated steps, so the response-time page
and the portal show a history; requests raised for a partner's open risk are linked to it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from prm.accounts.models import User
from prm.core import access
from prm.corrective_actions.models import CorrectiveActionRequest, RequestStep, Severity
from prm.partners.lifecycle import Stage
from prm.risks.models import Risk

# (title, nonconformity) in Korean, as a Korean quality team writes them.
FINDINGS = (
    (
        "수입검사 불량: 체결 토크 미달",
        "로트 샘플 50개 중 12개에서 M6 체결 토크가 규격(8 N·m) 미달.",
    ),
    ("납기 지연 반복", "최근 3개월 납기 준수율 81%로 목표(95%) 미달."),
    ("도장 박리", "고객 반품 7건에서 외관 도장 박리 확인, 전처리 공정 의심."),
    ("성적서 누락", "출하분 2건에 검사 성적서가 첨부되지 않음."),
    ("포장 파손", "운송 중 포장 파손으로 제품 스크래치 발생(3 파렛트)."),
    ("치수 불량", "하우징 내경 공차 초과(+0.08 mm), 조립 불가 14개."),
    ("라벨 오표기", "제품 라벨의 로트 번호와 실제 로트 불일치."),
    ("변경점 미통보", "원자재 공급처 변경을 사전 통보 없이 적용."),
)
ANSWERS = (
    {
        "root_cause": "토크 렌치 교정 주기 초과로 인한 측정 오차",
        "containment": "재고 1,200개 격리 후 전수 재검사",
        "corrective_action": "전 렌치 교정 완료, 주간 점검표 도입",
        "preventive_action": "MES에 교정 주기 경보 등록",
    },
    {
        "root_cause": "생산 계획과 자재 발주 간 리드타임 불일치",
        "containment": "긴급 특송으로 미납분 보충",
        "corrective_action": "주간 S&OP 회의 신설, 안전 재고 2주분 확보",
        "preventive_action": "",
    },
)
# status, days since it was sent (None: a draft), days to the first answer, returns
PLAN = (
    ("accepted", 120, 6, 0),
    ("accepted", 95, 12, 1),
    ("accepted", 70, 3, 0),
    ("answered", 20, 9, 0),
    ("returned", 35, 10, 1),
    ("sent", 8, None, 0),
    ("sent", 30, None, 0),  # overdue
    ("cancelled", 60, None, 0),
    ("draft", None, None, 0),
    ("accepted", 45, 21, 2),
)


def _at(ctx, days_ago: float) -> datetime:
    moment = datetime.combine(ctx.today, datetime.min.time()) + timedelta(hours=10)
    return timezone.make_aware(moment) - timedelta(days=days_ago)


def seed(ctx) -> str:
    candidates = [
        c
        for c in ctx.companies
        if c.partner is not None and c.stage == Stage.ACTIVE and "supplier" in c.types
    ]
    candidates += [
        c
        for c in ctx.companies
        if c.partner is not None and c.stage == Stage.ACTIVE and c.portal and c not in candidates
    ]
    # The partners with portal log-ins first, so that the portal shows requests.
    candidates.sort(key=lambda c: (not c.portal, c.key))
    chosen = candidates[:24]
    if not chosen:
        return "corrective actions: no active supplier"
    portal_users: dict[int, User] = {}
    for user in User.objects.filter(partner__in=[c.partner for c in chosen], is_active=True):
        portal_users.setdefault(user.partner_id, user)
    open_risks: dict[int, Risk] = {}
    for risk in access.unrestricted(Risk).filter(
        partner__in=[c.partner for c in chosen], status="open"
    ):
        open_risks.setdefault(risk.partner_id, risk)
    manager = ctx.staff.get("manager")
    requests, steps = 0, []
    for index, company in enumerate(chosen):
        partner = company.partner
        requester = partner.owner or manager
        responder = portal_users.get(partner.pk)
        for n in range(1 if index >= 6 else 2):
            status, sent_ago, to_answer, returns = PLAN[(index * 2 + n) % len(PLAN)]
            title, text = FINDINGS[ctx.rng.randrange(len(FINDINGS))]
            answer = ANSWERS[ctx.rng.randrange(len(ANSWERS))]
            car = CorrectiveActionRequest(
                partner=partner,
                risk=open_risks.get(partner.pk) if n == 0 else None,
                title=title,
                description=text,
                severity=ctx.rng.choice(Severity.values),
                status=status,
                requested_by=requester,
                external_id=f"DEMO-CAR-{index:03d}-{n}",
            )
            created = _at(ctx, (sent_ago or 2) + 1)
            car.due_on = (created + timedelta(days=15)).date()
            timeline = [("created", created, requester, "", {})]
            if sent_ago is not None:
                car.sent_at = _at(ctx, sent_ago)
                timeline.append(("sent", car.sent_at, requester, "", {}))
            if to_answer is not None:
                car.answered_at = car.sent_at + timedelta(days=to_answer, hours=3)
                when = car.answered_at
                timeline.append(("answered", when, responder, "", answer))
                for _r in range(returns):
                    when += timedelta(days=2)
                    car.returned_at = when
                    timeline.append(("returned", when, requester, "근거 자료를 첨부해 주세요.", {}))
                    when += timedelta(days=3)
                    timeline.append(("answered", when, responder, "", answer))
                car.last_answered_at = when
                car.return_count = returns
                for name, value in answer.items():
                    setattr(car, name, value)
                if status == "returned":
                    car.returned_at = when + timedelta(days=1)
                    car.return_count += 1
                    car.decision_comment = "재발 방지 대책이 구체적이지 않습니다."
                    timeline.append(
                        ("returned", car.returned_at, requester, car.decision_comment, {})
                    )
                if status == "accepted":
                    car.accepted_at = min(when + timedelta(days=4), timezone.now())
                    timeline.append(("accepted", car.accepted_at, requester, "", {}))
            if status == "cancelled":
                car.cancelled_at = car.sent_at + timedelta(days=5)
                car.decision_comment = "중복 요청"
                timeline.append(("cancelled", car.cancelled_at, requester, "중복 요청", {}))
            car.save()
            access.unrestricted(CorrectiveActionRequest).filter(pk=car.pk).update(
                created_at=created
            )
            steps += [
                RequestStep(request=car, kind=k, at=at, actor=who, comment=c, answer=a)
                for k, at, who, c, a in timeline
            ]
            requests += 1
    access.unrestricted(RequestStep).bulk_create(steps)
    return f"corrective actions: {requests} requests to {len(chosen)} partners"
