"""Samples of the contracts app's models for the generated access tests (tests/access)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from tests.access.samples import Side, generic


def contract(model: type[models.Model], side: Side) -> models.Model:
    from prm.contracts.models import ContractType

    today = timezone.localdate()
    return model.objects.create(
        partner=side.partner,
        # Made while the world is built, so that API bodies naming a type find it later.
        type=side.sample(ContractType),
        title=side.text(model, 200),
        start_date=today,
        end_date=today + datetime.timedelta(days=365),
    )


def negotiation_round(model: type[models.Model], side: Side) -> models.Model:
    from prm.contracts.models import Contract

    # A contract of its own: the side's sample contract stays a draft (deletable).
    obj = model(
        contract=contract(Contract, side),
        number=1,
        summary=side.text(model),
        filename=f"{side.marker}.pdf",
        content_type="application/pdf",
        size=9,
    )
    obj.file.save("sample.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    obj.save()
    return obj


def compliance_submission(model: type[models.Model], side: Side) -> models.Model:
    from prm.contracts.models import ComplianceRequirement
    from prm.partners.models import Document

    # One requirement per side, named after it (the export of requirements then holds both),
    # of a partner type neither sample partner has: requirements are shared reference data,
    # so one of a type both partners have would show in both checklists.
    requirement = ComplianceRequirement.objects.create(
        partner_type_id="technology" if side.key == "a" else "oem",
        name_ko=f"서류 {side.marker}",
        name_en=f"Document {side.marker}",
        expires=True,
    )
    return model.objects.create(
        partner=side.partner,
        requirement=requirement,
        document=side.sample(Document),
        expires_on=timezone.localdate() + datetime.timedelta(days=200),
    )


def partner_compliance(model: type[models.Model], side: Side) -> models.Model:
    # A requirement of the side's own type for the API's submission test (made now, while
    # the world is built, since it changes the partner's stored status); setting the
    # partner's types already stored that status, so the row is there.
    from prm.contracts.models import ComplianceRequirement
    from prm.core import access

    ComplianceRequirement.objects.get_or_create(
        partner_type_id=side.partner.type_codes[0],
        name_en=API_REQUIREMENT,
        defaults={"name_ko": "API 테스트 서류"},
    )
    obj, _created = access.unrestricted(model).get_or_create(partner=side.partner)
    return obj


def contract_type(model: type[models.Model], side: Side) -> models.Model:
    return model.objects.order_by("pk").first()


API_REQUIREMENT = "API test document"

FACTORIES = {
    "contracts.ContractType": contract_type,
    "contracts.Contract": contract,
    "contracts.ContractTerm": generic,
    "contracts.NegotiationRound": negotiation_round,
    "contracts.RoundComment": generic,
    "contracts.ContractAlert": generic,
    "contracts.ComplianceSubmission": compliance_submission,
    "contracts.PartnerCompliance": partner_compliance,
}

PARAM_MODELS = {
    ("contracts:term_delete", "term_id"): "contracts.ContractTerm",
    ("contracts:round_accept", "round_id"): "contracts.NegotiationRound",
    ("contracts:comment_add", "round_id"): "contracts.NegotiationRound",
    ("contracts:round_download", "round_id"): "contracts.NegotiationRound",
    ("contracts:portal_comment", "round_id"): "contracts.NegotiationRound",
    ("POST /api/v1/contracts/rounds/{round_id}/comments", "round_id"): "contracts.NegotiationRound",
    ("POST /api/v1/contracts/rounds/{round_id}/accept", "round_id"): "contracts.NegotiationRound",
}

UNRESTRICTED_MODELS = {
    "contracts.ContractType": "the list of contract types (reference data, admin-extensible)",
    "contracts.ComplianceRequirement": "which documents each partner type must hold "
    "(reference data defined by admins; a partner sees its own checklist)",
}


def required_document(side: Side) -> int:
    """The requirement of the side's own partner type made with the world (see
    ``partner_compliance``), so that a submission is accepted."""
    from prm.contracts.models import ComplianceRequirement

    return ComplianceRequirement.objects.get(
        partner_type_id=side.partner.type_codes[0], name_en=API_REQUIREMENT
    ).pk


FIELD_VALUES = {
    # A signing names at least one signatory (the schema says only "a list").
    "signatories": lambda side: ["Signatory of the API test"],
    "requirement": required_document,
}
