"""Benchmark data and scenarios for the partner registry (``prm bench partners``)."""

import random

from django.db import transaction

from prm.accounts.models import User
from prm.accounts.roles import Role
from prm.core import access
from prm.partners.lifecycle import Stage
from prm.partners.models import Contact, Partner, Tier, TypeCode
from prm.partners.names import name_key
from prm.partners.validators import brn_check_digit

SYLLABLES = "한빛 대한 미래 세종 동방 서울 부산 가온 누리 하늘 바다 새롬 다온 태평 금강".split()
WORDS = "소프트 물류 테크 전자 정밀 화학 시스템 네트웍스 솔루션 유통 에너지 바이오".split()
LATIN = "Nova Apex Blue Polar Summit Vertex Orion Delta Zenith Atlas Harbor Crest".split()
LATIN_WORDS = "Soft Logistics Tech Electronics Systems Networks Solutions Trading".split()
REGIONS = ["서울", "경기", "부산", "대구", "인천", "광주", "대전", "울산", "제주", "APAC", "EMEA"]
INDUSTRIES = ["소프트웨어", "제조", "물류", "유통", "전자", "화학", "금융", "의료"]
COUNTRIES = ["KR"] * 7 + ["US", "JP", "DE", "GB", "SG", "VN"]


def _brn(rng: random.Random, used: set[str]) -> str:
    while True:
        first = f"{rng.randint(100, 999)}{rng.randint(81, 88)}{rng.randint(10000, 99999):05d}"[:9]
        number = first + str(brn_check_digit(first))
        if number not in used:
            used.add(number)
            return number


@transaction.atomic
def build(partners: int, contacts: int, seed: int = 7) -> None:
    """Bulk-create ``partners`` partners and ``contacts`` contacts (reproducible by seed)."""
    rng = random.Random(seed)
    tiers = list(Tier.objects.all())
    owner = User.objects.filter(role=Role.PARTNER_MANAGER).first() or User.objects.create_user(
        email="bench-manager@example.com", role=Role.PARTNER_MANAGER
    )
    used: set[str] = set()
    rows = []
    for i in range(partners):
        korean = rng.random() < 0.6
        if korean:
            name = f"(주){rng.choice(SYLLABLES)}{rng.choice(WORDS)} {i}"
        else:
            name = f"{rng.choice(LATIN)} {rng.choice(LATIN_WORDS)} {i} Co., Ltd."
        rows.append(
            Partner(
                name=name,
                name_key=name_key(name),
                registration_number=_brn(rng, used) if korean else "",
                stage=rng.choice(Stage.values),
                tier=rng.choice(tiers),
                country=rng.choice(COUNTRIES),
                region=rng.choice(REGIONS),
                industry=rng.choice(INDUSTRIES),
                domain=f"p{i}.example.com",
                owner=owner if rng.random() < 0.5 else None,
            )
        )
    created = access.unrestricted(Partner).bulk_create(rows, batch_size=1000)
    through = Partner.types.through
    codes = TypeCode.values
    through.objects.bulk_create(
        [
            through(partner_id=p.pk, partnertype_id=code)
            for p in created
            for code in rng.sample(codes, rng.randint(1, 2))
        ],
        batch_size=2000,
    )
    access.unrestricted(Contact).bulk_create(
        [
            Contact(
                partner_id=rng.choice(created).pk,
                name=f"담당자 {i}",
                email=f"contact{i}@example.com",
                phone="+82212345678",
            )
            for i in range(contacts)
        ],
        batch_size=2000,
    )
