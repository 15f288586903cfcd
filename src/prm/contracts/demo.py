"""Demo data of contracts and compliance documents: contracts of several types in every
status (some inside their notice window, one under negotiation over two rounds with the
partner's comment), required documents per partner type, and submissions linked to the
documents the demo partners hold, so that some are complete, missing, expiring or expired."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from prm.accounts.models import User
from prm.contracts import compliance, services
from prm.contracts.models import (
    ComplianceRequirement,
    ComplianceSubmission,
    Contract,
    ContractType,
)
from prm.core import access
from prm.partners.lifecycle import Stage
from prm.partners.models import Document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (partner type, Korean name, English name, expires, document kind it is matched with)
REQUIREMENTS = (
    ("supplier", "사업자등록증", "Business registration certificate", False, "registration"),
    ("supplier", "ISO 9001 인증서", "ISO 9001 certificate", True, "certificate"),
    ("supplier", "보험 증권", "Insurance certificate", True, "insurance"),
    ("reseller", "사업자등록증", "Business registration certificate", False, "registration"),
    ("reseller", "보험 증권", "Insurance certificate", True, "insurance"),
    ("distributor", "사업자등록증", "Business registration certificate", False, "registration"),
    ("distributor", "보험 증권", "Insurance certificate", True, "insurance"),
    ("technology", "보안 설문", "Security questionnaire", True, ""),
)
CONTRACT_TYPE_FOR = {
    "reseller": "reseller",
    "distributor": "distribution",
    "referral": "referral",
    "supplier": "supply",
    "service": "sla",
    "technology": "nda",
    "oem": "supply",
}
# The status each of the first contracts is given, in turn.
PLAN = (
    "active",
    "expiring",
    "active",
    "expired",
    "renewed",
    "terminated",
    "signed",
    "draft",
    "expiring",
    "active",
    "negotiating",
)


def _requirements() -> dict[str, list[tuple[ComplianceRequirement, str]]]:
    found: dict[str, list[tuple[ComplianceRequirement, str]]] = {}
    for type_code, name_ko, name_en, expires, kind in REQUIREMENTS:
        requirement, _created = ComplianceRequirement.objects.get_or_create(
            partner_type_id=type_code,
            name_en=name_en,
            defaults={
                "name_ko": name_ko,
                "expires": expires,
                "validity_days": 365 if expires and not kind else None,
            },
        )
        found.setdefault(type_code, []).append((requirement, kind))
    return found


def _submissions(ctx, requirements) -> int:
    """Link the partners' own documents to the requirements they meet (not for everyone:
    some are left missing)."""
    partners = [c.partner for c in ctx.companies if c.stage not in (Stage.PROSPECT,)]
    documents: dict[int, dict[str, Document]] = {}
    for document in access.unrestricted(Document).filter(partner__in=partners).order_by("pk"):
        documents.setdefault(document.partner_id, {}).setdefault(document.kind, document)
    rows, used = [], set()
    for company in ctx.companies:
        partner = company.partner
        if company.stage == Stage.PROSPECT or ctx.rng.random() < 0.15:
            continue
        for code in company.types:
            for requirement, kind in requirements.get(code, []):
                document = documents.get(partner.pk, {}).get(kind) if kind else None
                if document is None or document.pk in used:
                    continue
                used.add(document.pk)
                rows.append(
                    ComplianceSubmission(
                        partner=partner,
                        requirement=requirement,
                        document=document,
                        expires_on=document.expires_on if requirement.expires else None,
                        submitted_by=company.owner,
                    )
                )
    access.unrestricted(ComplianceSubmission).bulk_create(rows)
    return len(rows)


def _contract(ctx, company, status: str, index: int) -> Contract:
    today = ctx.today
    code = next((CONTRACT_TYPE_FOR[t] for t in company.types if t in CONTRACT_TYPE_FOR), "nda")
    kind = ContractType.objects.get(code=code)
    value = Decimal(ctx.rng.randrange(10, 500) * 1_000_000)
    start, end, signed, notice = today - timedelta(days=200), today + timedelta(days=500), None, 60
    if status == "expiring":
        end = today + timedelta(days=ctx.rng.randint(10, 50))
    elif status in ("expired", "renewed"):
        start, end = today - timedelta(days=500), today - timedelta(days=ctx.rng.randint(5, 60))
    elif status == "signed":
        start, end = today + timedelta(days=20), today + timedelta(days=385)
    elif status in ("draft", "negotiating"):
        start, end = today + timedelta(days=30), today + timedelta(days=395)
    if status not in ("draft", "negotiating"):
        signed = start - timedelta(days=10) if start <= today else today - timedelta(days=3)
    contract = Contract(
        partner=company.partner,
        type=kind,
        title=f"{kind.name_ko} — {company.partner.name}",
        value=value if code != "nda" else Decimal(0),
        currency="KRW" if company.korean else ctx.rng.choice(["USD", "EUR", "JPY"]),
        start_date=start,
        end_date=end,
        auto_renew=index % 4 == 2 and status == "active",
        renewal_term_months=12 if index % 4 == 2 and status == "active" else None,
        notice_days=notice,
        owner=company.owner,
        signed_on=signed,
        signatories=["김대표 (CEO)", f"{company.partner.name} 대표이사"] if signed else [],
    )
    contract.full_clean()
    contract.save()
    return contract


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def seed(ctx) -> str:
    admin = ctx.staff["admin"]
    requirements = _requirements()
    submissions = _submissions(ctx, requirements)

    active = [c for c in ctx.companies if c.stage == Stage.ACTIVE and c.types]
    contracts = 0
    for index, company in enumerate(active):
        status = (
            PLAN[index] if index < len(PLAN) else ctx.rng.choice(("active", "active", "expiring"))
        )
        contract = _contract(ctx, company, status, index)
        contracts += 1
        if status == "renewed":
            successor = services.contract_renew(actor=admin, contract=contract)
            access.unrestricted(Contract).filter(pk=successor.pk).update(
                signed_on=contract.end_date, signatories=contract.signatories
            )
            contracts += 1
        elif status == "terminated":
            services.contract_terminate(
                actor=admin,
                contract=contract,
                reason="파트너 요청에 의한 조기 해지 (사업 철수)",
                terminated_on=ctx.today - timedelta(days=15),
            )
        elif status == "negotiating":
            first = services.round_add(
                actor=admin, contract=contract, upload=_pdf("draft-v1.pdf"), summary="초안"
            )
            author = (
                access.unrestricted(User).filter(partner=company.partner, is_active=True).first()
                or admin
            )
            services.comment_add(
                actor=author, round=first, body="제7조 지급 조건을 60일로 변경 요청드립니다."
            )
            services.round_add(
                actor=admin,
                contract=contract,
                upload=_pdf("draft-v2.pdf"),
                summary="제7조 지급 조건 45일로 조정",
            )
    compliance.refresh(None, ctx.today)
    return f"{contracts} contracts, {len(REQUIREMENTS)} requirements, {submissions} submissions"
