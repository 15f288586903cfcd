"""Deals and rules for the commission tests."""

import itertools
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from prm.commissions.models import CommissionBracket, CommissionRule
from prm.sales.models import Account, Deal, PipelineStage, ProductCategory

SEOUL = ZoneInfo("Asia/Seoul")
_n = itertools.count(1)


def seoul(*args) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


def make_deal(partner, amount, won_at=None, *, currency="KRW", category=None, title=None):
    n = next(_n)
    account = Account.objects.create(name=f"고객사 {n}")
    stage = PipelineStage.objects.get(code="won" if won_at else "proposal")
    return Deal.objects.create(
        partner=partner,
        account=account,
        title=title or f"Deal {n}",
        amount=Decimal(amount),
        currency=currency,
        product_category=ProductCategory.objects.get(code=category) if category else None,
        stage=stage,
        registered_at=won_at or seoul(2026, 1, 1),
        won_at=won_at,
    )


def make_rule(name="Base", *, rate="5", brackets=None, mode="marginal", **fields):
    fields.setdefault("effective_from", date(2020, 1, 1))
    kind = "tiered" if brackets else "percentage"
    rule = CommissionRule.objects.create(
        name=name, kind=kind, rate=Decimal(rate), bracket_mode=mode, **fields
    )
    for low, high, pct in brackets or []:
        CommissionBracket.objects.create(
            rule=rule,
            from_amount=Decimal(low),
            to_amount=None if high is None else Decimal(high),
            rate=Decimal(pct),
        )
    return rule


@pytest.fixture
def base_rule(db):
    return make_rule()
