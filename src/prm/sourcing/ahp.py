"""The Analytic Hierarchy Process (Saaty): criterion weights from pair-wise comparisons.

``matrix[i][j]`` says how much more important criterion *i* is than criterion *j* on
Saaty's 1-9 scale (1 equal, 3 moderate, 5 strong, 7 very strong, 9 extreme, the even
numbers in between); ``matrix[j][i]`` is its reciprocal. The weights are the principal
eigenvector of the matrix, found by power iteration (no numpy needed); the consistency
ratio CR = CI / RI with CI = (λmax - n) / (n - 1) and Saaty's random index RI.
A matrix with CR > 0.10 is too inconsistent to use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

# Saaty's random consistency index by matrix size (Saaty 1980, The Analytic Hierarchy Process).
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
MAX_CRITERIA = max(RANDOM_INDEX)
CR_LIMIT = 0.10

# The values a comparison may take: 1/9 … 1/2, 1, 2 … 9.
SCALE = tuple(Fraction(1, n) for n in range(9, 1, -1)) + tuple(Fraction(n) for n in range(1, 10))
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Deviation:
    """One comparison and how far it is from what the weights imply (w_i / w_j)."""

    i: int
    j: int
    given: float
    implied: float

    @property
    def error(self) -> float:
        # Symmetric in over- and under-statement: |log(a_ij / (w_i/w_j))|.
        return abs(math.log(self.given / self.implied))


@dataclass(frozen=True)
class Result:
    weights: list[float]
    lambda_max: float
    ci: float
    cr: float
    deviations: list[Deviation]  # the comparisons, most inconsistent first

    @property
    def consistent(self) -> bool:
        return self.cr <= CR_LIMIT + 1e-12


class MatrixError(ValueError):
    """The matrix is not a square reciprocal matrix of Saaty-scale values."""


def parse_value(text: str | float | int | Fraction) -> Fraction:
    """``"3"``, ``"1/5"``, ``0.2`` → a Saaty-scale value, or MatrixError."""
    try:
        if isinstance(text, Fraction):
            value = text
        elif isinstance(text, float):
            value = Fraction(text).limit_denominator(9)
        else:
            value = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise MatrixError(f"not a number: {text!r}") from exc
    if value not in SCALE:
        raise MatrixError(f"not on Saaty's 1-9 scale: {text!r}")
    return value


def check(matrix: list[list[float]]) -> None:
    n = len(matrix)
    if n < 2:
        raise MatrixError("at least two criteria are needed")
    if n > MAX_CRITERIA:
        raise MatrixError(f"at most {MAX_CRITERIA} criteria")
    for i, row in enumerate(matrix):
        if len(row) != n:
            raise MatrixError("the matrix is not square")
        for j, value in enumerate(row):
            if value <= 0:
                raise MatrixError("comparisons must be positive")
            if i == j and abs(value - 1) > _TOLERANCE:
                raise MatrixError("a criterion compared with itself must be 1")
            if abs(value * matrix[j][i] - 1) > 1e-3:
                raise MatrixError("the matrix is not reciprocal (a_ji must be 1 / a_ij)")


def from_upper(n: int, upper: dict[tuple[int, int], Fraction | float]) -> list[list[float]]:
    """The full reciprocal matrix from the comparisons above the diagonal (i < j)."""
    matrix = [[1.0] * n for _ in range(n)]
    for (i, j), value in upper.items():
        matrix[i][j] = float(value)
        matrix[j][i] = float(1 / Fraction(value)) if isinstance(value, Fraction) else 1 / value
    return matrix


def principal_eigenvector(
    matrix: list[list[float]], *, iterations: int = 1000, tol: float = 1e-12
) -> tuple[list[float], float]:
    """The weights (summing to 1) and λmax, by power iteration from the geometric means."""
    n = len(matrix)
    # The geometric-mean (logarithmic least squares) weights are a good first guess.
    w = [math.prod(row) ** (1 / n) for row in matrix]
    total = sum(w)
    w = [x / total for x in w]
    for _ in range(iterations):
        nxt = [sum(matrix[i][j] * w[j] for j in range(n)) for i in range(n)]
        total = sum(nxt)
        nxt = [x / total for x in nxt]
        done = max(abs(a - b) for a, b in zip(nxt, w, strict=True)) < tol
        w = nxt
        if done:
            break
    aw = [sum(matrix[i][j] * w[j] for j in range(n)) for i in range(n)]
    lambda_max = sum(aw[i] / w[i] for i in range(n)) / n
    return w, lambda_max


def analyse(matrix: list[list[float]]) -> Result:
    """Weights, λmax, CI and CR of a pair-wise comparison matrix."""
    check(matrix)
    n = len(matrix)
    weights, lambda_max = principal_eigenvector(matrix)
    ci = max(0.0, (lambda_max - n) / (n - 1))
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri else 0.0
    deviations = sorted(
        (
            Deviation(i, j, matrix[i][j], weights[i] / weights[j])
            for i in range(n)
            for j in range(i + 1, n)
        ),
        key=lambda d: (-d.error, d.i, d.j),
    )
    return Result(weights, lambda_max, ci, cr, deviations)


def format_value(value: float) -> str:
    """3.0 → "3", 0.2 → "1/5"."""
    fraction = Fraction(value).limit_denominator(9)
    if fraction.denominator == 1:
        return str(fraction.numerator)
    return f"{fraction.numerator}/{fraction.denominator}"
