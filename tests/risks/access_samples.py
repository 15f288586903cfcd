"""Samples of the risks app's models for the generated access tests (tests/access).

Risks are staff-only (``staff_only``): portal users of either side must see none of them."""

from __future__ import annotations

from django.db import models

from tests.access.samples import Side, generic


def first_row(model: type[models.Model], side: Side) -> models.Model:
    # Reference rows made by the migrations (categories, scale definitions).
    return model.objects.order_by("pk").first()


def assessment(model: type[models.Model], side: Side) -> models.Model:
    from prm.risks.models import Risk

    return model.objects.create(
        risk=side.sample(Risk), kind="inherent", likelihood=3, impact=4, score=12, level="high"
    )


def mitigation_action(model: type[models.Model], side: Side) -> models.Model:
    from django.core.files.base import ContentFile

    from prm.risks.models import Risk

    # With its evidence file: the probes read every field of the sample.
    obj = model(
        risk=side.sample(Risk),
        title=side.text(model, 200),
        evidence_filename=f"{side.marker}.pdf",
        evidence_content_type="application/pdf",
    )
    obj.evidence_file.save("evidence.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    obj.save()
    return obj


FACTORIES = {
    "risks.Risk": generic,
    "risks.Assessment": assessment,
    "risks.MitigationAction": mitigation_action,
    "risks.RiskSignal": generic,
    "risks.PartnerRiskLevel": generic,
    "risks.ScaleLevel": first_row,
    "risks.RiskCategory": first_row,
}

PARAM_VALUES = {
    # The scale definitions come with the migrations (staff-wide reference data): the first.
    "scale_level_id": lambda: ["1"],
    "rule_code": lambda: ["contract_expiry"],
}

UNRESTRICTED_MODELS = {
    "risks.RiskCategory": "the list of risk categories (reference data, maintained by admins)",
    "risks.ScaleLevel": "the definitions of the likelihood and impact scales (reference data)",
    "risks.LevelBand": "the score bands of the risk levels (configuration, edited by admins)",
    "risks.SignalRule": "the settings of the signal rules (configuration, edited by admins)",
    "risks.TrendPoint": "counts of open risks by level per past day for the whole register "
    "(no partner's data; written by the system, shown to staff on the heat map page)",
}
