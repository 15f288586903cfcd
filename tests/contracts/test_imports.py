"""Contracts and compliance requirements through the import/export framework."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from prm.contracts.models import ComplianceRequirement, Contract
from prm.core import access
from prm.imports import services as import_services
from tests.conftest import login
from tests.contracts.factories import make_contract

pytestmark = pytest.mark.django_db


def csv(text: str, name: str = "contracts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def run(actor, entity: str, text: str):
    preview = import_services.import_preview(actor=actor, entity_name=entity, upload=csv(text))
    if preview.status != "previewed":
        return preview
    return import_services.import_apply(actor=actor, run=preview)


def test_import_creates_and_updates_contracts_with_korean_headers(manager, partner_a):
    text = (
        "파트너,계약 유형,계약명,계약 금액,통화,시작일,종료일,해지 통보 기간(일)\n"
        '220-81-62517,리셀러 계약,2027 리셀러,"1,500,000",KRW,2027-01-01,2027-12-31,45\n'
    )
    result = run(manager, "contracts", text)
    assert result.status == "applied", result.report
    contract = access.unrestricted(Contract).get()
    assert (contract.type_id, contract.value, contract.notice_days) == ("reseller", 1500000, 45)
    update = f"ID,partner,title,notes\n{contract.pk},2208162517,2027 리셀러,갱신 예정\n"
    assert run(manager, "contracts", update).status == "applied"
    contract.refresh_from_db()
    assert contract.notes == "갱신 예정"


def test_import_row_with_end_before_start_is_refused(manager, partner_a):
    text = "partner,type,title,start_date,end_date\n2208162517,nda,NDA,2027-05-01,2027-04-01\n"
    result = run(manager, "contracts", text)
    assert result.status == "rejected"
    assert "The end date must not precede the start date." in str(result.report)
    assert access.unrestricted(Contract).count() == 0


def test_export_contracts_csv_with_status(client, manager, partner_a):
    make_contract(
        partner_a,
        title="Exported one",
        signed_on=date(2020, 1, 1),
        start_date=date(2020, 1, 1),
        end_date=date(2020, 12, 31),
    )
    login(client, manager)
    response = client.get(reverse("imports:export", args=["contracts"]), {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    text = text.decode("utf-8-sig")
    assert "Exported one" in text and "Expired" in text


def test_requirements_import_is_for_admins(admin_user, manager):
    text = (
        "partner_type,name_ko,name_en,expires,validity_days\nreseller,보험증권,Insurance,yes,365\n"
    )
    assert run(admin_user, "compliance-requirements", text).status == "applied"
    requirement = ComplianceRequirement.objects.get()
    assert (requirement.expires, requirement.validity_days) == (True, 365)
    with pytest.raises(PermissionDenied):
        run(manager, "compliance-requirements", text)
    assert ComplianceRequirement.objects.count() == 1
