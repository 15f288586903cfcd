"""Demo data of lead routing: ordered routing rules (Seoul and Gyeonggi resellers, the rest of
Korea, abroad) and leads from the company, each routed with its explanation; some accepted,
some declined with a reason (and offered to the next partner), one converted into a deal."""

from __future__ import annotations

from decimal import Decimal

from prm.accounts.models import User
from prm.core import access
from prm.core.errors import BusinessError
from prm.leads import services
from prm.leads.models import Lead, LeadRoutingRule, LeadStatus

DEMO_KEY = "demo:lead:"
RULES = (
    # name, order, countries, regions, sla hours
    ("데모: 수도권 리드", 10, ["KR"], ["서울", "경기", "인천"], 48),
    ("데모: 국내 리드", 20, ["KR"], [], 72),
    ("데모: 해외 리드", 30, [], [], 96),
)
COMPANIES = (
    ("(주)새롬데이터", "KR", "서울", "금융"),
    ("누리헬스케어 주식회사", "KR", "경기", "의료"),
    ("바다물류(주)", "KR", "부산", "물류"),
    ("(주)한결정밀", "KR", "대구", "제조"),
    ("가온에너지", "KR", "인천", "에너지"),
    ("하늘모빌리티(주)", "KR", "서울", "제조"),
    ("Orion Retail Co., Ltd.", "SG", "", "유통"),
    ("Polaris Foods GmbH", "DE", "", "식품"),
    ("(주)미래교육", "KR", "광주", "교육"),
    ("태평바이오 주식회사", "KR", "대전", "제약"),
    ("Summit Logistics Inc.", "US", "", "물류"),
    ("(주)세종클라우드", "KR", "서울", "소프트웨어"),
)
DECLINE_REASONS = (
    "해당 지역에 영업 인력이 없습니다.",
    "이번 분기 수용 가능한 리드를 초과했습니다.",
)


def _answering_user(lead: Lead, admin: User) -> User:
    return (
        access.unrestricted(User)
        .filter(partner_id=lead.partner_id, is_active=True)
        .order_by("role", "pk")
        .first()
        or admin
    )


def seed(ctx) -> str:
    admin = ctx.staff["admin"]
    for name, order, countries, regions, sla in RULES:
        LeadRoutingRule.objects.get_or_create(
            name=name,
            defaults={
                "order": order,
                "countries": countries,
                "regions": regions,
                "sla_hours": sla,
            },
        )
    rng = ctx.rng
    leads = []
    for index, (company, country, region, industry) in enumerate(COMPANIES):
        leads.append(
            services.lead_create(
                actor=admin,
                data={
                    "company_name": company,
                    "contact_name": rng.choice(("김도윤", "이서아", "박시우", "최지안")),
                    "contact_email": f"buyer{index + 1}@lead{index + 1}.example.kr",
                    "country": country,
                    "region": region,
                    "industry": industry,
                    "product_interest": rng.choice(("ERP", "보안", "클라우드", "유지보수")),
                    "estimated_value": Decimal(rng.randrange(10, 200) * 1_000_000),
                    "external_id": f"{DEMO_KEY}{index + 1}",
                },
            )
        )
    offered = [lead for lead in leads if lead.status == LeadStatus.OFFERED]
    accepted = declined = converted = 0
    for lead in offered[:4]:
        services.lead_accept(actor=_answering_user(lead, admin), lead=lead)
        accepted += 1
    for lead in offered[4:7]:
        services.lead_decline(
            actor=_answering_user(lead, admin), lead=lead, reason=rng.choice(DECLINE_REASONS)
        )
        declined += 1
    if offered:
        first = access.unrestricted(Lead).get(pk=offered[0].pk)
        try:
            services.lead_convert(actor=_answering_user(first, admin), lead=first)
            converted = 1
        except BusinessError:
            # The sample's registration may be refused (a conflict rejected at once, the
            # partner on hold); the demo keeps the lead accepted. Anything else is a bug.
            converted = 0
    return (
        f"{len(RULES)} routing rules, {len(leads)} leads ({len(offered)} offered, "
        f"{accepted} accepted, {declined} declined and re-offered, {converted} converted)"
    )


def wipe() -> None:
    access.unrestricted(Lead).filter(external_id__startswith=DEMO_KEY).delete()
    LeadRoutingRule.objects.filter(name__in=[r[0] for r in RULES]).delete()
