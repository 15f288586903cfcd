"""The default metrics: the ones the system derives from its own records, and two that are
entered or imported (NPS, quality incidents)."""

from decimal import Decimal

from django.db import migrations

# code, name_ko, name_en, unit, direction, rollup, parts, multiplier, integer, source,
# derivation, description
DEFAULTS = [
    ("total_lines", "납기 도래 라인 수", "Lines due", "건", "higher", "sum", None, 1, True,
     "derived", "deliveries",
     "PO lines whose promised date falls in the period and that were received or are past due."),
    ("on_time_lines", "납기 준수 라인 수", "Lines on time", "건", "higher", "sum", None, 1, True,
     "derived", "deliveries", "Lines due in the period received on or before the promised date."),
    ("on_time_rate", "납기 준수율", "On-time delivery rate", "%", "higher", "ratio",
     ("on_time_lines", "total_lines"), 100, False, "derived", "deliveries",
     "On-time lines ÷ lines due × 100."),
    ("received_lines", "입고 라인 수", "Lines received", "건", "higher", "sum", None, 1, True,
     "derived", "deliveries", "Lines received in the period."),
    ("lead_time_days_total", "리드타임 합계(일)", "Lead time, total days", "days", "lower", "sum",
     None, 1, True, "derived", "deliveries",
     "Days from order to receipt, summed over the lines received in the period."),
    ("lead_time_days_avg", "평균 리드타임", "Average lead time", "days", "lower", "ratio",
     ("lead_time_days_total", "received_lines"), 1, False, "derived", "deliveries",
     "Average days from order to receipt of the lines received in the period."),
    ("lead_time_days_p90", "리드타임 90번째 백분위수", "Lead time, 90th percentile", "days", "lower",
     "average", None, 1, False, "derived", "deliveries",
     "90th percentile (inclusive, interpolated) of the days from order to receipt; computed "
     "for each period, never rolled up."),
    ("ordered_qty", "발주 수량", "Quantity ordered", "", "higher", "sum", None, 1, False,
     "derived", "deliveries", "Quantity of the lines ordered in the period."),
    ("received_qty", "입고 수량", "Quantity received", "", "higher", "sum", None, 1, False,
     "derived", "deliveries", "Quantity received in the period."),
    ("rejected_qty", "불량 수량", "Quantity rejected", "", "lower", "sum", None, 1, False,
     "derived", "deliveries", "Quantity rejected of what was received in the period."),
    ("rejection_rate", "불량률", "Rejection rate", "%", "lower", "ratio",
     ("rejected_qty", "received_qty"), 100, False, "derived", "deliveries",
     "Rejected quantity ÷ received quantity × 100."),
    ("spend", "구매액", "Spend", "KRW", "higher", "sum", None, 1, False, "derived", "deliveries",
     "Amounts of the lines ordered in the period, in KRW at the planning rates."),
    ("won_deals", "수주 건수", "Deals won", "건", "higher", "sum", None, 1, True, "derived",
     "deals", "Deals won in the period."),
    ("won_amount", "수주 금액", "Won deal amount", "KRW", "higher", "sum", None, 1, False,
     "derived", "deals", "Amounts of the deals won in the period, in KRW."),
    ("lost_deals", "실주 건수", "Deals lost", "건", "lower", "sum", None, 1, True, "derived",
     "deals", "Deals lost in the period."),
    ("closed_deals", "종결 거래 수", "Deals closed", "건", "higher", "sum", None, 1, True,
     "derived", "deals", "Deals won or lost in the period."),
    ("win_rate", "수주율", "Win rate", "%", "higher", "ratio", ("won_deals", "closed_deals"), 100,
     False, "derived", "deals", "Deals won ÷ deals closed × 100."),
    ("open_leads", "보유 리드 수", "Open leads", "건", "higher", "last", None, 1, True, "derived",
     "leads", "Leads offered to or accepted by the partner (a snapshot)."),
    ("reseller_sales", "리셀러 판매액", "Reseller sales", "KRW", "higher", "sum", None, 1, False,
     "derived", "revenue", "Sales the reseller reported in the period, in KRW."),
    ("revenue", "매출", "Revenue", "KRW", "higher", "sum", None, 1, False, "derived", "revenue",
     "Won deal amounts plus reported reseller sales, in KRW."),
    ("nps", "순추천지수(NPS)", "Net promoter score", "", "higher", "average", None, 1, False,
     "manual", "", "Entered or imported, from −100 to 100."),
    ("quality_incidents", "품질 사고 건수", "Quality incidents", "건", "lower", "sum", None, 1, True,
     "manual", "", "Entered or imported."),
]


def create(apps, schema_editor):
    Metric = apps.get_model("metrics", "Metric")
    by_code = {}
    for row in DEFAULTS:
        (code, ko, en, unit, direction, rollup, parts, multiplier, integer, source, derivation,
         description) = row
        metric, _ = Metric._base_manager.update_or_create(
            code=code,
            defaults={
                "name_ko": ko,
                "name_en": en,
                "unit": unit,
                "direction": direction,
                "rollup": rollup,
                "multiplier": Decimal(multiplier),
                "integer": integer,
                "source": source,
                "derivation": derivation,
                "description": description,
                "min_value": Decimal("-100") if code == "nps" else Decimal("0"),
                "max_value": Decimal("100") if unit == "%" or code == "nps" else None,
            },
        )
        by_code[code] = metric
    for row in DEFAULTS:
        code, parts = row[0], row[6]
        if parts:
            metric = by_code[code]
            metric.numerator = by_code[parts[0]]
            metric.denominator = by_code[parts[1]]
            metric.save(update_fields=["numerator", "denominator"])


def remove(apps, schema_editor):
    Metric = apps.get_model("metrics", "Metric")
    Metric._base_manager.filter(code__in=[row[0] for row in DEFAULTS]).update(
        numerator=None, denominator=None
    )
    Metric._base_manager.filter(code__in=[row[0] for row in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
