"""Plans the demo program in memory: which companies, of which types and stages, with
which people. A seeded random generator makes every choice, so one seed always plans the
same program; nothing here touches the database.

Real companies come from Microsoft's sample data sets (:mod:`prm.demo.datasets`); Korean
companies are invented, with registration numbers that pass the National Tax Service check
digit. A few partners are chosen to carry the portal log-ins: they are active, have a full
team of contacts and documents that expire soon.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import phonenumbers
from django.core.exceptions import ValidationError

from prm.accounts.models import User
from prm.demo import datasets, vocabulary
from prm.partners.lifecycle import Stage
from prm.partners.models import Partner, TypeCode
from prm.partners.validators import brn_check_digit, normalize_phone

DEMO_PREFIX = "demo:"  # the external id of every demo partner starts with it

STAGE_WEIGHTS = {
    Stage.PROSPECT: 12,
    Stage.CANDIDATE: 10,
    Stage.APPLIED: 8,
    Stage.ONBOARDING: 10,
    Stage.ACTIVE: 45,
    Stage.SUSPENDED: 6,
    Stage.OFFBOARDED: 9,
}
# How long ago partners of each stage were entered in the registry, in days.
AGE_DAYS = {
    Stage.PROSPECT: (0, 90),
    Stage.CANDIDATE: (20, 240),
    Stage.APPLIED: (10, 120),
    Stage.ONBOARDING: (20, 150),
    Stage.ACTIVE: (150, 1500),
    Stage.SUSPENDED: (300, 1500),
    Stage.OFFBOARDED: (400, 1800),
}
# The first type of an invented Korean partner: a software or equipment vendor's program.
KOREAN_TYPE_WEIGHTS = [
    ("reseller", 30),
    ("supplier", 20),
    ("service", 12),
    ("technology", 10),
    ("referral", 10),
    ("distributor", 9),
    ("oem", 9),
]


@dataclass
class Person:
    name: str
    title: str
    email: str
    phone: str
    roles: list[str]


@dataclass
class Company:
    """One partner as planned, before it is written."""

    key: str
    name: str
    name_en: str
    country: str
    industry: str
    types: list[str]
    korean: bool = False
    legal_name: str = ""
    registration_number: str = ""
    region: str = ""
    area_code: str = ""
    domain: str = ""
    website: str = ""
    stage: str = Stage.PROSPECT
    tier: str | None = None
    owner: User | None = None
    tags: list[str] = field(default_factory=list)
    notes: str = ""
    parent: Company | None = None
    people: list[Person] = field(default_factory=list)
    fixed_stage: bool = False
    portal: tuple[str, ...] = ()  # portal log-ins to create: "admin", "user"
    age_days: int = 0  # how long ago the partner was entered in the registry
    partner: Partner | None = None

    @property
    def slug(self) -> str:
        """``Exotic Liquids`` → ``exoticliquids``: whole words, about 24 letters at most."""
        words = re.findall(r"[a-z0-9]+", ascii_fold(self.name_en).lower())
        slug = words[0][:24] if words else "partner"
        for word in words[1:]:
            if len(slug) + len(word) > 24:
                break
            slug += word
        return slug


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


class Planner:
    """Plans the companies of the program from a seeded random generator."""

    def __init__(self, rng: random.Random, managers: list[User]):
        self.rng = rng
        self.managers = managers
        self.brns: set[str] = set()

    def weighted(self, choices):
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    # Identifiers and people

    def registration_number(self) -> str:
        """A fresh 사업자등록번호 of a corporation (middle digits 81/86/87/88)."""
        while True:
            first_nine = (
                f"{self.rng.randint(101, 899)}{self.rng.choice(['81', '86', '87', '88'])}"
                f"{self.rng.randint(0, 9999):04d}"
            )
            number = f"{first_nine}{brn_check_digit(first_nine)}"
            if number not in self.brns:
                self.brns.add(number)
                return number

    def korean_phone(self, area_code: str) -> str:
        for _attempt in range(20):
            if self.rng.random() < 0.6:
                text = f"010-{self.rng.randint(2000, 9999)}-{self.rng.randint(0, 9999):04d}"
            elif area_code == "02":
                text = f"02-{self.rng.randint(200, 9999)}-{self.rng.randint(0, 9999):04d}"
            else:
                text = f"{area_code}-{self.rng.randint(200, 999)}-{self.rng.randint(0, 9999):04d}"
            try:
                return normalize_phone(text, "KR")
            except ValidationError:
                continue
        return normalize_phone("02-2123-4567", "KR")

    def foreign_phone(self, country: str, given: str = "") -> str:
        """The data set's number when it is valid for the country, else one in the
        country's example range, so every stored number passes validation."""
        if given:
            try:
                return normalize_phone(given, country)
            except ValidationError:
                pass
        example = phonenumbers.example_number_for_type(
            country, phonenumbers.PhoneNumberType.FIXED_LINE
        )
        if example is None:
            return ""
        national = str(example.national_number)
        for _attempt in range(20):
            candidate = phonenumbers.PhoneNumber(
                country_code=example.country_code,
                national_number=int(f"{national[:-2]}{self.rng.randint(0, 99):02d}"),
            )
            if phonenumbers.is_valid_number(candidate):
                return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
        return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)

    def korean_people(self, company: Company, count: int) -> list[Person]:
        people, used = [], set()
        titles = list(vocabulary.KOREAN_TITLES[3:])
        self.rng.shuffle(titles)
        for index in range(count):
            while True:
                surname, given = (
                    self.rng.choice(vocabulary.SURNAMES),
                    self.rng.choice(vocabulary.GIVEN_NAMES),
                )
                if (surname, given) not in used:
                    used.add((surname, given))
                    break
            if index == 0:
                title, roles = self.rng.choice(vocabulary.KOREAN_TITLES[:3])
                roles = ["primary", *roles]
            else:
                title, roles = titles[(index - 1) % len(titles)]
            people.append(
                Person(
                    name=f"{surname[0]}{given[0]}",
                    title=title,
                    email=f"{given[1]}.{surname[1]}@{company.domain}",
                    phone=self.korean_phone(company.area_code),
                    roles=list(roles),
                )
            )
        return people

    def english_people(self, company: Company, count: int, first: Person | None = None):
        people = [first] if first else []
        used = {first.name} if first else set()
        while len(people) < count:
            name = (
                f"{self.rng.choice(vocabulary.FIRST_NAMES_EN)} "
                f"{self.rng.choice(vocabulary.LAST_NAMES_EN)}"
            )
            if name in used:
                continue
            used.add(name)
            if people:
                title, roles = self.rng.choice(vocabulary.ENGLISH_TITLES[1:])
            else:
                title, roles = vocabulary.ENGLISH_TITLES[0]
                roles = ["primary", *roles]
            people.append(
                Person(
                    name=name,
                    title=title,
                    email=f"{ascii_fold(name).lower().replace(' ', '.')}@{company.domain}",
                    phone=self.foreign_phone(company.country),
                    roles=list(roles),
                )
            )
        return people

    # Companies

    def korean(self, count: int) -> list[Company]:
        """Invented Korean companies; the partner type is drawn first (resellers are the
        most common), then a line of business that fits it."""
        used: set[tuple[str, str]] = set()
        companies = []
        for index in range(1, count + 1):
            # The first one becomes the flagship distributor of the demo (see plan()).
            wanted = {"distributor", "reseller"} if index == 1 else set()
            primary = "distributor" if wanted else self.weighted(KOREAN_TYPE_WEIGHTS)
            prefix, business = self._name_for({primary, *wanted}, used)
            base = f"{prefix[0]}{business[0]}"
            region, area_code = self.weighted(
                [((r, code), w) for r, code, w in vocabulary.KOREAN_REGIONS]
            )
            types = [primary]
            others = [t for t in business[3] if t != primary]
            if others and self.rng.random() < 0.35:
                types.append(self.rng.choice(others))
            domain = f"{prefix[1]}{business[1]}".lower() + ".example"
            company = Company(
                key=f"{DEMO_PREFIX}kr:{index:04d}",
                name=self.weighted(vocabulary.DISPLAY_FORMS).format(name=base),
                name_en=f"{prefix[1]} {business[1]}",
                legal_name=self.weighted(vocabulary.LEGAL_FORMS).format(name=base),
                registration_number=self.registration_number(),
                korean=True,
                country="KR",
                region=region,
                area_code=area_code,
                industry=business[2],
                types=types,
                domain=domain,
                website=f"https://www.{domain}",
            )
            companies.append(company)
        return companies

    def _name_for(self, partner_types: set[str], used: set[tuple[str, str]]):
        fitting = [b for b in vocabulary.BUSINESSES if partner_types <= set(b[3])]
        for _attempt in range(50):
            pair = (self.rng.choice(vocabulary.NAME_PREFIXES), self.rng.choice(fitting))
            if (pair[0][0], pair[1][0]) not in used:
                break
        else:
            free = [
                (p, b)
                for p in vocabulary.NAME_PREFIXES
                for b in vocabulary.BUSINESSES
                if (p[0], b[0]) not in used
            ]
            pair = self.rng.choice(free)
        used.add((pair[0][0], pair[1][0]))
        return pair

    def northwind(self, suppliers: list[datasets.Supplier]) -> list[Company]:
        companies = []
        for supplier in suppliers:
            company = Company(
                key=f"{DEMO_PREFIX}northwind:{supplier.key}",
                name=supplier.name,
                name_en=supplier.name,
                legal_name=supplier.name,
                country=supplier.country,
                region=supplier.city,
                industry="식품·음료",
                types=["supplier"],
                notes="Northwind 공급사 (출처: Microsoft Northwind 샘플 데이터)",
            )
            self._english_domain(company)
            title_roles = _english_roles(supplier.contact_title)
            first = Person(
                name=supplier.contact_name,
                title=supplier.contact_title,
                email=(
                    f"{ascii_fold(supplier.contact_name).lower().replace(' ', '.')}"
                    f"@{company.domain}"
                ),
                phone=self.foreign_phone(supplier.country, supplier.phone),
                roles=["primary", *title_roles],
            )
            company.people = self.english_people(company, self.rng.randint(1, 2), first)
            companies.append(company)
        return companies

    def vendors(self, vendors: list[datasets.Vendor]) -> list[Company]:
        states = ("Washington", "Oregon", "California", "Texas", "Illinois", "Colorado", "Utah")
        companies = []
        for vendor in vendors:
            company = Company(
                key=f"{DEMO_PREFIX}aw-vendor:{vendor.account}",
                name=vendor.name,
                name_en=vendor.name,
                legal_name=vendor.name,
                country="US",
                region=self.rng.choice(states),
                industry="자전거 부품",
                types=["supplier", "oem"] if self.rng.random() < 0.25 else ["supplier"],
                website=vendor.website,
                notes=(
                    f"AdventureWorks 구매처 {vendor.account}, 신용등급 {vendor.credit_rating}/5 "
                    "(출처: Microsoft AdventureWorks 샘플 데이터)"
                ),
            )
            self._english_domain(company)
            if not vendor.active:
                company.stage, company.fixed_stage = Stage.OFFBOARDED, True
            elif vendor.credit_rating >= 4:
                company.stage, company.fixed_stage = Stage.SUSPENDED, True
            elif vendor.preferred:
                company.stage, company.fixed_stage = Stage.ACTIVE, True
            company.people = self.english_people(company, self.rng.randint(1, 2))
            companies.append(company)
        return companies

    def resellers(self, resellers: list[datasets.Reseller]) -> list[Company]:
        companies = []
        for reseller in resellers:
            if reseller.business_type == "Warehouse":
                types = ["distributor"]
            elif reseller.business_type == "Value Added Reseller":
                types = ["reseller", "service"]
            else:
                types = ["reseller"]
            company = Company(
                key=f"{DEMO_PREFIX}aw-reseller:{reseller.key}",
                name=reseller.name,
                name_en=reseller.name,
                legal_name=reseller.name,
                country=reseller.country,
                region=reseller.state or reseller.city,
                industry="스포츠·자전거 유통",
                types=types,
                notes=(
                    f"AdventureWorks 리셀러 {reseller.key} "
                    "(출처: Microsoft AdventureWorks 샘플 데이터)"
                ),
            )
            if reseller.annual_sales >= 3_000_000:
                company.tier = "platinum"
            elif reseller.annual_sales >= 1_500_000:
                company.tier = "gold"
            elif reseller.annual_sales >= 800_000:
                company.tier = "silver"
            self._english_domain(company)
            company.people = self.english_people(company, self.rng.randint(1, 3))
            companies.append(company)
        distributors: dict[str, list[Company]] = {}
        for company in companies:
            if "distributor" in company.types:
                distributors.setdefault(company.country, []).append(company)
        for company in companies:
            parents = distributors.get(company.country)
            if "distributor" not in company.types and parents and self.rng.random() < 0.5:
                company.parent = self.rng.choice(parents)
        return companies

    def foreign_fallback(self, count: int) -> list[Company]:
        companies = []
        for index, (name, country, region, industry, types) in enumerate(
            vocabulary.FOREIGN_FALLBACK[:count], start=1
        ):
            company = Company(
                key=f"{DEMO_PREFIX}intl:{index:03d}",
                name=name,
                name_en=name,
                legal_name=name,
                country=country,
                region=region,
                industry=industry,
                types=list(types),
            )
            self._english_domain(company)
            company.people = self.english_people(company, self.rng.randint(1, 3))
            companies.append(company)
        return companies

    def duplicate_of(self, original: Company) -> Company:
        """The same Korean company entered a second time with its legal form written another
        way (``(주)X`` / ``X 주식회사``): a pair to try duplicate warnings and merging."""
        base = original.legal_name
        for form in ("주식회사 ", " 주식회사", "(주)", "유한회사 ", " 유한회사"):
            base = base.replace(form, "")
        company = Company(
            key=f"{DEMO_PREFIX}kr-dup:{original.key.rsplit(':', 1)[-1]}",
            name=f"㈜ {base}" if original.name == base else f"{base} 주식회사",
            name_en=original.name_en,
            korean=True,
            country="KR",
            region=original.region,
            area_code=original.area_code,
            industry=original.industry,
            types=original.types[:1],
            domain=original.domain,
            website=original.website,
            stage=Stage.PROSPECT,
            fixed_stage=True,
            notes="전시회 명함으로 등록됨 — 기존 파트너와 같은 회사인지 확인 필요.",
        )
        primary = original.people[0]
        company.people = [
            Person(primary.name, primary.title, primary.email, primary.phone, ["primary"])
        ]
        return company

    def _english_domain(self, company: Company) -> None:
        if company.website:
            company.domain = re.sub(r"^https?://(www\.)?", "", company.website).split("/")[0]
        else:
            company.domain = f"{company.slug}.example"
            company.website = f"https://www.{company.domain}"

    # Program-wide choices

    def assign_people(self, companies: list[Company]) -> None:
        """Contacts for the Korean companies; the partners with portal log-ins get a full
        team (their users are named after it)."""
        for company in companies:
            if company.korean and not company.people:
                low, high = (
                    (3, 4) if company.portal else (1, 2 if company.stage == Stage.PROSPECT else 4)
                )
                company.people = self.korean_people(company, self.rng.randint(low, high))
            elif company.portal and len(company.people) < 3:
                company.people = self.english_people(company, 3, company.people[0])

    def assign_stages(self, companies: list[Company], reserved: set[str]) -> None:
        for company in companies:
            if not company.fixed_stage:
                company.stage = self.weighted(list(STAGE_WEIGHTS.items()))
        counts = Counter(c.stage for c in companies)
        free = [c for c in companies if c.korean and not c.fixed_stage and c.key not in reserved]
        for stage in Stage.values:
            if counts[stage]:
                continue
            for company in self.rng.sample(free, len(free)):
                if counts[company.stage] > 1:
                    counts[company.stage] -= 1
                    company.stage = stage
                    counts[stage] += 1
                    break

    def assign_types(self, companies: list[Company], reserved: set[str]) -> None:
        present = {t for c in companies for t in c.types}
        free = [c for c in companies if c.korean and c.key not in reserved]
        for code in TypeCode.values:
            if code not in present and free:
                self.rng.choice(free).types.append(code)

    def assign_details(self, companies: list[Company]) -> None:
        """Tier, owner, tags and age, each fitting the partner's stage."""
        tier_weights = [("registered", 35), ("silver", 35), ("gold", 20), ("platinum", 10)]
        for company in companies:
            company.age_days = self.rng.randint(*AGE_DAYS[company.stage])
            if company.stage in (Stage.ACTIVE, Stage.SUSPENDED):
                company.tier = company.tier or self.weighted(tier_weights)
            elif company.stage == Stage.ONBOARDING:
                company.tier = "registered"
            elif company.stage == Stage.OFFBOARDED:
                company.tier = company.tier if self.rng.random() < 0.5 else None
            else:
                company.tier = None
            if company.stage == Stage.PROSPECT and self.rng.random() < 0.3:
                company.owner = None
            else:
                company.owner = self.rng.choice(self.managers)
            company.tags = self.tags_for(company)

    def tags_for(self, company: Company) -> list[str]:
        choices = []
        for name, weight in vocabulary.TAGS:
            if name == "핵심 공급사" and "supplier" not in company.types:
                continue
            if name == "신규" and company.stage not in (
                Stage.PROSPECT,
                Stage.CANDIDATE,
                Stage.APPLIED,
                Stage.ONBOARDING,
            ):
                continue
            if name == "재계약 검토" and company.stage not in (Stage.ACTIVE, Stage.SUSPENDED):
                continue
            if name == "수출" and not company.korean:
                continue
            choices.append((name, weight))
        count = self.weighted([(0, 35), (1, 40), (2, 20), (3, 5)])
        tags: list[str] = []
        while len(tags) < count:
            name = self.weighted(choices)
            if name not in tags:
                tags.append(name)
        return sorted(tags)

    def link_korean_families(self, companies: list[Company], flagship: Company) -> None:
        """Korean distributors get resellers under them; the flagship gets at least two."""
        korean = [c for c in companies if c.korean]
        others = [c for c in korean if "distributor" in c.types and c is not flagship]
        parents = [flagship, *others[: len(korean) // 25]]
        pool = [
            c
            for c in korean
            if "reseller" in c.types and "distributor" not in c.types and c.parent is None
        ]
        self.rng.shuffle(pool)
        if not pool:
            # A small program may have no plain reseller: make one under the flagship.
            spare = next(c for c in korean[2:] if c is not flagship)
            spare.types = ["reseller"]
            pool = [spare]
        for index, child in enumerate(pool):
            if index < 2 or self.rng.random() < 0.6:
                child.parent = parents[0] if index < 2 else self.rng.choice(parents)


def _english_roles(title: str) -> list[str]:
    title = title.lower()
    if "purchas" in title:
        return ["purchasing"]
    if "account" in title and "rep" not in title and "agent" not in title:
        return ["billing"]
    if "owner" in title:
        return ["executive"]
    return ["sales"]


def plan(
    planner: Planner,
    total: int,
    suppliers: list[datasets.Supplier],
    vendors: list[datasets.Vendor],
    resellers: list[datasets.Reseller],
) -> list[Company]:
    """``total`` companies: about 40 % real foreign ones when the data sets are there, the
    rest invented Korean ones, plus one Korean company registered twice."""
    rng = planner.rng
    foreign: list[Company] = []
    if suppliers or vendors or resellers:
        foreign += planner.northwind(suppliers[: min(len(suppliers), round(total * 0.15))])
        foreign += planner.vendors(rng.sample(vendors, min(len(vendors), round(total * 0.10))))
        picked = rng.sample(resellers, min(len(resellers), round(total * 0.15)))
        foreign += planner.resellers(sorted(picked, key=lambda r: r.key))
    else:
        foreign += planner.foreign_fallback(min(len(vocabulary.FOREIGN_FALLBACK), total // 8))
    korean = planner.korean(total - len(foreign) - 1)

    flagship = korean[0]
    flagship.types = ["distributor", "reseller"]
    flagship.stage, flagship.fixed_stage = Stage.ACTIVE, True
    duplicate_source = korean[1]
    planner.link_korean_families(korean, flagship)
    child = next(c for c in korean if c.parent is flagship)
    child.stage, child.fixed_stage = Stage.ACTIVE, True
    portal_foreign = [c for c in foreign if "distributor" not in c.types][:1]
    portal_foreign += [c for c in foreign if "reseller" in c.types and c not in portal_foreign][:1]
    for company in portal_foreign:
        company.stage, company.fixed_stage = Stage.ACTIVE, True

    flagship.portal, child.portal = ("admin", "user"), ("admin",)
    for company, roles in zip(portal_foreign, (("admin", "user"), ("admin",)), strict=False):
        company.portal = roles

    companies = korean + foreign
    reserved = {c.key for c in (flagship, child, duplicate_source, *portal_foreign)}
    planner.assign_stages(companies, reserved)
    planner.assign_types(companies, reserved)
    planner.assign_people(companies)
    duplicate = planner.duplicate_of(duplicate_source)
    companies.append(duplicate)
    planner.assign_details(companies)
    flagship.tier, flagship.owner = "platinum", planner.managers[0]
    # One owner for the pair, so that the first manager may merge them.
    duplicate.owner = duplicate_source.owner = planner.managers[0]
    duplicate.tags = [vocabulary.DUPLICATE_TAG]
    flagship.tags = sorted({*flagship.tags, "전략 파트너"})
    return companies
