"""Scoring rules, weights and standing bands: pure functions, no database.

Scores and weights are rounded half up (반올림), as PostgreSQL's ``round`` does.

- Linear: the floor scores 0, the target scores 100, in between on a straight line, capped
  to 0…100. For "higher is better" the floor defaults to 0; for "lower is better" it
  defaults to twice the target (a lead time twice as long as the target scores 0).
- Bands: value ranges (``min`` inclusive, ``max`` exclusive, either may be open) → score.
  A value outside every band is not scored.
- A KPI with no data (no value, or no target for a linear rule) is weighted out: the
  remaining weights are re-normalised; with none left, the scorecard has no score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise

from django.utils.translation import gettext_lazy as _

from prm.core.errors import BusinessError

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def cap(score: Decimal) -> Decimal:
    """A score kept within 0…100, to the cent."""
    return min(HUNDRED, max(ZERO, score)).quantize(CENT, rounding=ROUND_HALF_UP)


def linear_score(
    value: Decimal | None, *, target: Decimal | None, floor: Decimal | None, direction: str
) -> Decimal | None:
    """0…100 between the floor and the target (direction-aware), ``None`` without data."""
    if value is None or target is None:
        return None
    if direction == "lower":
        floor = target * 2 if floor is None else floor
        if floor == target:
            return HUNDRED.quantize(CENT) if value <= target else ZERO.quantize(CENT)
        return cap((floor - value) / (floor - target) * HUNDRED)
    floor = ZERO if floor is None else floor
    if floor == target:
        return HUNDRED.quantize(CENT) if value >= target else ZERO.quantize(CENT)
    return cap((value - floor) / (target - floor) * HUNDRED)


def band_score(value: Decimal | None, bands: Sequence[dict]) -> Decimal | None:
    if value is None:
        return None
    for band in bands:
        low, high = _number(band.get("min")), _number(band.get("max"))
        if (low is None or value >= low) and (high is None or value < high):
            return cap(_number(band["score"]))
    return None


def clean_value_bands(raw) -> list[dict]:
    """Value bands of a KPI, sorted; refused when malformed or overlapping."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise BusinessError(_("Bands are a list of {min, max, score}."), field="bands")
    parsed = []
    for index, band in enumerate(raw, start=1):
        if not isinstance(band, dict) or "score" not in band:
            raise BusinessError(
                _("Band %(n)s: give min, max and score.") % {"n": index}, field="bands"
            )
        try:
            low, high, score = (_number(band.get(k)) for k in ("min", "max", "score"))
        except ValueError:
            raise BusinessError(
                _("Band %(n)s: min, max and score are numbers.") % {"n": index}, field="bands"
            ) from None
        if score is None or not ZERO <= score <= HUNDRED:
            raise BusinessError(
                _("Band %(n)s: the score is a number from 0 to 100.") % {"n": index},
                field="bands",
            )
        if low is not None and high is not None and low >= high:
            raise BusinessError(
                _("Band %(n)s: min must be below max.") % {"n": index}, field="bands"
            )
        parsed.append((low, high, score))
    parsed.sort(key=lambda b: (b[0] is not None, b[0] if b[0] is not None else ZERO))
    for (_low1, high1, _s1), (low2, _high2, _s2) in pairwise(parsed):
        if high1 is None or low2 is None or low2 < high1:
            raise BusinessError(_("Bands overlap."), code="bands_overlap", field="bands")
    return [
        {
            "min": None if low is None else str(low),
            "max": None if high is None else str(high),
            "score": str(score),
        }
        for low, high, score in parsed
    ]


def check_weights(weights: Iterable[Decimal]) -> None:
    weights = list(weights)
    if not weights:
        raise BusinessError(_("A scorecard template needs at least one KPI."), field="lines")
    if any(w is None or w <= 0 for w in weights):
        raise BusinessError(_("Every weight must be above 0."), field="lines")
    total = sum(weights, ZERO)
    if total != HUNDRED:
        raise BusinessError(
            _("The weights must sum to 100 (they sum to %(total)s).") % {"total": total},
            code="weights",
            field="lines",
        )


