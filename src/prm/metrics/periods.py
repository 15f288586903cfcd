"""Calendar periods observations are stored and rolled up by: day, month, quarter, year.

A :class:`Period` is its kind and its first day. Labels are what users type and see:
``2026-11-05`` (day), ``2026-11`` (month), ``2026-Q3`` (quarter), ``2026`` (year).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


# Finer kinds first: a period of one kind is made of whole periods of every finer kind.
GRANULARITY = {PeriodKind.DAY: 0, PeriodKind.MONTH: 1, PeriodKind.QUARTER: 2, PeriodKind.YEAR: 3}

_LABELS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), PeriodKind.DAY),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), PeriodKind.MONTH),
    (re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})$"), PeriodKind.YEAR),
)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    start: datetime.date

    def __post_init__(self):
        kind = PeriodKind(self.kind)  # ValueError on an unknown kind
        object.__setattr__(self, "kind", str(kind.value))
        start = self.start
        if isinstance(start, datetime.datetime):
            start = start.date()
        if kind != PeriodKind.DAY:
            first_month = {
                PeriodKind.MONTH: start.month,
                PeriodKind.QUARTER: (start.month - 1) // 3 * 3 + 1,
                PeriodKind.YEAR: 1,
            }[kind]
            if start.day != 1 or start.month != first_month:
                raise ValueError(f"{start} is not the first day of a {kind.value}")
        object.__setattr__(self, "start", start)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def containing(cls, kind: str, date: datetime.date) -> Period:
        kind = PeriodKind(kind)
        if isinstance(date, datetime.datetime):
            date = date.date()
        if kind == PeriodKind.DAY:
            return cls(kind, date)
        if kind == PeriodKind.MONTH:
            return cls(kind, date.replace(day=1))
        if kind == PeriodKind.QUARTER:
            return cls(kind, datetime.date(date.year, (date.month - 1) // 3 * 3 + 1, 1))
        return cls(kind, datetime.date(date.year, 1, 1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """The period a label names; ``ValueError`` when it names none."""
        text = str(text or "").strip()
        for pattern, kind in _LABELS:
            match = pattern.match(text)
            if not match:
                continue
            parts = [int(p) for p in match.groups()]
            try:
                if kind == PeriodKind.DAY:
                    return cls(kind, datetime.date(*parts))
                if kind == PeriodKind.MONTH:
                    return cls(kind, datetime.date(parts[0], parts[1], 1))
                if kind == PeriodKind.QUARTER:
                    return cls(kind, datetime.date(parts[0], (parts[1] - 1) * 3 + 1, 1))
                return cls(kind, datetime.date(parts[0], 1, 1))
            except ValueError:
                break
        raise ValueError(f"{text!r} is not a period (2026-11-05, 2026-11, 2026-Q3 or 2026)")

    # -- properties ---------------------------------------------------------------------

    @property
    def end(self) -> datetime.date:
        """The last day of the period (inclusive)."""
        return self.next().start - datetime.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.DAY:
            return self.start.isoformat()
        if self.kind == PeriodKind.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year:04d}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year:04d}"

    def __str__(self) -> str:
        return self.label

    def _step(self, n: int) -> Period:
        if self.kind == PeriodKind.DAY:
            return Period(self.kind, self.start + datetime.timedelta(days=n))
        months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]
        return Period(self.kind, _add_months(self.start, months * n))

    def previous(self) -> Period:
        return self._step(-1)

    def next(self) -> Period:
        return self._step(1)

    def contains(self, date: datetime.date) -> bool:
        if isinstance(date, datetime.datetime):
            date = date.date()
        return self.start <= date <= self.end

    def months(self) -> list[Period]:
        """The months this period covers (a day lies in one month)."""
        if self.kind == PeriodKind.DAY:
            return [Period.containing(PeriodKind.MONTH, self.start)]
        count = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]
        return [Period(PeriodKind.MONTH, _add_months(self.start, i)) for i in range(count)]

    def sub_periods(self, kind: str) -> list[Period]:
        """The periods of a finer (or the same) kind that make up this one."""
        kind = PeriodKind(kind)
        if GRANULARITY[kind] > GRANULARITY[PeriodKind(self.kind)]:
            raise ValueError(f"a {self.kind} is not made of {kind.value}s")
        result = []
        current = Period.containing(kind, self.start)
        while current.start <= self.end:
            result.append(current)
            current = current.next()
        return result

    def finer_or_equal_kinds(self) -> list[str]:
        mine = GRANULARITY[PeriodKind(self.kind)]
        return [str(k.value) for k, g in GRANULARITY.items() if g <= mine]


def last_n(kind: str, n: int, *, until: datetime.date) -> list[Period]:
    """``n`` periods of ``kind``, oldest first, the last one containing ``until``."""
    current = Period.containing(kind, until)
    result = [current]
    for _i in range(max(n, 1) - 1):
        current = current.previous()
        result.append(current)
    return list(reversed(result[:n])) if n > 0 else []


def month_span(start: datetime.date, end: datetime.date) -> list[Period]:
    """Every month touching ``start``…``end`` (inclusive)."""
    current = Period.containing(PeriodKind.MONTH, start)
    result = []
    while current.start <= end:
        result.append(current)
        current = current.next()
    return result
