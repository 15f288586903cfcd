"""Demo data of discovery and selection: two sourcing projects with long-lists and research
notes, an evaluation template whose weights come from an AHP matrix, and a round that both
demo managers scored and submitted (so rankings by weighted sum and TOPSIS show), with a
rejection and a hold recorded."""

from __future__ import annotations

from decimal import Decimal

from prm.core import access
from prm.partners.lifecycle import Stage
from prm.sourcing import services
from prm.sourcing.models import EvaluationRound, EvaluationTemplate, SourcingProject

CRITERIA = (
    # name, direction, scale
    ("물류 커버리지 (Coverage)", "benefit", 5),
    ("기술 역량 (Capability)", "benefit", 5),
    ("재무 건전성 (Financial health)", "benefit", 5),
    ("단가 (Price level)", "cost", 5),
)
# A consistent pair-wise comparison (weights 0.5, 0.25, 0.125, 0.125; CR 0).
AHP_UPPER = {(0, 1): "2", (0, 2): "4", (0, 3): "4", (1, 2): "2", (1, 3): "2", (2, 3): "1"}


def seed(ctx) -> str:
    owner = ctx.staff["admin"]
    evaluators = [ctx.staff["manager"], ctx.staff["manager2"]]
    pool = [c.partner for c in ctx.companies if c.stage in (Stage.PROSPECT, Stage.CANDIDATE)]
    ctx.rng.shuffle(pool)
    logistics, japan = pool[:6], pool[6:10]

    project = services.project_create(
        actor=owner,
        data={
            "name": f"{ctx.today.year + 1} 물류 협력사 발굴",
            "goal": "수도권·영남권 3PL 협력사 2곳 선정",
            "starts_on": ctx.today.replace(day=1),
            "notes": "KOTRA 물류 리포트와 업계 추천을 바탕으로 한 롱리스트.",
        },
    )
    services.project_source_add(
        actor=owner,
        project=project,
        data={
            "title": "국내 3PL 시장 동향",
            "url": "https://example.com/research/3pl-market",
            "text": "상위 10개사 점유율 62%, 콜드체인 수요 연 12% 성장.",
        },
    )
    candidates = []
    for partner in logistics:
        candidate = services.candidate_add(
            actor=owner,
            project=project,
            partner=partner,
            notes=ctx.rng.choice(
                [
                    "전시회에서 만남; 냉장 창고 보유.",
                    "기존 고객사 추천. 영남권 커버리지 우수.",
                    "Found through a trade directory; strong WMS integration.",
                    "가격 경쟁력 높음, 재무제표 확인 필요.",
                ]
            ),
        )
        services.source_add(
            actor=owner,
            candidate=candidate,
            data={
                "title": "회사 소개서",
                "text": f"{partner.name}: 물류센터 {ctx.rng.randint(2, 9)}곳",
            },
        )
        candidates.append(candidate)

    template = services.template_create(
        actor=owner,
        data={"name": "물류 협력사 적합성 평가", "description": "AHP로 도출한 가중치"},
    )
    for name, direction, scale in CRITERIA:
        services.criterion_add(
            actor=owner,
            template=template,
            data={
                "name": name,
                "raw_weight": Decimal(1),
                "direction": direction,
                "scale_max": scale,
            },
        )
    services.template_set_ahp(actor=owner, template=template, upper=AHP_UPPER)

    evaluation = services.round_create(
        actor=owner,
        project=project,
        data={"name": "1차 평가", "template": template, "due_on": ctx.today},
        candidates=candidates,
        evaluators=evaluators,
    )
    criteria = list(template.criteria.order_by("position", "id"))
    for evaluator in evaluators:
        entries = [
            services.ScoreEntry(c.pk, k.pk, ctx.rng.randint(2, k.scale_max))
            for c in candidates
            for k in criteria
        ]
        services.scores_save(actor=evaluator, evaluation=evaluation, entries=entries, submit=True)
    if len(candidates) >= 2:
        services.candidate_decide(
            actor=owner,
            candidate=candidates[-1],
            decision="rejected",
            reason="냉장 물류 역량 부족",
        )
        services.candidate_decide(actor=owner, candidate=candidates[-2], decision="hold")

    second = services.project_create(
        actor=owner,
        data={"name": "Japan reseller expansion", "goal": "Two resellers in Tokyo and Osaka"},
    )
    for partner in japan:
        services.candidate_add(
            actor=owner, project=second, partner=partner, notes="From the JETRO partner list."
        )
    return (
        f"2 sourcing projects, {len(candidates) + len(japan)} candidates, "
        f"1 AHP template, 1 round scored by {len(evaluators)} evaluators"
    )


def wipe() -> None:
    """Projects, rounds and templates belong to the demo staff (who are deleted next)."""
    from prm.demo.seed import demo_users

    users = demo_users()
    access.unrestricted(EvaluationRound).filter(owner__in=users).delete()
    access.unrestricted(SourcingProject).filter(owner__in=users).delete()
    access.unrestricted(EvaluationTemplate).filter(owner__in=users).delete()