@dataclass(frozen=True)
class Band:
    standing: str
    min_score: Decimal
    max_score: Decimal
    actions: tuple[str, ...] = ()


def check_standing_bands(bands: Sequence[Band]) -> list[Band]:
    """Bands sorted best first; refused unless they cover 0…100 without gaps or overlaps,
    each standing at most once, a higher band never carrying a worse standing."""
    from prm.scorecards.models import STANDING_RANK, Standing, StandingAction

    if not bands:
        raise BusinessError(_("Define at least one standing band."), field="bands")
    seen = set()
    for band in bands:
        if band.standing not in Standing.values:
            raise BusinessError(
                _("Unknown standing %(standing)s.") % {"standing": band.standing},
                field="bands",
            )
        if band.standing in seen:
            raise BusinessError(
                _("Each standing has one band (%(standing)s appears twice).")
                % {"standing": Standing(band.standing).label},
                field="bands",
            )
        seen.add(band.standing)
        if not ZERO <= band.min_score < band.max_score <= HUNDRED:
            raise BusinessError(
                _("A band goes from a lower to a higher score within 0-100."), field="bands"
            )
        unknown = set(band.actions) - set(StandingAction.values)
        if unknown:
            raise BusinessError(
                _("Unknown action(s): %(actions)s") % {"actions": ", ".join(sorted(unknown))},
                field="bands",
            )
    ordered = sorted(bands, key=lambda b: b.min_score)
    if ordered[0].min_score != ZERO:
        raise BusinessError(
            _("The standing bands leave scores from 0 to %(score)s uncovered.")
            % {"score": ordered[0].min_score},
            code="bands_gap",
            field="bands",
        )
    if ordered[-1].max_score != HUNDRED:
        raise BusinessError(
            _("The standing bands leave scores from %(score)s to 100 uncovered.")
            % {"score": ordered[-1].max_score},
            code="bands_gap",
            field="bands",
        )
    for lower, upper in pairwise(ordered):
        if upper.min_score > lower.max_score:
            raise BusinessError(
                _("The standing bands leave scores from %(low)s to %(high)s uncovered.")
                % {"low": lower.max_score, "high": upper.min_score},
                code="bands_gap",
                field="bands",
            )
        if upper.min_score < lower.max_score:
            raise BusinessError(
                _("The standing bands overlap between %(low)s and %(high)s.")
                % {"low": upper.min_score, "high": lower.max_score},
                code="bands_overlap",
                field="bands",
            )
        if STANDING_RANK[Standing(upper.standing)] > STANDING_RANK[Standing(lower.standing)]:
            raise BusinessError(
                _("A higher score band cannot carry a worse standing."), field="bands"
            )
    return list(reversed(ordered))


def standing_for(score: Decimal | None, bands: Sequence[Band]) -> Band | None:
    """The band a score falls in (``max_score`` exclusive, but 100 is in the top band)."""
    if score is None:
        return None
    for band in bands:
        if band.min_score <= score < band.max_score or (score == band.max_score == HUNDRED):
            return band
    return None


def weigh(lines: Sequence[tuple[Decimal | None, Decimal]]) -> tuple[Decimal | None, list]:
    """The weighted score of (score, weight) lines, weighting out lines with no score, and
    each line's effective weight (in percent of what remained)."""
    remaining = sum((w for s, w in lines if s is not None), ZERO)
    if remaining == 0:
        return None, [ZERO for _line in lines]
    effective = [
        (w / remaining * HUNDRED).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        if s is not None
        else ZERO
        for s, w in lines
    ]
    total = sum((s * w for s, w in lines if s is not None), ZERO) / remaining
    return total.quantize(CENT, rounding=ROUND_HALF_UP), effective
