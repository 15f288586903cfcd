"""AHP and TOPSIS against published worked examples."""

from fractions import Fraction as F

import pytest

from prm.sourcing import ahp, topsis


def test_ahp_saaty_1990_house_example():
    """T. L. Saaty, "How to make a decision: The Analytic Hierarchy Process", European
    Journal of Operational Research 48 (1990) 9-26, Table 2 (buying a house: eight
    criteria). Published: priorities 0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167,
    0.333; lambda_max = 9.669, C.I. = 0.238, C.R. = 0.169 (so too inconsistent for us)."""
    rows = [
        [1, 5, 3, 7, 6, 6, F(1, 3), F(1, 4)],
        [F(1, 5), 1, F(1, 3), 5, 3, 3, F(1, 5), F(1, 7)],
        [F(1, 3), 3, 1, 6, 3, 4, 6, F(1, 5)],
        [F(1, 7), F(1, 5), F(1, 6), 1, F(1, 3), F(1, 4), F(1, 7), F(1, 8)],
        [F(1, 6), F(1, 3), F(1, 3), 3, 1, F(1, 2), F(1, 5), F(1, 6)],
        [F(1, 6), F(1, 3), F(1, 4), 4, 2, 1, F(1, 5), F(1, 6)],
        [3, 5, F(1, 6), 7, 5, 5, 1, F(1, 2)],
        [4, 7, 5, 8, 6, 6, 2, 1],
    ]
    result = ahp.analyse([[float(x) for x in row] for row in rows])
    published = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert [round(w, 3) for w in result.weights] == published
    assert result.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert result.ci == pytest.approx(0.238, abs=5e-4)
    assert result.cr == pytest.approx(0.169, abs=5e-4)
    assert not result.consistent
    # The judgement "neighbourhood is 6x as important as general condition" is the one
    # furthest from what the other comparisons imply.
    worst = result.deviations[0]
    assert (worst.i, worst.j) == (2, 6)


def test_ahp_perfectly_consistent_matrix():
    # Weights 4 : 2 : 1 stated exactly: CR is 0 and the weights come back.
    result = ahp.analyse(ahp.from_upper(3, {(0, 1): 2, (0, 2): 4, (1, 2): 2}))
    assert result.weights == pytest.approx([4 / 7, 2 / 7, 1 / 7], abs=1e-9)
    assert result.lambda_max == pytest.approx(3, abs=1e-9)
    assert result.cr == pytest.approx(0, abs=1e-9)
    assert result.consistent


def test_ahp_two_criteria_are_always_consistent():
    result = ahp.analyse(ahp.from_upper(2, {(0, 1): F(1, 3)}))
    assert result.weights == pytest.approx([0.25, 0.75])
    assert result.cr == 0


def test_ahp_cyclic_judgements_are_inconsistent():
    # A > B, B > C, yet C > A, each "very strong": CR far above 0.10.
    result = ahp.analyse(ahp.from_upper(3, {(0, 1): 7, (1, 2): 7, (0, 2): F(1, 7)}))
    assert result.cr > 1
    assert not result.consistent


@pytest.mark.parametrize("value", ["0", "10", "1/10", "2.5", "-3", "abc", "1/0"])
def test_ahp_values_off_saatys_scale_are_refused(value):
    with pytest.raises(ahp.MatrixError):
        ahp.parse_value(value)


def test_ahp_scale_values_parse():
    assert ahp.parse_value("1/9") == F(1, 9)
    assert ahp.parse_value("7") == 7
    assert ahp.format_value(0.2) == "1/5"
    assert ahp.format_value(3.0) == "3"


def test_ahp_non_reciprocal_matrix_is_refused():
    with pytest.raises(ahp.MatrixError):
        ahp.analyse([[1, 3], [3, 1]])
    with pytest.raises(ahp.MatrixError):
        ahp.analyse([[1.0]])


def test_topsis_hwang_yoon_1981_fighter_aircraft_example():
    """C.-L. Hwang and K. Yoon, Multiple Attribute Decision Making: Methods and
    Applications, Springer 1981, the fighter-aircraft example: four aircraft on maximum
    speed, ferry range, maximum payload, acquisition cost (a cost attribute), reliability
    and manoeuvrability, weights 0.2, 0.1, 0.1, 0.1, 0.2, 0.3. Published relative
    closeness: A1 0.643, A2 0.268, A3 0.613, A4 0.312 (A1 > A3 > A4 > A2); the book rounds
    its intermediate values, hence the 0.002 tolerance."""
    matrix = [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]
    weights = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
    directions = ["benefit", "benefit", "benefit", "cost", "benefit", "benefit"]
    result = topsis.topsis(matrix, weights, directions)
    scores = [r.score for r in result.ranked]
    assert scores == pytest.approx([0.643, 0.268, 0.613, 0.312], abs=0.002)
    assert [r.rank for r in result.ranked] == [1, 4, 2, 3]
    # The ideal takes the lowest cost and the highest of everything else.
    cost_column = [r.contributions[3] for r in result.ranked]
    assert result.ideal[3] == min(cost_column)
    assert result.anti_ideal[3] == max(cost_column)


def test_topsis_dominating_alternative_is_the_ideal():
    result = topsis.topsis([[5, 1], [3, 4], [1, 5]], [0.5, 0.5], ["benefit", "cost"])
    assert result.ranked[0].score == pytest.approx(1.0)
    assert result.ranked[2].score == pytest.approx(0.0)


def test_weighted_sum_contributions_add_up_and_cost_is_reversed():
    ranked = topsis.weighted_sum(
        [[5, 1], [1, 5], [3, 3]], [0.75, 0.25], ["benefit", "cost"], [(1, 5), (1, 5)]
    )
    best, worst, middle = ranked
    assert best.contributions == pytest.approx([0.75, 0.25])
    assert best.score == pytest.approx(1.0)
    assert worst.score == pytest.approx(0.0)
    assert middle.score == pytest.approx(0.5)
    assert [r.rank for r in ranked] == [1, 3, 2]


def test_ties_share_a_rank():
    ranked = topsis.weighted_sum([[3], [3], [1]], [1.0], ["benefit"], [(1, 5)])
    assert [r.rank for r in ranked] == [1, 1, 3]
