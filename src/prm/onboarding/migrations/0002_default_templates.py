"""A starting onboarding template for every partner type, so that approving an application
starts a useful journey out of the box. Admins change them in Django admin."""

from django.db import migrations

# (title, kind, owner, document kind, due after days)
STEPS = [
    (
        "사업자등록증 제출 / Business registration certificate",
        "document",
        "partner",
        "registration",
        7,
    ),
    ("통장 사본 제출 / Bank account confirmation", "document", "partner", "financial", 14),
    ("킥오프 미팅 / Kick-off meeting", "meeting", "staff", "", 14),
    ("파트너 계약 체결 / Sign the partner agreement", "contract", "staff", "", 30),
    ("포털 회사 정보 확인 / Review the company profile in the portal", "task", "partner", "", 21),
]

TYPES = {
    "distributor": "총판 온보딩 / Distributor onboarding",
    "oem": "OEM 온보딩 / OEM onboarding",
    "referral": "추천 파트너 온보딩 / Referral partner onboarding",
    "reseller": "리셀러 온보딩 / Reseller onboarding",
    "service": "서비스 파트너 온보딩 / Service partner onboarding",
    "supplier": "공급사 온보딩 / Supplier onboarding",
    "technology": "기술 파트너 온보딩 / Technology partner onboarding",
}


def create(apps, schema_editor):
    PartnerType = apps.get_model("partners", "PartnerType")
    JourneyTemplate = apps.get_model("onboarding", "JourneyTemplate")
    TemplateStep = apps.get_model("onboarding", "TemplateStep")
    for code, name in TYPES.items():
        if not PartnerType.objects.filter(code=code).exists():
            continue
        template, created = JourneyTemplate.objects.get_or_create(
            partner_type_id=code, defaults={"name": name}
        )
        if not created:
            continue
        for order, (title, kind, owner, document_kind, days) in enumerate(STEPS, start=1):
            TemplateStep.objects.create(
                template=template,
                order=order,
                title=title,
                kind=kind,
                owner=owner,
                document_kind=document_kind,
                due_days=days,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0001_initial"),
        ("partners", "0002_types_and_tiers"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
