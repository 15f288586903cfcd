"""Contracts and requirements for the tests."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from prm.contracts.models import ComplianceRequirement, Contract, ContractType


def contract_type(code: str = "reseller") -> ContractType:
    return ContractType.objects.get(code=code)


def make_contract(partner, **fields) -> Contract:
    fields.setdefault("type", contract_type())
    fields.setdefault("title", "Reseller agreement 2026")
    fields.setdefault("start_date", date(2026, 1, 1))
    fields.setdefault("end_date", date(2026, 12, 31))
    fields.setdefault("notice_days", 30)
    return Contract.objects.create(partner=partner, **fields)


def pdf(name: str = "v1.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")


def requirement(type_code: str = "reseller", **fields) -> ComplianceRequirement:
    fields.setdefault("name_ko", "사업자등록증")
    fields.setdefault("name_en", "Business registration certificate")
    return ComplianceRequirement.objects.create(partner_type_id=type_code, **fields)
