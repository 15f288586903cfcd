from django.db import migrations

TYPES = [
    ("nda", "비밀유지계약", "NDA", 0),
    ("reseller", "리셀러 계약", "Reseller agreement", 1),
    ("distribution", "총판 계약", "Distribution agreement", 2),
    ("referral", "추천 파트너 계약", "Referral agreement", 3),
    ("supply", "공급 계약", "Supply agreement", 4),
    ("sla", "서비스 수준 협약", "Service level agreement", 5),
]


def create(apps, schema_editor):
    ContractType = apps.get_model("contracts", "ContractType")
    for code, name_ko, name_en, rank in TYPES:
        ContractType.objects.get_or_create(
            code=code, defaults={"name_ko": name_ko, "name_en": name_en, "rank": rank}
        )


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
