from django.db import migrations

CATEGORIES = [
    ("financial", "재무", "Financial"),
    ("operational", "운영", "Operational"),
    ("supply", "공급 연속성", "Supply continuity"),
    ("quality", "품질", "Quality"),
    ("compliance", "컴플라이언스/법무", "Compliance/legal"),
    ("security", "정보보안", "Information security"),
    ("reputational", "평판", "Reputational"),
    ("geopolitical", "지정학", "Geopolitical"),
    ("concentration", "집중도", "Concentration"),
]

LIKELIHOOD = [
    (1, "거의 없음", "Rare", "5년에 한 번 미만 또는 발생 확률 5% 미만", "Less than once in 5 years or below 5%"),
    (2, "낮음", "Unlikely", "2~5년에 한 번 또는 5~25%", "Once in 2-5 years or 5-25%"),
    (3, "보통", "Possible", "1~2년에 한 번 또는 25~50%", "Once in 1-2 years or 25-50%"),
    (4, "높음", "Likely", "1년에 한 번 이상 또는 50~80%", "At least once a year or 50-80%"),
    (5, "거의 확실", "Almost certain", "분기마다 또는 80% 이상", "Every quarter or above 80%"),
]
IMPACT = [
    (1, "미미", "Negligible", "영향 거의 없음, 매출 0.1% 미만", "Barely noticed; under 0.1% of revenue"),
    (2, "경미", "Minor", "일부 지연, 매출 0.1~1%", "Some delay; 0.1-1% of revenue"),
    (3, "보통", "Moderate", "납기·서비스 차질, 매출 1~3%", "Missed deliveries or service; 1-3% of revenue"),
    (4, "심각", "Major", "주요 고객 영향·법적 조치, 매출 3~10%", "Key customers hit, legal action; 3-10% of revenue"),
    (5, "치명적", "Severe", "사업 중단·규제 제재, 매출 10% 이상", "Business stops, regulators act; over 10% of revenue"),
]
BANDS = [("low", 1, 4), ("medium", 5, 9), ("high", 10, 16), ("critical", 17, 25)]


def create(apps, schema_editor):
    RiskCategory = apps.get_model("risks", "RiskCategory")
    ScaleLevel = apps.get_model("risks", "ScaleLevel")
    LevelBand = apps.get_model("risks", "LevelBand")
    for rank, (code, name_ko, name_en) in enumerate(CATEGORIES):
        RiskCategory.objects.get_or_create(
            code=code, defaults={"name_ko": name_ko, "name_en": name_en, "rank": rank}
        )
    for axis, rows in (("likelihood", LIKELIHOOD), ("impact", IMPACT)):
        for value, name_ko, name_en, definition_ko, definition_en in rows:
            ScaleLevel.objects.get_or_create(
                axis=axis,
                value=value,
                defaults={
                    "name_ko": name_ko,
                    "name_en": name_en,
                    "definition_ko": definition_ko,
                    "definition_en": definition_en,
                },
            )
    for level, low, high in BANDS:
        LevelBand.objects.get_or_create(
            level=level, defaults={"min_score": low, "max_score": high}
        )


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
