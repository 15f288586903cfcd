"""The SQL pre-filters of the status and deadline filters never drop a contract that the
derived status (prm.contracts.status.status) would keep: checked on a varied set of
contracts, every status, against the plain Python answer."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from prm.contracts.filters import ContractFilter
from prm.contracts.models import Contract
from prm.contracts.selectors import upcoming_deadlines
from prm.contracts.status import (
    Status,
    could_be,
    current_period,
    max_notice_days,
    near_deadline,
    status,
    with_status_data,
)
from prm.core import access
from tests.contracts.factories import make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracts(partner_a, manager):
    rng = random.Random(3)
    today = timezone.localdate()
    made = []
    for i in range(80):
        start = today + timedelta(days=rng.randint(-800, 60))
        end = start + timedelta(days=rng.choice((0, 30, 180, 365, 400)))
        signed = rng.random() < 0.8
        auto = rng.random() < 0.3
        contract = make_contract(
            partner_a,
            owner=manager,
            title=f"C{i}",
            start_date=start,
            end_date=end,
            notice_days=rng.choice((0, 10, 30, 90)),
            auto_renew=auto,
            renewal_term_months=rng.choice((1, 12)) if auto else None,
            signed_on=min(start, today) if signed else None,
        )
        if signed and rng.random() < 0.1:
            contract.terminated_on = today + timedelta(days=rng.randint(-30, 30))
            contract.termination_reason = "test"
            contract.save()
        made.append(contract)
    # A few renewed ones (with a successor).
    for contract in made[:40:8]:
        if contract.signed_on and not contract.terminated_on:
            make_contract(
                partner_a,
                title=f"{contract.title} renewal",
                start_date=contract.end_date + timedelta(days=1),
                end_date=contract.end_date + timedelta(days=365),
                predecessor=contract,
            )
    return made


def _truth(today):
    return {c.pk: status(c, today) for c in with_status_data(access.unrestricted(Contract))}


def test_status_prefilter_keeps_every_contract_of_the_status(contracts, manager):
    today = timezone.localdate()
    truth = _truth(today)
    assert len(set(truth.values())) >= 6  # the sample covers most statuses
    notice = max_notice_days(access.unrestricted(Contract))
    for state in Status:
        kept = set(
            access.unrestricted(Contract)
            .filter(could_be({state}, today, notice))
            .values_list("pk", flat=True)
        )
        expected = {pk for pk, s in truth.items() if s == state}
        assert expected <= kept, state
        found = ContractFilter(
            {"status": [state.value]}, queryset=access.scope(manager, Contract)
        ).qs
        assert set(found.values_list("pk", flat=True)) == expected, state


def test_deadline_prefilter_keeps_every_upcoming_deadline(contracts, manager):
    today = timezone.localdate()
    horizon = today + timedelta(days=90)
    expected = set()
    for contract in with_status_data(access.unrestricted(Contract)):
        if status(contract, today) not in (Status.ACTIVE, Status.EXPIRING):
            continue
        period = current_period(contract, today)
        if today <= period.notice_deadline <= horizon or today <= period.end <= horizon:
            expected.add(contract.pk)
    notice = max_notice_days(access.unrestricted(Contract))
    kept = set(
        access.unrestricted(Contract)
        .filter(near_deadline(today, horizon, notice))
        .values_list("pk", flat=True)
    )
    assert expected <= kept
    found = ContractFilter({"expiring": "90"}, queryset=access.scope(manager, Contract)).qs
    assert set(found.values_list("pk", flat=True)) == expected
    listed = {d.contract.pk for d in upcoming_deadlines(user=manager, limit=1000)}
    assert listed == expected
