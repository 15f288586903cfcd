from django.db import migrations

TYPES = ["supplier", "reseller", "distributor", "referral", "technology", "service", "oem"]
TIERS = [
    ("registered", "등록", "Registered", 0),
    ("silver", "실버", "Silver", 1),
    ("gold", "골드", "Gold", 2),
    ("platinum", "플래티넘", "Platinum", 3),
]


def create(apps, schema_editor):
    PartnerType = apps.get_model("partners", "PartnerType")
    Tier = apps.get_model("partners", "Tier")
    for code in TYPES:
        PartnerType.objects.get_or_create(code=code)
    for code, name_ko, name_en, rank in TIERS:
        Tier.objects.get_or_create(
            code=code, defaults={"name_ko": name_ko, "name_en": name_en, "rank": rank}
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
