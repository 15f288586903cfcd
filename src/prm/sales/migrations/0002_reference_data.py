from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    ("software", "소프트웨어", "Software"),
    ("hardware", "하드웨어", "Hardware"),
    ("services", "서비스", "Services"),
    ("support", "유지보수", "Support"),
]
STAGES = [
    ("registered", "등록", "Registered", "10", 0, False, False),
    ("qualified", "검증", "Qualified", "25", 1, False, False),
    ("proposal", "제안", "Proposal", "50", 2, False, False),
    ("negotiation", "협상", "Negotiation", "75", 3, False, False),
    ("won", "수주", "Won", "100", 4, True, False),
    ("lost", "실주", "Lost", "0", 5, False, True),
]


def create(apps, schema_editor):
    ProductCategory = apps.get_model("sales", "ProductCategory")
    PipelineStage = apps.get_model("sales", "PipelineStage")
    DealRules = apps.get_model("sales", "DealRules")
    for code, name_ko, name_en in CATEGORIES:
        ProductCategory.objects.get_or_create(
            code=code, defaults={"name_ko": name_ko, "name_en": name_en}
        )
    for code, name_ko, name_en, probability, order, is_won, is_lost in STAGES:
        PipelineStage.objects.get_or_create(
            code=code,
            defaults={
                "name_ko": name_ko,
                "name_en": name_en,
                "probability": Decimal(probability),
                "order": order,
                "is_won": is_won,
                "is_lost": is_lost,
            },
        )
    DealRules.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
