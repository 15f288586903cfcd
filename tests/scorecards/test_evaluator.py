"""The KPI formula evaluator: a whitelist of arithmetic, nothing else; errors name the
position; missing data and division by zero give "no data" (None), never a crash."""

import string
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prm.scorecards.evaluator import MAX_LENGTH, FormulaError, evaluate, parse

KNOWN = {"on_time_lines", "total_lines", "revenue", "a", "b"}
NAMES = tuple(sorted(KNOWN))
D = Decimal


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("on_time_lines / total_lines * 100", D("90")),
        ("on_time_lines \u00d7 2 \u00f7 4 \u2212 1", D("44")),
        ("min(a, b) + max(a, b, 1)", D("5")),
        ("abs(a - b) + round(a / 3, 2)", D("1.67")),
        ("if(a > b, 1, 2)", D("2")),
        ("if(a < b, a, 1 / 0)", D("2")),
        ("1 < a < b", D("1")),
        ("a == 2", D("1")),
        ("-a + +b", D("1")),
        ("0.1 + 0.2", D("0.3")),
    ],
)
def test_arithmetic_in_decimal(formula, expected):
    values = {"on_time_lines": D(90), "total_lines": D(100), "a": D(2), "b": D(3)}
    assert parse(formula, KNOWN).evaluate(values) == expected


@pytest.mark.parametrize(
    "formula",
    ["a / 0", "a / (b - 3)", "revenue * 2", "min(a, revenue)", "if(revenue > 1, 1, 0)"],
)
def test_division_by_zero_and_missing_inputs_give_no_data(formula):
    assert evaluate(formula, {"a": D(2), "b": D(3)}) is None


@pytest.mark.parametrize(
    ("formula", "position", "words"),
    [
        ("on_time_lines / missing_metric", 16, "Unknown metric missing_metric"),
        ("__import__('os')", 0, "Unknown function __import__"),
        ("__import__('os').system('id')", 0, "Attribute"),
        ("a.__class__", 0, "Attribute"),
        ("total_lines[0]", 0, "Subscripts"),
        ("9**9**9", 0, "Powers"),
        ("a + 'text'", 4, "Text"),
        ("(lambda: 1)()", 1, "Lambdas"),
        ("[x for x in a]", 0, "Comprehensions"),
        ("a and b", 0, "if(condition"),
        ("open('x')", 0, "Unknown function open"),
        ("a +", 3, "not well formed"),
        ("if(a, b)", 0, "3 argument"),
        ("round(a, 99)", 9, "round"),
        ("1e999", 0, "out of range"),
        ("min", 0, "function"),
        ("_f(1, 2, 3)", 0, "Unknown metric _f"),
        ("", 0, "empty"),
    ],
)
def test_refused_formulas_name_the_position(formula, position, words):
    with pytest.raises(FormulaError) as caught:
        parse(formula, KNOWN)
    assert caught.value.position == position
    assert words in str(caught.value.message)
    assert f"character {position + 1}" in str(caught.value)


def test_a_10_mb_formula_is_refused_before_parsing():
    huge = "a + " * (10 * 1024 * 1024 // 4)
    with pytest.raises(FormulaError) as caught:
        parse(huge, KNOWN)
    assert caught.value.position == MAX_LENGTH
    assert "too long" in str(caught.value.message)


def test_deep_nesting_is_refused():
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse("(" * 60 + "a" + ")" * 60, KNOWN)
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse("-" * 400 + "a", KNOWN)


def test_positions_count_characters_not_bytes():
    with pytest.raises(FormulaError) as caught:
        parse("a + 매출", KNOWN)
    assert caught.value.position == 4


# Fuzzing ------------------------------------------------------------------------------

ALPHABET = (
    string.ascii_letters
    + string.digits
    + "_ +-*/().,<>=!'\"[]{}:;@#$%^&|~`\\\u00d7\u00f7\u2212\n\t매"
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=120))
def test_any_text_is_either_refused_with_a_position_or_evaluates_to_decimal_or_none(text):
    try:
        formula = parse(text, KNOWN)
    except FormulaError as exc:
        assert 0 <= exc.position <= len(text)
        assert str(exc.message)
        return
    assert formula.names <= KNOWN
    result = formula.evaluate({"a": D("2.5"), "b": D(0), "total_lines": D(-7)})
    assert result is None or isinstance(result, Decimal)


@st.composite
def expressions(draw, depth=0, names=NAMES):
    """Well-formed formulas over the whitelist, reading the metrics ``names``."""
    if depth > 4 or draw(st.booleans()):
        return draw(
            st.one_of(
                st.sampled_from(names),
                st.integers(-(10**6), 10**6).map(str),
                st.decimals(-1000, 1000, places=3, allow_nan=False).map(str),
            )
        )
    left, right = draw(expressions(depth + 1, names)), draw(expressions(depth + 1, names))
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return f"({left} {draw(st.sampled_from('+-*/'))} {right})"
    if kind == 1:
        return f"({left} {draw(st.sampled_from(['<', '<=', '>', '>=', '==', '!=']))} {right})"
    if kind == 2:
        return f"{draw(st.sampled_from(['min', 'max']))}({left}, {right})"
    if kind == 3:
        return f"abs({left})"
    if kind == 4:
        return f"round({left}, {draw(st.integers(0, 4))})"
    if kind == 5:
        return f"if({left}, {right}, {draw(expressions(depth + 1, names))})"
    return f"-({left})"


@settings(max_examples=300, deadline=None)
@given(
    expressions(),
    st.dictionaries(
        st.sampled_from(sorted(KNOWN)),
        st.one_of(st.none(), st.decimals(-(10**9), 10**9, places=4, allow_nan=False)),
    ),
)
def test_well_formed_formulas_always_parse_and_never_raise(formula, values):
    parsed = parse(formula, KNOWN)
    result = parsed.evaluate(values)
    assert result is None or (isinstance(result, Decimal) and result.is_finite())


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(-(10**6), 10**6, places=2, allow_nan=False),
    st.decimals(-(10**6), 10**6, places=2, allow_nan=False),
)
def test_the_evaluator_agrees_with_decimal_arithmetic(a, b):
    values = {"a": a, "b": b}
    assert evaluate("a + b * 2 - a", values) == a + b * 2 - a
    expected = None if b == 0 else a / b
    got = evaluate("a / b", values)
    assert got == expected if expected is None else abs(got - expected) < Decimal("1e-20")
