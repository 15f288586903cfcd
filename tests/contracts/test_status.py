"""The derived status across date boundaries, time zones and leap years."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.utils import timezone

from prm.contracts.models import Contract
from prm.contracts.status import Status, add_months, current_period, status, term_end


def contract(**fields) -> Contract:
    fields.setdefault("start_date", date(2026, 1, 1))
    fields.setdefault("end_date", date(2026, 12, 31))
    fields.setdefault("notice_days", 30)
    fields.setdefault("signed_on", date(2025, 12, 20))
    obj = Contract(**fields)
    obj.has_rounds = fields.pop("has_rounds", False)
    obj.has_successor = False
    return obj


def test_draft_then_negotiating():
    draft = contract(signed_on=None)
    assert status(draft, date(2026, 3, 1)) == Status.DRAFT
    draft.has_rounds = True
    assert status(draft, date(2026, 3, 1)) == Status.NEGOTIATING


def test_signed_before_start_active_on_start_day():
    c = contract()
    assert status(c, date(2025, 12, 31)) == Status.SIGNED
    assert status(c, date(2026, 1, 1)) == Status.ACTIVE


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 30), Status.ACTIVE),  # the day before the notice deadline
        (date(2026, 12, 1), Status.EXPIRING),  # the deadline itself (31 Dec - 30 days)
        (date(2026, 12, 2), Status.EXPIRING),  # the day after
        (date(2026, 12, 30), Status.EXPIRING),  # the day before the end
        (date(2026, 12, 31), Status.EXPIRING),  # the last day is still in force
        (date(2027, 1, 1), Status.EXPIRED),  # the day after the end
    ],
)
def test_boundaries_of_notice_window_and_end(today, expected):
    assert status(contract(), today) == expected


def test_renewed_once_past_end_with_successor():
    c = contract()
    c.has_successor = True
    assert status(c, date(2026, 12, 15)) == Status.ACTIVE  # renewal arranged: not expiring
    assert status(c, date(2027, 1, 1)) == Status.RENEWED


def test_terminated_from_its_date():
    c = contract(terminated_on=date(2026, 6, 30), termination_reason="breach")
    assert status(c, date(2026, 6, 29)) == Status.ACTIVE
    assert status(c, date(2026, 6, 30)) == Status.TERMINATED
    assert status(c, date(2027, 6, 30)) == Status.TERMINATED


def test_leap_day_start_twelve_month_term():
    # 29 Feb 2024 + 12 months: 2025 has no 29 Feb, so the term ends on 28 Feb 2025.
    assert term_end(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert term_end(date(2024, 2, 29), 48) == date(2028, 2, 28)
    assert term_end(date(2025, 1, 15), 12) == date(2026, 1, 14)
    assert term_end(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    c = contract(
        start_date=date(2024, 2, 29),
        end_date=date(2025, 2, 28),
        notice_days=29,
        signed_on=date(2024, 2, 1),
    )
    # 28 Feb 2025 - 29 days = 30 Jan 2025 (2025 is not a leap year).
    assert status(c, date(2025, 1, 29)) == Status.ACTIVE
    assert status(c, date(2025, 1, 30)) == Status.EXPIRING
    assert status(c, date(2025, 2, 28)) == Status.EXPIRING
    assert status(c, date(2025, 3, 1)) == Status.EXPIRED


def test_auto_renewal_rolls_on_by_its_term():
    c = contract(
        start_date=date(2024, 2, 29),
        end_date=date(2025, 2, 28),
        auto_renew=True,
        renewal_term_months=12,
    )
    period = current_period(c, date(2025, 3, 1))
    assert (period.start, period.end) == (date(2025, 3, 1), date(2026, 2, 28))
    assert status(c, date(2025, 3, 1)) == Status.ACTIVE
    assert status(c, date(2026, 2, 1)) == Status.EXPIRING


@pytest.mark.django_db
def test_today_is_the_seoul_calendar_day(settings):
    """A contract ending "today" in Seoul while UTC is still on the day before."""
    settings.TIME_ZONE = "Asia/Seoul"
    c = contract(end_date=date(2026, 12, 31))
    # 2027-01-01 08:00 in Seoul is 2026-12-31 23:00 UTC.
    instant = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=instant):
        today = timezone.localdate()
        assert today == date(2027, 1, 1)
        assert status(c, today) == Status.EXPIRED
    # 2026-12-31 08:00 in Seoul is still 2026-12-30 in UTC: the contract's last day.
    instant = datetime(2026, 12, 30, 23, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=instant):
        assert timezone.localdate() == date(2026, 12, 31)
        assert status(c, timezone.localdate()) == Status.EXPIRING
