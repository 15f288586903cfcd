"""Derived metrics that follow their records.

A change to a record a derivation reads (a deal won or lost, a corrected won amount, a
lead offered, an imported delivery line or reseller sale) asks for that derivation to run
again for the partners and the periods the change touches: the month, quarter and year of
each date it moved (the kinds ``prm derive-metrics`` stores). The requests of one
transaction are gathered and handed to the task worker once, after the commit: a page
never waits on a derivation, a large import makes one task, and a change that is rolled
back derives nothing. The stored observations then announce ``metrics.observations_changed``
as usual, so the scorecards they feed recompute.

``prm derive-metrics`` stays the nightly catch-all: open lines falling due as days pass,
deleted records, changes no event announces.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from prm.metrics import tasks
from prm.metrics.periods import Period, PeriodKind

LIVE_KINDS = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)

Wanted = dict[tuple[str, str], set[int]]  # (derivation, period label) → partner ids
ATTRIBUTE = "prm_metrics_live_batch"  # the connection's batch of its open transaction


def periods_touched(dates: Iterable[datetime.date | datetime.datetime | None]) -> set[Period]:
    """The month, quarter and year of each date, leaving out periods not yet begun (they
    hold no observations)."""
    today = timezone.localdate()
    periods = set()
    for value in dates:
        if value is None:
            continue
        if isinstance(value, datetime.datetime):
            value = timezone.localdate(value)
        for kind in LIVE_KINDS:
            period = Period.containing(kind, value)
            if period.start <= today:
                periods.add(period)
    return periods


def rederive_later(
    *,
    derivation: str,
    partner_ids: Iterable[int],
    dates: Iterable[datetime.date | datetime.datetime | None],
) -> None:
    """Re-derive ``derivation`` for the partners in the periods of ``dates``, in the
    background once the current transaction commits."""
    partners = {int(p) for p in partner_ids if p is not None}
    periods = periods_touched(dates)
    if not partners or not periods:
        return
    wanted: Wanted = {(derivation, period.label): set(partners) for period in periods}
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _enqueue(wanted)
        return
    _batch(connection).merge(wanted)


class _Batch:
    """What one transaction asked to re-derive, enqueued once after its commit."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.wanted: Wanted = defaultdict(set)

    def merge(self, wanted: Wanted) -> None:
        for key, partners in wanted.items():
            self.wanted[key] |= partners

    def flush(self) -> None:
        if getattr(self.connection, ATTRIBUTE, None) is self:
            setattr(self.connection, ATTRIBUTE, None)
        wanted, self.wanted = self.wanted, defaultdict(set)
        _enqueue(wanted)


def _batch(connection) -> _Batch:
    batch = getattr(connection, ATTRIBUTE, None)
    # A rollback drops the batch's flush from the commit hooks; start a new batch then, or
    # its requests would wait for a commit that never runs them.
    if batch is None or not any(hook[1] == batch.flush for hook in connection.run_on_commit):
        batch = _Batch(connection)
        setattr(connection, ATTRIBUTE, batch)
        # robust: the change is committed already; a failing enqueue must not fail the
        # request (the nightly run catches up).
        transaction.on_commit(batch.flush, robust=True)
    return batch


def _enqueue(wanted: Wanted) -> None:
    plan = [[name, label, sorted(partners)] for (name, label), partners in sorted(wanted.items())]
    if plan:
        tasks.derive_for_partners.enqueue(plan)
