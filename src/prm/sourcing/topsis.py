"""Ranking alternatives on weighted criteria: the weighted sum and TOPSIS.

TOPSIS (Hwang & Yoon 1981, *Multiple Attribute Decision Making*): normalise each criterion's
column by its Euclidean norm, weight it, take the best value of each column as the ideal
(the largest for a benefit criterion, the smallest for a cost one) and the worst as the
anti-ideal; an alternative's closeness is D⁻ / (D⁺ + D⁻), its distance to the anti-ideal
over the sum of both distances. 1 is the ideal itself, 0 the anti-ideal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BENEFIT = "benefit"
COST = "cost"


@dataclass(frozen=True)
class Ranked:
    index: int  # the alternative's position in the input
    score: float
    contributions: list[float]  # per criterion
    rank: int


def _ranks(scores: list[float]) -> list[int]:
    """Competition ranking (1, 2, 2, 4), highest score first; ties within 1e-9."""
    ranks = []
    for s in scores:
        ranks.append(1 + sum(1 for other in scores if other > s + 1e-9))
    return ranks


def _check(matrix: list[list[float]], weights: list[float], directions: list[str]) -> None:
    if len(weights) != len(directions):
        raise ValueError("one weight and one direction per criterion")
    for row in matrix:
        if len(row) != len(weights):
            raise ValueError("one value per criterion in every row")
    if any(d not in (BENEFIT, COST) for d in directions):
        raise ValueError("directions are 'benefit' or 'cost'")
    if any(w < 0 for w in weights):
        raise ValueError("weights cannot be negative")


def weighted_sum(
    matrix: list[list[float]],
    weights: list[float],
    directions: list[str],
    scales: list[tuple[float, float]],
) -> list[Ranked]:
    """Each value rescaled to 0-1 on its criterion's scale (reversed for a cost criterion),
    times the weight; the contributions add up to the score."""
    _check(matrix, weights, directions)
    scores, parts = [], []
    for row in matrix:
        contributions = []
        for value, weight, direction, (low, high) in zip(
            row, weights, directions, scales, strict=True
        ):
            share = (value - low) / (high - low) if high > low else 0.0
            if direction == COST:
                share = 1 - share
            contributions.append(weight * share)
        parts.append(contributions)
        scores.append(sum(contributions))
    ranks = _ranks(scores)
    return [Ranked(i, scores[i], parts[i], ranks[i]) for i in range(len(matrix))]


@dataclass(frozen=True)
class TopsisResult:
    ranked: list[Ranked]  # contributions: the weighted normalised values v_ij
    ideal: list[float]
    anti_ideal: list[float]
    distance_ideal: list[float]
    distance_anti_ideal: list[float]


def topsis(matrix: list[list[float]], weights: list[float], directions: list[str]) -> TopsisResult:
    _check(matrix, weights, directions)
    if not matrix:
        return TopsisResult([], [], [], [], [])
    columns = len(weights)
    norms = [math.sqrt(sum(row[j] ** 2 for row in matrix)) for j in range(columns)]
    weighted = [
        [weights[j] * (row[j] / norms[j] if norms[j] else 0.0) for j in range(columns)]
        for row in matrix
    ]
    ideal, anti = [], []
    for j in range(columns):
        column = [row[j] for row in weighted]
        best, worst = (
            (max(column), min(column))
            if directions[j] == BENEFIT
            else (
                min(column),
                max(column),
            )
        )
        ideal.append(best)
        anti.append(worst)
    d_plus = [math.dist(row, ideal) for row in weighted]
    d_minus = [math.dist(row, anti) for row in weighted]
    scores = [
        (dm / (dp + dm)) if (dp + dm) > 0 else 0.0 for dp, dm in zip(d_plus, d_minus, strict=True)
    ]
    ranks = _ranks(scores)
    ranked = [Ranked(i, scores[i], weighted[i], ranks[i]) for i in range(len(matrix))]
    return TopsisResult(ranked, ideal, anti, d_plus, d_minus)
