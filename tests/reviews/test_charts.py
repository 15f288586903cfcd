"""The SVG charts of the report: gaps for missing values, never zeros."""

from decimal import Decimal

from prm.reviews import charts


def test_line_chart_breaks_at_missing_values():
    svg = charts.line_chart(
        ["2026-01", "2026-02", "2026-03", "2026-04"],
        [("", [Decimal(1), Decimal(2), None, Decimal(4)])],
        title="매출 <추이>",
    )
    assert svg.startswith("<svg") and svg.count("<circle") == 3
    assert svg.count("<polyline") == 1  # 1→2 joined; 4 stands alone after the gap
    assert "매출 &lt;추이&gt;" in svg


def test_empty_charts_say_so():
    assert "No data" in charts.line_chart(["a"], [("", [None])], title="t", empty="No data")
    assert "None won" in charts.bar_chart(["a", "b"], [None, None], title="t", empty="None won")


def test_bar_chart_draws_one_bar_per_value():
    svg = charts.bar_chart(["07", "08", "09"], [Decimal(5), None, Decimal(10)], title="t")
    assert svg.count("<rect") == 2


def test_axis_labels_are_short():
    assert charts.short_number(1_240_000) == "1.2M"
    assert charts.short_number(2_000_000) == "2M"
    assert charts.short_number(0.25) == "0.25"
    assert charts.short_number(1500) == "1.5K"
