"""Scores and levels: score = likelihood x impact (1..25); the level of a score comes from the
configurable bands (:class:`~prm.risks.models.LevelBand`), which are contiguous and cover
1..25."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from prm.core.errors import BusinessError
from prm.risks.models import LEVEL_RANK, Level, LevelBand

DEFAULT_BANDS: dict[str, tuple[int, int]] = {
    Level.LOW: (1, 4),
    Level.MEDIUM: (5, 9),
    Level.HIGH: (10, 16),
    Level.CRITICAL: (17, 25),
}


def check_scale(value, field: str) -> int:
    """A likelihood or impact on the 1..5 scale, or a BusinessError naming ``field``."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or str(number) != str(value).strip() or not 1 <= number <= 5:
        labels = {"likelihood": _("Likelihood"), "impact": _("Impact")}
        raise BusinessError(
            _("%(field)s must be a whole number from 1 to 5.")
            % {"field": labels.get(field.split("_")[-1], field)},
            code="out_of_range",
            field=field,
        )
    return number


def current_bands() -> dict[str, tuple[int, int]]:
    stored = {b.level: (b.min_score, b.max_score) for b in LevelBand.objects.all()}
    return stored if len(stored) == len(Level) else dict(DEFAULT_BANDS)


def level_for(score: int, bands: dict[str, tuple[int, int]] | None = None) -> str:
    bands = bands or current_bands()
    for level, (low, high) in bands.items():
        if low <= score <= high:
            return level
    return Level.CRITICAL if score > 25 else Level.LOW


def validate_bands(bands: dict[str, tuple[int, int]]) -> None:
    """The four levels, in order low < medium < high < critical, each a non-empty range,
    one after the other without gap or overlap, from 1 to 25."""
    missing = [str(label) for value, label in Level.choices if value not in bands]
    if missing:
        raise BusinessError(
            _("Give a band for every level (missing: %(levels)s).")
            % {"levels": ", ".join(missing)},
            code="bands",
        )
    expected = 1
    for value, label in Level.choices:
        low, high = bands[value]
        if low is None or high is None or low > high:
            raise BusinessError(
                _("The band of %(level)s must run from a score up to a score not below it.")
                % {"level": label},
                code="bands",
                field=value,
            )
        if low != expected:
            raise BusinessError(
                _(
                    "The bands must be contiguous from 1 to 25: %(level)s must start at "
                    "%(expected)s."
                )
                % {"level": label, "expected": expected},
                code="bands",
                field=value,
            )
        expected = high + 1
    if expected != 26:
        raise BusinessError(
            _("The bands must be contiguous from 1 to 25: the critical band must end at 25."),
            code="bands",
            field=Level.CRITICAL,
        )


def highest(levels: Iterable[str]) -> str:
    best = ""
    for level in levels:
        if level and LEVEL_RANK.get(level, 0) > LEVEL_RANK.get(best, 0):
            best = level
    return best
